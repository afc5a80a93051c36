import { memo } from 'react';
import type { PileItem } from '../../store/projects';
import type { PhotoLibrary } from '../project/library';
import { useGridRows } from '../useGridRows';
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
export const PileGrid = memo(function PileGrid({ pile, library, nameOf, suggestionOf, onChoose }: Props) {
  const { scroller, columns, virtualizer, height } = useGridRows({
    count: pile.length,
    cellWidth,
    cellHeight,
    gap,
    initialColumns: 6,
  });
  return (
    <div ref={scroller} className="pile-scroll">
      <ul className="pile-grid" aria-label="Unsorted photos" data-testid="pile-grid" style={{ height }}>
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
});
