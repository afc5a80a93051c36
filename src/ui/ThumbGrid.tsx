import { useSyncExternalStore, type DragEvent } from 'react';
import type { PhotoRef } from '../store/projects';
import type { PhotoLibrary } from './project/library';
import { useGridRows } from './useGridRows';

/** Side of a thumbnail button and the gap between them, in CSS pixels (see .thumb-grid in styles.css). */
const cell = 64;
const gap = 5;

interface Props {
  photos: PhotoRef[];
  library: PhotoLibrary;
  /** The list's accessible name. */
  label: string;
  selected: Set<string>;
  onToggle(hash: string): void;
  onDragStart(hash: string, event: DragEvent): void;
  /** Photos the model has not looked at yet (stored, waiting): shown dimmed, and said so. */
  isWaiting?(hash: string): boolean;
}

/**
 * A class's photos as a scrolling grid that renders only the rows on screen, so a class of
 * thousands costs what a screenful does (@tanstack/react-virtual: measured scrolling, overscan and
 * resizing done right, rather than hand-written).
 */
export function ThumbGrid({ photos, library, label, selected, onToggle, onDragStart, isWaiting }: Props) {
  // Thumbnails load after the class names and counts (see openProject): shown as they arrive.
  useSyncExternalStore(library.subscribe, library.version);
  const { scroller, columns, virtualizer } = useGridRows({
    count: photos.length,
    cellWidth: cell,
    cellHeight: cell,
    gap,
    initialColumns: 8,
    initialRows: 4,
  });
  return (
    <div ref={scroller} className="thumb-scroll">
      <ul className="thumb-grid" aria-label={label} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().flatMap((row) =>
          photos.slice(row.index * columns, row.index * columns + columns).map((photo, column) => {
            const waiting = isWaiting?.(photo.hash) ?? false;
            const src = library.thumbnailSoon(photo.hash, row.index);
            return (
              <li
                key={photo.hash}
                aria-setsize={photos.length}
                aria-posinset={row.index * columns + column + 1}
                style={{ transform: `translate(${column * (cell + gap)}px, ${row.start}px)` }}
              >
                <button
                  type="button"
                  className={`thumb${waiting ? ' waiting' : ''}`}
                  aria-pressed={selected.has(photo.hash)}
                  draggable
                  onDragStart={(event) => onDragStart(photo.hash, event)}
                  onClick={() => onToggle(photo.hash)}
                  title={waiting ? `${photo.name} (waiting for the model)` : photo.name}
                >
                  {src ? (
                    <img src={src} alt={photo.name} width={cell} height={cell} />
                  ) : (
                    <span className="thumb-placeholder">{photo.name}</span>
                  )}
                </button>
              </li>
            );
          }),
        )}
      </ul>
    </div>
  );
}
