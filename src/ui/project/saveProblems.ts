/**
 * How a failed write reaches the person: a full disk as the one plain message (and the save line
 * says so until a later save lands), any other failure as a notice saying what was not done and
 * why, with "Try again" where trying again can help.
 */
import { useMemo, type Dispatch } from 'react';
import { StorageFullError } from '../../store/records';
import { countWord } from './derive';
import type { Action } from './state';

export interface SaveProblems {
  /** Said once, plainly, and kept in the save line until a later save succeeds. */
  storageFull(): void;
  /**
   * Like storageFull, for photos the disk filled up before they could be kept: named, since they
   * are not in the project, and `retry` adds them again (they are still in memory).
   */
  noRoomFor(files: File[], retry: () => void): void;
  /** Photos not kept, by name and with the reason (`error`); `retry` adds them again. A full disk is noRoomFor. */
  notAdded(files: File[], error: unknown, retry: () => void): void;
  /**
   * Photos kept in the project whose copy or embedding could not be saved (or the model stopped):
   * named, with the reason, and said to be waiting, which is true, not skipped.
   */
  stillWaiting(photos: { name: string; problem: string }[]): void;
  /**
   * `title` says what was not done ("The trained classifier could not be saved on this device.");
   * `retry` does it again, and a retry that fails is reported the same way.
   */
  failed(error: unknown, title: string, retry?: () => Promise<unknown>): void;
  /** `action`, with a failure reported under `title` (with "Try again") instead of rejecting. */
  reporting<A extends unknown[]>(title: string, action: (...args: A) => Promise<unknown>): (...args: A) => Promise<void>;
}

/** The browser's reason, or a plain stand-in: an aborted IndexedDB transaction may carry none. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return error === null || error === undefined ? 'The browser gave no reason.' : String(error);
}

/** Photos named in a notice before "and N more photos". */
const shownNames = 10;

const namesOf = (names: string[]): string[] => [
  names
    .slice(0, shownNames)
    .map((name) => `“${name}”`)
    .join(', '),
  ...(names.length > shownNames ? [`and ${countWord(names.length - shownNames, 'more photo')}`] : []),
];

export function saveProblems(dispatch: Dispatch<Action>): SaveProblems {
  const storageFull = () => {
    dispatch({ type: 'saving', saving: 'full' });
    dispatch({ type: 'noticed', notice: { tone: 'problem', title: new StorageFullError().message, lines: [] } });
  };
  const noRoomFor = (files: File[], retry: () => void) => {
    dispatch({ type: 'saving', saving: 'full' });
    const n = files.length;
    const title = `${countWord(n, 'photo')} could not be added: this device has no room left for ${n === 1 ? 'it' : 'them'}. Everything saved before is safe. Delete a project or some photos to make room, then try again.`;
    dispatch({ type: 'noticed', notice: { tone: 'problem', title, lines: namesOf(files.map((file) => file.name)), retry } });
  };
  const notAdded = (files: File[], error: unknown, retry: () => void) => {
    if (error instanceof StorageFullError) return noRoomFor(files, retry);
    const n = files.length;
    const title = `${countWord(n, 'photo')} could not be added: ${n === 1 ? 'it' : 'they'} could not be kept on this device. Everything saved before is safe.`;
    dispatch({
      type: 'noticed',
      notice: { tone: 'problem', title, lines: [...namesOf(files.map((file) => file.name)), reasonOf(error)], retry },
    });
  };
  const stillWaiting = (photos: { name: string; problem: string }[]) => {
    const n = photos.length;
    const [them, are] = n === 1 ? ['it', 'is'] : ['them', 'are'];
    const title = `${countWord(n, 'photo')} ${are} kept but could not be finished, so the classifier does not learn from ${them} yet. ${n === 1 ? 'It waits' : 'They wait'} in the project: “Look at ${them} now” tries again, and so does opening the project next time.`;
    const reasons = [...new Set(photos.map((photo) => photo.problem))];
    dispatch({ type: 'noticed', notice: { tone: 'problem', title, lines: [...namesOf(photos.map((photo) => photo.name)), ...reasons] } });
  };
  const failed = (error: unknown, title: string, retry?: () => Promise<unknown>) => {
    if (error instanceof StorageFullError) return storageFull();
    const again = retry && (() => void retry().catch((next: unknown) => failed(next, title, retry)));
    dispatch({ type: 'noticed', notice: { tone: 'problem', title, lines: [reasonOf(error)], retry: again } });
  };
  const reporting =
    <A extends unknown[]>(title: string, action: (...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      await action(...args).catch((error: unknown) => failed(error, title, () => action(...args)));
    };
  return { storageFull, noRoomFor, notAdded, stillWaiting, failed, reporting };
}

export function useSaveProblems(dispatch: Dispatch<Action>): SaveProblems {
  return useMemo(() => saveProblems(dispatch), [dispatch]);
}
