/**
 * Which project this tab has open: the last one opened comes back at start, a project opens
 * names and counts first and its photos in stages (see loadInStages), and, with the same project
 * open in two tabs, this tab edits it or follows the tab that does (see useTabLock).
 */
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { currentFeaturesId } from '../../engine';
import { loadHead } from '../../store/heads';
import { collectGarbage } from '../../store/library';
import { loadAllProjects, loadProject, saveProject, type ProjectRecord } from '../../store/projects';
import type { ProjectCore } from './core';
import { countWord } from './derive';
import { loadInStages } from './loadInStages';
import { unsortedPile, type PhotoArrivals } from './usePhotoArrivals';
import { newProject, summaries } from './useProjectList';
import type { ProjectSaver } from './useProjectSaver';
import { useTabLock } from './useTabLock';
import type { FeaturesSwitch, SetUnembedded } from './useUnembeddedPhotos';

const lastProjectKey = 'handful:last-project';

export interface OpenProjectParts {
  projectSaver: ProjectSaver;
  photoArrivals: PhotoArrivals;
  /** Cleared on opening: a change of features under way belongs to the project left. */
  switching: RefObject<FeaturesSwitch | undefined>;
  /** Takes the photos an opened project has waiting for the model (see useUnembeddedPhotos). */
  setUnembedded: SetUnembedded;
}

/** `projectId`: the open project's, whose lock this tab holds or waits for. */
export function useOpenProject(
  { dispatch, latest, library, failures }: ProjectCore,
  projectId: string | undefined,
  { projectSaver: { saver, openedRevision }, photoArrivals: { arrivals }, switching, setUnembedded }: OpenProjectParts,
) {
  /** Counts openings, so a project still loading stops when another is opened. */
  const openings = useRef(0);
  const open = useCallback(
    async (stored: ProjectRecord) => {
      await saver.flush();
      library.clear();
      switching.current = undefined;
      // Features this release does not offer become today's same choice (the earlier engine's) or
      // the default ones (say, from a newer release); the photos are then looked at again from
      // their stored copies, never mixed with embeddings of other features.
      const featuresId = currentFeaturesId(stored.featuresId);
      const project = { ...stored, featuresId };
      // The project menu shows the open project as it is now (ProjectBar); the one left keeps its latest name and count.
      const leaving = latest.current.project;
      if (leaving) dispatch({ type: 'summarised-project', summary: summaries([leaving])[0] });
      const ticket = ++openings.current;
      const storedHead = await loadHead(project.id);
      const head = storedHead?.featuresId === featuresId ? storedHead : undefined;
      // Names and counts show at once; thumbnails follow as they load (see loadInStages).
      dispatch({
        type: 'opened',
        project,
        head: head && { signature: head.signature, model: head.model, evaluation: head.evaluation },
      });
      openedRevision.current = latest.current.revision + 1;
      localStorage.setItem(lastProjectKey, project.id);
      const isTarget = (target: string) => target === unsortedPile || project.classes.some((c) => c.id === target);
      const loaded = await loadInStages(project, featuresId, library, () => openings.current === ticket, isTarget);
      if (!loaded) return { featuresId, waiting: [] };
      const { missing, waiting, adopted } = loaded;
      const untouched = latest.current.revision === openedRevision.current && adopted.length === 0;
      adopted.forEach(({ target, ref }) => arrivals.add(target, ref));
      arrivals.flushNow();
      if (missing.length > 0) {
        dispatch({ type: 'lost-photos', hashes: missing });
        dispatch({
          type: 'noticed',
          notice: {
            tone: 'problem',
            title: `${countWord(missing.length, 'photo')} of this project could not be found on this device and ${missing.length === 1 ? 'was' : 'were'} left out.`,
            lines: [],
          },
        });
      }
      // The head and the training set can be compared now that every embedding is in.
      dispatch({ type: 'embeddings-arrived' });
      // Loading is no change: nothing to save unless photos were lost (or the person changed something meanwhile).
      if (untouched && missing.length === 0) openedRevision.current += 1;
      return { featuresId, waiting };
    },
    [library, saver, arrivals],
  );

  const openAndEmbed = useCallback(
    async (project: ProjectRecord) => {
      const { featuresId, waiting } = await open(project);
      setUnembedded({ projectId: project.id, featuresId, photos: waiting, reason: 'resume' });
    },
    [open],
  );

  /** The project as stored now: another tab changed it, or this tab takes over editing it. */
  const reopen = useCallback(async () => {
    const id = latest.current.project?.id;
    const fresh = id && (await loadProject(id));
    if (fresh && latest.current.project?.id === id) await openAndEmbed(fresh);
  }, [openAndEmbed]);
  const followTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const tab = useTabLock(projectId, {
    becameEditor: () => {
      setUnembedded(undefined);
      void reopen();
    },
    // At most once a second while the other tab imports and saves every moment.
    changedElsewhere: () => {
      followTimer.current ??= setTimeout(() => {
        followTimer.current = undefined;
        void reopen();
      }, 1000);
    },
    flush: () => saver.flush(),
  });

  // The last project opened comes back at once, without waiting for the model to load.
  const started = useRef(false);
  useEffect(() => {
    // Development mode runs effects twice; the start must not create two first projects.
    if (started.current) return;
    started.current = true;
    const start = async () => {
      // Read once for all three uses below: the page shows nothing until the project opens.
      const all = await loadAllProjects();
      // Leftovers of deleted photos and projects go first, while nothing refers to them. Best
      // effort: left over, they only take space, and the next start tries again.
      await collectGarbage(all).catch((error: unknown) => console.warn('Cleaning up stored photos failed', error));
      const last = localStorage.getItem(lastProjectKey);
      let project = all.find((p) => p.id === last) ?? all.at(-1);
      if (!project) {
        const first = newProject('My first project');
        project = first;
        // It opens anyway; its first change is saved again through the saver.
        await saveProject(first).catch((error: unknown) =>
          failures.failed(error, 'The new project could not be saved on this device.', () => saveProject(first)),
        );
        all.push(first);
      }
      dispatch({ type: 'listed-projects', projects: summaries(all) });
      await openAndEmbed(project);
    };
    void start().catch((error: unknown) => failures.failed(error, 'Your projects could not be read from this device.', start));
  }, [openAndEmbed, failures]);

  return { openAndEmbed, tab };
}
