/**
 * Operations across the stores: deleting a project, cleaning up photos nobody refers to, asking
 * the browser to keep the data, and measuring what a project takes.
 */
import { deleteEmbeddingsExcept } from './embeddings';
import { deleteHead, saveHead, type HeadRecord } from './heads';
import { copyInbox, deleteInboxOf } from './inbox';
import { deletePhotosExcept } from './photos';
import { deleteProjectRecord, loadAllProjects, referencedHashes, saveProject, type ProjectRecord } from './projects';

/**
 * Deletes photos and embeddings that no project refers to (left behind by deletions). `projects`:
 * every stored project, when just read (a project of thousands of photos takes a while to read).
 */
export async function collectGarbage(projects?: ProjectRecord[]): Promise<void> {
  const keep = referencedHashes(projects ?? (await loadAllProjects()));
  await deletePhotosExcept(keep);
  await deleteEmbeddingsExcept(keep);
}

/**
 * Saves `copy` (the project `from` under a new id and name) with everything `from` keeps apart
 * from its record: the originals still waiting for the model in its inbox (without them the
 * copy's waiting photos could never be looked at), and its classifier. The classifier is best
 * effort: without it the copy learns again when it opens.
 */
export async function duplicateProject(
  from: string,
  copy: ProjectRecord,
  head: Omit<HeadRecord, 'projectId' | 'featuresId'> | undefined,
): Promise<void> {
  await copyInbox(from, copy.id);
  await saveProject(copy);
  if (head)
    await saveHead({ ...head, projectId: copy.id, featuresId: copy.featuresId }).catch((error: unknown) =>
      console.warn('Copying the classifier failed', error),
    );
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
