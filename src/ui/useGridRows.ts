import { elementScroll, useVirtualizer, type Rect, type Virtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';

interface GridShape {
  /** How many items the grid holds. */
  count: number;
  cellWidth: number;
  cellHeight: number;
  gap: number;
  /** Columns assumed before the scroller is measured, for the grid's height until then. */
  initialColumns: number;
}

/**
 * A grid of fixed-size cells that renders only the rows on screen (@tanstack/react-virtual:
 * measured scrolling and overscan done right, rather than hand-written): as many columns as fit
 * the scroller's width, refitted when it resizes. Put `scroller` on the scrolling element, give
 * the grid `height`, and render `virtualizer.getVirtualItems()` rows of `columns` items each.
 *
 * No rows are rendered until the scroller has been laid out and measured: the page's first frame
 * holds the grid's frame only, its cells come in the next. A project of thousands of photos opens
 * with several grids at once, and their cells in the same task as the rest of the first screen
 * made it the longest of the opening (and rendered rows for a guessed width, then again).
 */
export function useGridRows({ count, cellWidth, cellHeight, gap, initialColumns }: GridShape) {
  const scroller = useRef<HTMLDivElement>(null);
  /** The scroller's columns and height once measured; its later heights are the library's to follow. */
  const [measured, setMeasured] = useState<{ columns: number; height: number }>();
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // The observer reports the size once the page is laid out (and on every resize); reading
    // clientWidth here instead would force that layout inside React's commit, which at a
    // project's opening made one long task of two.
    const observer = new ResizeObserver(([entry]) => {
      const columns = Math.max(1, Math.floor((entry.contentRect.width + gap) / (cellWidth + gap)));
      setMeasured((before) => (before?.columns === columns ? before : { columns, height: entry.contentRect.height }));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [cellWidth, gap]);
  const columns = measured?.columns ?? initialColumns;
  const rows = Math.ceil(count / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    enabled: measured !== undefined,
    getScrollElement: () => scroller.current,
    estimateSize: () => cellHeight + gap,
    overscan: 2,
    initialRect: { width: columns * (cellWidth + gap), height: measured?.height ?? 0 },
    observeElementRect: observeRectOnResize,
    scrollToFn: scrollOnceMounted,
  });
  // Until then the grid takes the height it most likely will, so the page does not jump.
  const height = measured ? virtualizer.getTotalSize() : rows * (cellHeight + gap);
  return { scroller, columns, virtualizer, height };
}

/**
 * The scroller's size, from a ResizeObserver only. The library's default also reads it at once,
 * in React's commit, which forces a layout of the whole page just rendered: at the opening of a
 * project of 5,000 photos that made one main-thread task of about a second. Until the observer's
 * first report, which comes after the browser's own layout, `initialRect` stands in.
 */
function observeRectOnResize(instance: Virtualizer<HTMLDivElement, Element>, report: (rect: Rect) => void): () => void {
  const element = instance.scrollElement;
  if (!element) return () => {};
  // Read in the observer's callback, the layout is already done: nothing is forced.
  const observer = new ResizeObserver(() => report({ width: element.clientWidth, height: element.clientHeight }));
  observer.observe(element);
  return () => observer.disconnect();
}

/** Scrollers the library has written an offset to (see scrollOnceMounted). */
const written = new WeakSet<Element>();

/**
 * The library's scrolling, but for its first write to a scroller: at mount it writes the offset it
 * starts from (0) to a scroller that is just made, so at 0 already, and that write forces a layout
 * of the whole page just rendered, as reading its size did (see observeRectOnResize).
 */
function scrollOnceMounted(
  offset: number,
  options: { adjustments?: number; behavior?: ScrollBehavior },
  instance: Virtualizer<HTMLDivElement, Element>,
): void {
  const element = instance.scrollElement;
  if (element && !written.has(element)) {
    written.add(element);
    if (offset + (options.adjustments ?? 0) === 0) return;
  }
  elementScroll(offset, options, instance);
}
