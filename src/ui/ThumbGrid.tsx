import { memo, useRef, useState, useSyncExternalStore, type DragEvent } from 'react';
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
  const { scroller, columns, virtualizer, height } = useGridRows({
    count: photos.length,
    cellWidth: cell,
    cellHeight: cell,
    gap,
    initialColumns: 8,
  });
  // The cells get the same two functions on every render, calling the latest handlers: with them
  // and their other props unchanged, a cell is not rendered again when photos arrive elsewhere.
  const handlers = useRef({ onToggle, onDragStart });
  handlers.current = { onToggle, onDragStart };
  const [actions] = useState<CellActions>(() => ({
    toggle: (hash) => handlers.current.onToggle(hash),
    dragStart: (hash, event) => handlers.current.onDragStart(hash, event),
  }));
  return (
    <div ref={scroller} className="thumb-scroll">
      <ul className="thumb-grid" aria-label={label} style={{ height }}>
        {virtualizer
          .getVirtualItems()
          .flatMap((row) =>
            photos
              .slice(row.index * columns, row.index * columns + columns)
              .map((photo, column) => (
                <Thumb
                  key={photo.hash}
                  hash={photo.hash}
                  name={photo.name}
                  src={library.thumbnailSoon(photo.hash, row.index)}
                  waiting={isWaiting?.(photo.hash) ?? false}
                  pressed={selected.has(photo.hash)}
                  setSize={photos.length}
                  position={row.index * columns + column + 1}
                  x={column * (cell + gap)}
                  y={row.start}
                  actions={actions}
                />
              )),
          )}
      </ul>
    </div>
  );
}

interface CellActions {
  toggle(hash: string): void;
  dragStart(hash: string, event: DragEvent): void;
}

interface CellProps {
  hash: string;
  name: string;
  src: string | undefined;
  waiting: boolean;
  pressed: boolean;
  setSize: number;
  position: number;
  x: number;
  y: number;
  actions: CellActions;
}

/** One thumbnail: rendered again only when something it shows changes. */
const Thumb = memo(function Thumb({ hash, name, src, waiting, pressed, setSize, position, x, y, actions }: CellProps) {
  return (
    <li aria-setsize={setSize} aria-posinset={position} style={{ transform: `translate(${x}px, ${y}px)` }}>
      <button
        type="button"
        className={`thumb${waiting ? ' waiting' : ''}`}
        aria-pressed={pressed}
        draggable
        onDragStart={(event) => actions.dragStart(hash, event)}
        onClick={() => actions.toggle(hash)}
        title={waiting ? `${name} (waiting for the model)` : name}
      >
        {src ? <img src={src} alt={name} width={cell} height={cell} /> : <span className="thumb-placeholder">{name}</span>}
      </button>
    </li>
  );
});
