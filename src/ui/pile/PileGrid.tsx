import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import type { PileItem } from '../../store/projects';
import type { PhotoLibrary } from '../project/library';
import type { Suggestion } from './usePile';

/** A cell: the thumbnail and two lines under it (see .pile-grid in styles.css). */
const cellWidth = 96;
const cellHeight = 134;
const gap = 6;

interface Props {
  pile: PileItem[];
  library: PhotoLibrary;
  nameOf(classId: string): string | undefined;
  suggestionOf: ReadonlyMap<string, Suggestion>;
  /** A photo was chosen: it is shown in "Check these next". */
  onChoose(hash: string): void;
}

export const percent = (p: number) => `${Math.round(p * 100)}%`;

/**
 * The unsorted photos, each with the classifier's suggestion and how sure it is, or the class it
 * was accepted as. Renders only the rows on screen (@tanstack/react-virtual), so a pile of thousands
 * costs what a screenful does.
 */
export function PileGrid({ pile, library, nameOf, suggestionOf, onChoose }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(6);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const fit = () => setColumns(Math.max(1, Math.floor((element.clientWidth + gap) / (cellWidth + gap))));
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useVirtualizer({
    count: Math.ceil(pile.length / columns),
    getScrollElement: () => scroller.current,
    estimateSize: () => cellHeight + gap,
    overscan: 2,
    initialRect: { width: columns * (cellWidth + gap), height: 3 * (cellHeight + gap) },
  });
  return (
    <div ref={scroller} className="pile-scroll">
      <ul className="pile-grid" aria-label="Unsorted photos" data-testid="pile-grid" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().flatMap((row) =>
          pile.slice(row.index * columns, row.index * columns + columns).map((item, column) => {
            const suggestion = suggestionOf.get(item.hash);
            const accepted = item.accepted && nameOf(item.accepted.classId);
            const caption = accepted
              ? `Accepted: ${accepted}`
              : suggestion
                ? `${nameOf(suggestion.classId) ?? '?'} · ${percent(suggestion.confidence)}`
                : 'No suggestion yet';
            const src = library.thumbnailOf(item.hash);
            return (
              <li
                key={item.hash}
                aria-setsize={pile.length}
                aria-posinset={row.index * columns + column + 1}
                className={accepted ? 'accepted' : undefined}
                data-testid="pile-photo"
                style={{ transform: `translate(${column * (cellWidth + gap)}px, ${row.start}px)` }}
              >
                <button type="button" className="thumb" onClick={() => onChoose(item.hash)} title={item.path ?? item.name}>
                  {src ? (
                    <img src={src} alt={item.name} width={cellWidth} height={cellWidth} />
                  ) : (
                    <span className="thumb-placeholder">{item.name}</span>
                  )}
                </button>
                <span className="pile-caption">{caption}</span>
              </li>
            );
          }),
        )}
      </ul>
    </div>
  );
}
