import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';

interface GridShape {
  /** How many items the grid holds. */
  count: number;
  cellWidth: number;
  cellHeight: number;
  gap: number;
  /** Columns and rows assumed before the scroller is measured, so the first paint shows some rows. */
  initialColumns: number;
  initialRows: number;
}

/**
 * A grid of fixed-size cells that renders only the rows on screen (@tanstack/react-virtual:
 * measured scrolling and overscan done right, rather than hand-written): as many columns as fit
 * the scroller's width, refitted when it resizes. Put `scroller` on the scrolling element and
 * render `virtualizer.getVirtualItems()` rows of `columns` items each.
 */
export function useGridRows({ count, cellWidth, cellHeight, gap, initialColumns, initialRows }: GridShape) {
  const scroller = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(initialColumns);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // The observer reports the width once the page is laid out (and on every resize); reading
    // clientWidth here instead would force that layout inside React's commit, which at a
    // project's opening made one long task of two.
    const observer = new ResizeObserver(([entry]) =>
      setColumns(Math.max(1, Math.floor((entry.contentRect.width + gap) / (cellWidth + gap)))),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [cellWidth, gap]);
  const virtualizer = useVirtualizer({
    count: Math.ceil(count / columns),
    getScrollElement: () => scroller.current,
    estimateSize: () => cellHeight + gap,
    overscan: 2,
    initialRect: { width: columns * (cellWidth + gap), height: initialRows * (cellHeight + gap) },
  });
  return { scroller, columns, virtualizer };
}
