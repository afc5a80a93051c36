/**
 * Runs the trainer around the state in ./state: opens and saves projects, imports photos through
 * the engine, and retrains the head in its worker whenever the photos change.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { currentFeaturesId, defaultFeaturesId, type EngineClient } from '../../engine';
import { loadHead } from '../../store/heads';
import { collectGarbage, deleteProject as deleteStoredProject, duplicateProject as duplicateStoredProject } from '../../store/library';
import { loadAllProjects, loadProject, newId, saveProject, type ProjectRecord } from '../../store/projects';
import { countWord } from './derive';
import { InboxSweep } from './inboxSweep';
import { useTabLock } from './useTabLock';
import { PhotoLibrary } from './library';
import { loadInStages } from './loadInStages';
import { unsortedPile, usePhotoArrivals } from './usePhotoArrivals';
import { useImportProgress } from './useImportProgress';
import { useImportQueue } from './useImportQueue';
import { useUnembeddedPhotos, type UnembeddedPhotos } from './useUnembeddedPhotos';
import { useFeaturesChange } from './useFeaturesChange';
import { useSaveProblems } from './saveProblems';
import { useTraining } from './useTraining';
import { useProjectSaver, useSaveChanges } from './useProjectSaver';
import { defaultClassName, initialState, reducer, type TrainerState } from './state';

/** Components take the pile's addFiles target from here, with the controller. */
export { unsortedPile } from './usePhotoArrivals';
const lastProjectKey = 'handful:last-project';

function newProject(name: string): ProjectRecord {
  const now = Date.now();
  const classes = [
    { id: newId(), name: 'Class 1', photos: [] },
    { id: newId(), name: 'Class 2', photos: [] },
  ];
  return { version: 2, id: newId(), name, createdAt: now, updatedAt: now, featuresId: defaultFeaturesId, classes, pile: [] };
}

function summaries(projects: ProjectRecord[]) {
  return projects.map((p) => ({ id: p.id, name: p.name, photoCount: p.classes.reduce((n, c) => n + c.photos.length, 0) }));
}

/**
 * `engine` is used only while `engineFeaturesId` (the features it was last started with) are the
 * open project's: the project's features decide what the engine must run (see App).
 */
export function useProject(engine: EngineClient | undefined, engineFeaturesId: string | undefined) {
  const [state, dispatch] = useReducer(reducer, initialState);
  const [library] = useState(() => new PhotoLibrary());
  const [inboxSweep] = useState(() => new InboxSweep());
  /** Tells other tabs following this project that it changed (see useTabLock); set once that hook runs. */
  const announceSaved = useRef<() => void>(() => {});
  const latest = useRef<TrainerState>(state);
  latest.current = state;
  const engineForProject = engine && engineFeaturesId !== undefined && engineFeaturesId === state.project?.featuresId ? engine : undefined;

  const failures = useSaveProblems(dispatch);
  const core = useMemo(() => ({ dispatch, latest, library, failures }), [library, failures]);

  const { saver, openedRevision } = useProjectSaver(core, inboxSweep, announceSaved);

  const refreshList = useCallback(async () => dispatch({ type: 'listed-projects', projects: summaries(await loadAllProjects()) }), []);

  const progress = useImportProgress(core, engine);
  /** Photos to look at once the engine runs the project's features (see useUnembeddedPhotos). */
  const [unembedded, setUnembedded] = useState<UnembeddedPhotos>();
  const featuresChange = useFeaturesChange(core, progress.busy, setUnembedded);
  const { switching } = featuresChange;

  const photoArrivals = usePhotoArrivals(core, inboxSweep);
  const { arrivals } = photoArrivals;

  // ---- Opening projects -------------------------------------------------------------------

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

  // ---- Two tabs ---------------------------------------------------------------------------

  /** The project as stored now: another tab changed it, or this tab takes over editing it. */
  const reopen = useCallback(async () => {
    const id = latest.current.project?.id;
    const fresh = id && (await loadProject(id));
    if (fresh && latest.current.project?.id === id) await openAndEmbed(fresh);
  }, [openAndEmbed]);
  const followTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const tab = useTabLock(state.project?.id, {
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
  announceSaved.current = tab.announceSaved;

  useUnembeddedPhotos(core, unembedded, setUnembedded, {
    engine: engineForProject,
    role: tab.role,
    progress,
    photoEvents: photoArrivals.photoEvents,
    switching,
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

  useSaveChanges(core, { saver, openedRevision }, state.revision, tab.role);
  const training = useTraining(core, state, tab.role, announceSaved);

  const imports = useImportQueue(core, {
    engine: engineForProject,
    role: tab.role,
    progress,
    photoArrivals,
    featuresChange,
    setUnembedded,
  });

  // ---- Classes and photos -----------------------------------------------------------------

  const addClass = useCallback(() => {
    const id = newId();
    dispatch({ type: 'added-class', id, name: defaultClassName(latest.current.project?.classes ?? []) });
    return id;
  }, []);

  // ---- Projects ---------------------------------------------------------------------------

  const switchProject = useCallback(
    async (id: string) => {
      const project = await loadProject(id);
      if (project) await openAndEmbed(project);
    },
    [openAndEmbed],
  );

  const createProject = useCallback(async () => {
    await saver.flush();
    const project = newProject(`Project ${latest.current.projects.length + 1}`);
    await saveProject(project);
    await refreshList();
    await openAndEmbed(project);
  }, [saver, refreshList, openAndEmbed]);

  const duplicateProject = useCallback(async () => {
    await saver.flush();
    const current = latest.current.project;
    if (!current) return;
    const now = Date.now();
    // Class ids stay as they are: they only need to be unique within a project, and the copied head names them.
    const copy: ProjectRecord = { ...current, id: newId(), name: `${current.name} (copy)`, createdAt: now, updatedAt: now };
    const head = latest.current.head;
    await duplicateStoredProject(current.id, copy, head && { version: 2, ...head });
    await refreshList();
    await openAndEmbed(copy);
  }, [saver, refreshList, openAndEmbed]);

  const deleteProject = useCallback(
    async (id: string) => {
      await saver.flush();
      await deleteStoredProject(id);
      const rest = await loadAllProjects();
      await refreshList();
      if (latest.current.project?.id !== id) return;
      const next = rest.at(-1) ?? newProject('My first project');
      if (rest.length === 0) await saveProject(next);
      await refreshList();
      await openAndEmbed(next);
    },
    [saver, refreshList, openAndEmbed],
  );

  return {
    state,
    dispatch,
    /** Whether this tab edits the open project or follows another tab's edits (see useTabLock). */
    tab: { role: tab.role, takeOver: tab.takeOver },
    library,
    training,
    persisted: imports.persisted,
    /** Photos per second seen in this browser, by speedKey(features, backend). */
    speeds: progress.speeds,
    actions: {
      ...imports.actions,
      addClass,
      changeFeatures: failures.reporting('The photo features could not be changed.', featuresChange.changeFeatures),
      switchProject: failures.reporting('That project could not be opened.', switchProject),
      createProject: failures.reporting('A new project could not be made on this device.', createProject),
      duplicateProject: failures.reporting('The project could not be copied on this device.', duplicateProject),
      deleteProject: failures.reporting('The project could not be deleted.', deleteProject),
    },
  };
}

export type ProjectController = ReturnType<typeof useProject>;
