/**
 * When a photo's original may leave the inbox: once its copy and embedding are saved AND a saved
 * project record names it. Before that, a closed tab would reopen a project that does not know
 * the photo, and only the inbox would remember it.
 */
import { removeFromInbox } from '../../store/inbox';
import type { ProjectRecord } from '../../store/projects';

export class InboxSweep {
  private readonly finished = new Map<string, Set<string>>();

  /** The photo is stored and embedded. */
  finishedPhoto(projectId: string, hash: string): void {
    const set = this.finished.get(projectId) ?? new Set<string>();
    set.add(hash);
    this.finished.set(projectId, set);
  }

  /** After each successful save: the finished photos this record names leave the inbox. */
  async saved(project: ProjectRecord): Promise<void> {
    const finished = this.finished.get(project.id);
    if (!finished || finished.size === 0) return;
    const named = new Set([...project.classes.flatMap((c) => c.photos), ...project.pile].map((photo) => photo.hash));
    const leaving = [...finished].filter((hash) => named.has(hash));
    leaving.forEach((hash) => finished.delete(hash));
    // Best effort: an original left behind is found finished and cleared when the project next opens.
    await removeFromInbox(project.id, leaving).catch((error: unknown) =>
      console.warn('Clearing finished photos from the inbox failed', error),
    );
  }
}
