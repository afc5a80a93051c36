import { useSyncExternalStore } from 'react';
import type { ClassRecord } from '../../store/projects';
import type { PhotoLibrary } from '../project/library';
import type { Action } from '../project/state';
import { percent } from './PileGrid';
import type { FlaggedPhoto } from './usePile';

interface Props {
  flagged: FlaggedPhoto[];
  classes: ClassRecord[];
  library: PhotoLibrary;
  dispatch(action: Action): void;
}

/**
 * "Maybe mislabelled": class photos that the classifier, having not learned from them, confidently
 * puts in another class (src/pile/mislabelled.ts); a second look, with a one-click move.
 */
export function Mislabelled({ flagged, classes, library, dispatch }: Props) {
  // Thumbnails come a few at a time (thumbnailSoon): made all at once for a long list, their
  // addresses held the page for as long as a few hundred photos take.
  useSyncExternalStore(library.subscribe, library.version);
  if (flagged.length === 0) return null;
  const nameOf = (id: string) => classes.find((c) => c.id === id)?.name ?? '?';
  return (
    <div className="mislabelled" role="group" aria-labelledby="mislabelled-title" data-testid="mislabelled">
      <h3 id="mislabelled-title">Maybe mislabelled</h3>
      <p className="hint">
        Learning from the other photos, it confidently puts these in another class. Have a second look: move them if it is right.
      </p>
      <ul>
        {flagged.map((photo, index) => (
          <li key={photo.hash}>
            <img src={library.thumbnailSoon(photo.hash, index)} alt={photo.name} width={48} height={48} />
            <span>
              “{photo.name}” is in “{nameOf(photo.givenClassId)}”; it looks like “{nameOf(photo.suggestedClassId)}” (
              {percent(photo.confidence)} sure).
            </span>
            <button type="button" onClick={() => dispatch({ type: 'moved-photos', hashes: [photo.hash], to: photo.suggestedClassId })}>
              Move to “{nameOf(photo.suggestedClassId)}”
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
