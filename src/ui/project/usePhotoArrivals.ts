/**
 * What the import, resume and opening stages report about photos, turned into the library and the
 * state: photos that join the project, embeddings and thumbnails that arrive (once a frame), and
 * photos that turned out unusable.
 */
import { useCallback, useMemo } from 'react';
import { removeFromInbox } from '../../store/inbox';
import type { PhotoRecord } from '../../store/photos';
import type { PhotoRef } from '../../store/projects';
import { rememberOriginal } from '../pile/originals';
import type { ProjectCore } from './core';
import type { LoadedPhoto } from './importPhotos';
import type { InboxSweep } from './inboxSweep';
import { oncePerFrame, perFrameBatch } from './perFrame';

/** addFiles's target for the unsorted pile (class ids are UUIDs, so it cannot clash). */
export const unsortedPile = 'unsorted-pile';

export function usePhotoArrivals({ dispatch, latest, library }: ProjectCore, inboxSweep: InboxSweep) {
  /**
   * Photos that join the project (read and waiting, or complete) and embeddings that arrive,
   * shown once a frame: one render for a screenful of photos. Key '' adds nothing (the photo is
   * already named) but still counts the new embedding.
   */
  const arrivals = useMemo(
    () =>
      perFrameBatch<string, PhotoRef>((byTarget) => {
        byTarget.forEach((photos, target) => {
          if (target === unsortedPile) dispatch({ type: 'added-to-pile', photos });
          else if (target !== '') dispatch({ type: 'added-photos', classId: target, photos });
        });
        dispatch({ type: 'embeddings-arrived' });
        library.changed();
      }),
    [library],
  );
  const thumbnailsArrived = useMemo(() => oncePerFrame(() => library.changed()), [library]);

  /** `target`: the class (or pile) new photos join; none when they are already named (resuming). */
  const photoEvents = useCallback(
    (projectId: string, featuresId: string, target = '') => ({
      onWaiting: (refs: PhotoRef[]) => refs.forEach((ref) => arrivals.add(target, ref)),
      onStored: (hash: string, record: PhotoRecord) => {
        library.put(hash, { record, embedding: undefined });
        thumbnailsArrived();
      },
      onPhoto: (ref: PhotoRef, photo: LoadedPhoto, file: File | undefined) => {
        if (file) rememberOriginal(ref.hash, file);
        // Should the features have changed meanwhile, the embedding is not the project's.
        library.put(ref.hash, latest.current.project?.featuresId === featuresId ? photo : { ...photo, embedding: undefined });
        arrivals.add(target, ref);
        inboxSweep.finishedPhoto(projectId, ref.hash);
      },
      onDropped: (hashes: string[]) => {
        arrivals.flushNow();
        dispatch({ type: 'lost-photos', hashes });
        void removeFromInbox(projectId, hashes).catch((error: unknown) =>
          console.warn('Clearing unusable photos from the inbox failed', error),
        );
      },
    }),
    [arrivals, library, thumbnailsArrived, inboxSweep],
  );

  return { arrivals, photoEvents };
}

export type PhotoArrivals = ReturnType<typeof usePhotoArrivals>;
