/** Photos of the open project waiting for the model, and where each can be read from. */
import { loadInbox } from '../../store/inbox';
import type { PhotoRef, ProjectRecord } from '../../store/projects';
import type { WaitingPhoto } from './importPhotos';
import type { PhotoLibrary } from './library';

/** Every photo the project names (classes and pile) without an embedding for its features. */
export function waitingRefs(project: ProjectRecord, library: PhotoLibrary): PhotoRef[] {
  return [...project.classes.flatMap((c) => c.photos), ...project.pile].filter((photo) => library.embeddingOf(photo.hash) === undefined);
}

/** The waiting photos that can still be read: from their stored copy, else from the original kept in the inbox. */
export async function readableWaiting(project: ProjectRecord, library: PhotoLibrary): Promise<WaitingPhoto[]> {
  const originals = new Map((await loadInbox(project.id)).map((entry) => [entry.hash, entry.file]));
  return waitingRefs(project, library).flatMap((ref): WaitingPhoto[] => {
    const record = library.recordOf(ref.hash);
    if (record) return [{ ref, record }];
    const original = originals.get(ref.hash);
    return original ? [{ ref, original }] : [];
  });
}
