/**
 * Operations across the stores: deleting a project, cleaning up photos nobody refers to, asking
 * the browser to keep the data, and measuring what a project takes.
 */
import { deleteEmbeddingsExcept } from './embeddings';
import { deleteHead } from './heads';
import { deleteInboxOf } from './inbox';
import { deletePhotosExcept } from './photos';
import { deleteProjectRecord, loadAllProjects, referencedHashes } from './projects';

/** Deletes photos and embeddings that no project refers to (left behind by deletions). */
export async function collectGarbage(): Promise<void> {
  const keep = referencedHashes(await loadAllProjects());
  await deletePhotosExcept(keep);
  await deleteEmbeddingsExcept(keep);
}

export async function deleteProject(id: string): Promise<void> {
  await deleteProjectRecord(id);
  await deleteInboxOf(id);
  await deleteHead(id);
  await collectGarbage();
}

/**
 * Asks the browser not to clear this site's data when space runs low. Chromium decides without
 * asking the person; the answer says whether the data is protected.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    if (await navigator.storage?.persisted?.()) return true;
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}
