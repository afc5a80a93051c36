/**
 * The open project's record is saved a moment after each change (and at least every few seconds
 * during a long import), by the tab editing it only, and at once when the page is hidden.
 */
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import { saveProject, type ProjectRecord } from '../../store/projects';
import { debouncedSaver, flushWhenHidden } from '../../store/saver';
import type { ProjectCore } from './core';
import type { InboxSweep } from './inboxSweep';
import type { TabRole } from './useTabLock';

const saveDelayMs = 400;
/** During a long import the project (which names the photos stored so far) is saved at least this often. */
const saveMaxWaitMs = 2000;

/** `announceSaved` tells tabs following this project that it changed (see useTabLock). */
export function useProjectSaver({ dispatch, latest, failures }: ProjectCore, inboxSweep: InboxSweep, announceSaved: RefObject<() => void>) {
  const saver = useMemo(
    () =>
      debouncedSaver<ProjectRecord>(
        async (project) => {
          await saveProject(project);
          announceSaved.current();
          await inboxSweep.saved(project);
        },
        saveDelayMs,
        (error) => {
          if (error)
            failures.failed(error, 'The latest changes could not be saved on this device.', async () => {
              const project = latest.current.project;
              if (project) saver.schedule({ ...project, updatedAt: Date.now() });
              await saver.flush();
            });
          else if (!saver.pending) dispatch({ type: 'saving', saving: 'saved' });
        },
        saveMaxWaitMs,
      ),
    [failures],
  );

  useEffect(() => flushWhenHidden(() => void saver.flush()), [saver]);

  /** The revision at which the open project was loaded: nothing to save until it moves on (set by opening). */
  const openedRevision = useRef(-1);

  return { saver, openedRevision };
}

export type ProjectSaver = ReturnType<typeof useProjectSaver>;

/** Each change of the state past the opened revision is scheduled for saving; only the tab editing this project writes it (see useTabLock). */
export function useSaveChanges(
  { dispatch, latest }: ProjectCore,
  { saver, openedRevision }: ProjectSaver,
  revision: number,
  role: TabRole,
) {
  useEffect(() => {
    const project = latest.current.project;
    if (!project || revision <= openedRevision.current || role !== 'editing') return;
    dispatch({ type: 'saving', saving: 'saving' });
    saver.schedule({ ...project, updatedAt: Date.now() });
  }, [revision, saver, role]);
}
