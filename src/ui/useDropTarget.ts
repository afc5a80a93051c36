import { useState, type DragEvent } from 'react';

/**
 * An element that accepts drops: whether something is being dragged over it (to highlight it), and
 * the three handlers to spread on it. Preventing the default is what makes the browser deliver the
 * drop to the page instead of opening the file.
 */
export function useDropTarget(receive: (transfer: DataTransfer) => void) {
  const [dragging, setDragging] = useState(false);
  return {
    dragging,
    dropHandlers: {
      onDragOver(event: DragEvent) {
        event.preventDefault();
        setDragging(true);
      },
      onDragLeave() {
        setDragging(false);
      },
      onDrop(event: DragEvent) {
        event.preventDefault();
        setDragging(false);
        receive(event.dataTransfer);
      },
    },
  };
}
