/**
 * The same project open in two tabs never loses a write: one tab edits it, the others follow.
 *
 * Why this design rather than merging changes: a project's record is rewritten whole on every
 * save, so two tabs editing at once would each overwrite the other's photos; merging every kind of
 * change (renames, moves, deletions with undo, imports half done) would be a lot of code to get
 * exactly right, and people rarely mean to edit in two tabs at once. So the browser's Web Locks
 * decide: the tab holding the lock `handful-project:<id>` edits and saves; any other tab opening
 * that project follows it, read-only, reloading the project whenever the editing tab says (over a
 * BroadcastChannel) that it saved, and says so plainly with an "Edit here instead" button. The lock
 * is released when the editing tab closes or crashes (the browser does that), so a waiting tab
 * takes over by itself; "Edit here instead" asks the editing tab to save and let go, and takes
 * the lock by force if that tab does not answer (frozen in the background) within a few seconds.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

/** 'deciding' until the browser has said whether this tab holds the lock. */
export type TabRole = 'deciding' | 'editing' | 'following';

type Message = { type: 'saved' } | { type: 'hand-over' };

/** How long the editing tab has to save and let go before "Edit here instead" takes the lock anyway. */
const handOverWaitMs = 3000;

export interface TabLockEvents {
  /** This tab now edits the project (it was following): read it again, it may have changed. */
  becameEditor(): void;
  /** The editing tab saved a change. */
  changedElsewhere(): void;
  /** Save whatever waits, before letting another tab edit. */
  flush(): Promise<void>;
}

export function useTabLock(projectId: string | undefined, events: TabLockEvents) {
  const [role, setRole] = useState<TabRole>('deciding');
  const latestEvents = useRef(events);
  latestEvents.current = events;
  const channel = useRef<BroadcastChannel | undefined>(undefined);
  const takeOverRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!projectId) return;
    // Without Web Locks (very old browsers) there is nothing to coordinate with: this tab edits.
    if (!('locks' in navigator) || typeof BroadcastChannel === 'undefined') {
      setRole('editing');
      return;
    }
    const name = `handful-project:${projectId}`;
    const messages = new BroadcastChannel(name);
    channel.current = messages;
    const stop = new AbortController();
    let letGo: (() => void) | undefined;
    let disposed = false;
    setRole('deciding');

    /** Holds the lock until this tab lets go (hand-over, another project, closing). */
    const edit = (wasFollowing: boolean) => {
      if (disposed) return Promise.resolve();
      setRole('editing');
      if (wasFollowing) latestEvents.current.becameEditor();
      return new Promise<void>((resolve) => (letGo = resolve));
    };
    /** A request's promise fails when this tab moves on (aborted) or another tab took the lock by force (stolen). */
    const lost = () => {
      if (disposed || !letGo) return;
      letGo = undefined;
      waitInLine();
    };
    /** This tab's place in the queue for the lock, given up when it takes the lock by force. */
    let inLine: AbortController | undefined;
    const waitInLine = () => {
      if (disposed) return;
      setRole('following');
      inLine = new AbortController();
      navigator.locks.request(name, { signal: AbortSignal.any([stop.signal, inLine.signal]) }, () => edit(true)).catch(lost);
    };
    // (A signal cannot go with ifAvailable; `disposed` covers a tab that moved on meanwhile.)
    navigator.locks.request(name, { ifAvailable: true }, (lock) => (lock ? edit(false) : void waitInLine())).catch(lost);

    messages.onmessage = (event: MessageEvent<Message>) => {
      if (event.data.type === 'saved' && !letGo) latestEvents.current.changedElsewhere();
      if (event.data.type === 'hand-over' && letGo) {
        const release = letGo;
        letGo = undefined;
        void latestEvents.current
          .flush()
          .catch(() => {})
          .finally(() => {
            release();
            if (!disposed) waitInLine();
          });
      }
    };

    takeOverRef.current = () => {
      messages.postMessage({ type: 'hand-over' } satisfies Message);
      // The editing tab normally lets go at once; one frozen in the background is overruled.
      setTimeout(() => {
        if (disposed || letGo) return;
        inLine?.abort();
        navigator.locks.request(name, { steal: true }, () => edit(true)).catch(lost);
      }, handOverWaitMs);
    };

    return () => {
      disposed = true;
      stop.abort();
      letGo?.();
      letGo = undefined;
      messages.close();
      channel.current = undefined;
    };
  }, [projectId]);

  /** The editing tab tells the others that what is stored changed. */
  const announceSaved = useCallback(() => channel.current?.postMessage({ type: 'saved' } satisfies Message), []);
  const takeOver = useCallback(() => takeOverRef.current(), []);
  return { role, announceSaved, takeOver };
}
