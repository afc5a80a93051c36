/**
 * Photos of the open project stored without an embedding for its features (its features just
 * changed, an import left them waiting, a lost record) are looked at from their stored copy (or
 * the original kept in the inbox) once the engine runs those features, with the progress bar and
 * its Stop. Everything else opens without running the model.
 */
import { useEffect, type Dispatch, type RefObject, type SetStateAction } from 'react';
import type { EngineClient } from '../../engine';
import type { ProjectCore } from './core';
import { lookAt, type WaitingPhoto } from './importPhotos';
import { unusableNotice } from './importNotices';
import type { ImportProgressControl } from './useImportProgress';
import type { PhotoArrivals } from './usePhotoArrivals';
import type { TabRole } from './useTabLock';

export interface UnembeddedPhotos {
  projectId: string;
  featuresId: string;
  photos: WaitingPhoto[];
  /** 'features': the project's features changed; 'resume': photos an import left waiting. */
  reason?: 'features' | 'resume';
}

/** Sets (or, once taken, clears) the photos to look at; the state itself lives in useProject. */
export type SetUnembedded = Dispatch<SetStateAction<UnembeddedPhotos | undefined>>;

/** A change of the open project's features whose photos are being looked at: Stop goes back `from`. */
export type FeaturesSwitch = { from: string; to: string };

export interface UnembeddedPhotosParts {
  /** The engine, only while it runs the open project's features. */
  engine: EngineClient | undefined;
  role: TabRole;
  progress: ImportProgressControl;
  photoArrivals: PhotoArrivals;
  switching: RefObject<FeaturesSwitch | undefined>;
}

/** `unembedded` is taken (set back to none) when its photos start, so each is looked at once. */
export function useUnembeddedPhotos(
  { dispatch, latest, failures }: ProjectCore,
  unembedded: UnembeddedPhotos | undefined,
  setUnembedded: SetUnembedded,
  { engine, role, progress, photoArrivals: { photoEvents }, switching }: UnembeddedPhotosParts,
) {
  const { storageFull } = failures;
  useEffect(() => {
    // Only the tab editing the project looks at its photos (see useTabLock).
    if (!engine || !unembedded || role !== 'editing') return;
    const { projectId, featuresId, reason } = unembedded;
    const isCurrent = () => latest.current.project?.id === projectId && latest.current.project.featuresId === featuresId;
    // The engine computes what it was last started with: only then are the results these features.
    if (!isCurrent() || engine.featuresId !== featuresId) return;
    setUnembedded(undefined);
    const { photos } = unembedded;
    if (photos.length === 0) {
      if (reason === 'features') switching.current = undefined;
      return;
    }
    const signal = progress.stopSignal();
    progress.grow(photos.length, reason);
    let handled = 0;
    const events = photoEvents(projectId, featuresId);
    void lookAt(photos, {
      engine,
      featuresId,
      signal,
      ...events,
      // Photos only looked at again keep their place, with or without the new features.
      onDropped: reason === 'features' ? () => {} : events.onDropped,
      onFileDone: (embedded) => {
        handled++;
        progress.advance(1, embedded ? 1 : 0);
      },
    })
      .then((result) => {
        if (result.cancelled) return;
        if (reason === 'features' && switching.current?.to === featuresId) switching.current = undefined;
        progress.advance(photos.length - handled, 0);
        if (result.storageFull) storageFull();
        if (result.waiting.length > 0) failures.stillWaiting(result.waiting);
        if (result.skipped.length > 0) dispatch({ type: 'noticed', notice: unusableNotice(result.skipped, reason) });
      })
      .catch((error: unknown) => {
        progress.advance(photos.length - handled, 0);
        // They stay waiting: the next opening of the project tries them again.
        dispatch({
          type: 'noticed',
          notice: {
            tone: 'problem',
            title: 'Some photos could not be looked at; they wait for the next time the project opens.',
            lines: [(error as Error).message],
          },
        });
      });
    // The progress bar's parts only touch refs and dispatch.
  }, [engine, unembedded, photoEvents, storageFull, failures, role]);
}
