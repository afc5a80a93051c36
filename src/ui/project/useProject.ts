/**
 * Runs the trainer around the state in ./state: opens and saves projects, imports photos through
 * the engine, and retrains the head in its worker whenever the photos change.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { currentFeaturesId, defaultFeaturesId, type EngineClient } from '../../engine';
import { saveEmbedding } from '../../store/embeddings';
import { loadHead } from '../../store/heads';
import {
  collectGarbage,
  deleteProject as deleteStoredProject,
  duplicateProject as duplicateStoredProject,
  requestPersistentStorage,
} from '../../store/library';
import { loadAllProjects, loadProject, newId, saveProject, type ProjectRecord } from '../../store/projects';
import { featuresName } from '../featureNames';
import type { FolderGroups } from '../files/folders';
import { sha256Hex } from '../files/images';
import { classOfPhoto, countWord } from './derive';
import { emptyReport, importPhotos, type ImportReport } from './importPhotos';
import { InboxSweep } from './inboxSweep';
import { useTabLock } from './useTabLock';
import { readableWaiting, waitingRefs } from './waiting';
import { PhotoLibrary } from './library';
import { loadInStages } from './loadInStages';
import { unsortedPile, usePhotoArrivals } from './usePhotoArrivals';
import { useImportProgress } from './useImportProgress';
import { importNotices } from './importNotices';
import { useUnembeddedPhotos, type UnembeddedPhotos } from './useUnembeddedPhotos';
import { useFeaturesChange } from './useFeaturesChange';
import { useSaveProblems } from './saveProblems';
import { useTraining } from './useTraining';
import { useProjectSaver, useSaveChanges } from './useProjectSaver';
import { defaultClassName, freeClassName, initialState, reducer, type TrainerState } from './state';

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
  const [persisted, setPersisted] = useState<boolean>();
  const latest = useRef<TrainerState>(state);
  latest.current = state;
  const engineForProject = engine && engineFeaturesId !== undefined && engineFeaturesId === state.project?.featuresId ? engine : undefined;

  const failures = useSaveProblems(dispatch);
  const core = useMemo(() => ({ dispatch, latest, library, failures }), [library, failures]);
  const { storageFull } = failures;

  const { saver, openedRevision } = useProjectSaver(core, inboxSweep, announceSaved);

  const refreshList = useCallback(async () => dispatch({ type: 'listed-projects', projects: summaries(await loadAllProjects()) }), []);

  const progress = useImportProgress(core, engine);
  const { speeds, grow: growProgress, advance: advanceProgress, stop: stopProgress, stopSignal, busy } = progress;
  /** Imports wait for each other. */
  const queue = useRef<Promise<void>>(Promise.resolve());
  /** Photos to look at once the engine runs the project's features (see useUnembeddedPhotos). */
  const [unembedded, setUnembedded] = useState<UnembeddedPhotos>();
  const { changeFeatures, switching } = useFeaturesChange(core, busy, setUnembedded);

  const { arrivals, photoEvents } = usePhotoArrivals(core, inboxSweep);

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
  const tabRole = useRef(tab.role);
  tabRole.current = tab.role;

  useUnembeddedPhotos(core, unembedded, setUnembedded, {
    engine: engineForProject,
    role: tab.role,
    progress,
    photoEvents,
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

  // ---- Adding photos ----------------------------------------------------------------------

  const report = useCallback(
    (result: ImportReport) => {
      for (const notice of importNotices(result)) dispatch({ type: 'noticed', notice });
      // Photos the disk had no room for are named, with "Try again", by addFiles.
      if (result.storageFull && result.unread.length === 0) storageFull();
      if (result.waiting.length > 0) failures.stillWaiting(result.waiting);
    },
    [storageFull, failures],
  );

  /** `classId` may be unsortedPile; `paths` are where the files were found in what was dropped or picked. */
  const addFiles = useCallback(
    (classId: string, files: File[], paths?: ReadonlyMap<File, string>) => {
      if (files.length === 0) return;
      // Never dropped without a word: the person is told why these photos were not taken.
      const refused =
        tabRole.current !== 'editing'
          ? 'This project is being changed in another tab. Choose “Edit here instead” to add photos here.'
          : !engineForProject
            ? 'The model is not running yet for this project. Add them again once it says “Ready”.'
            : undefined;
      if (refused || !engineForProject) {
        const names = files.slice(0, 5).map((f) => `“${f.name}”`);
        const more = files.length > 5 ? [`and ${countWord(files.length - 5, 'more photo')}`] : [];
        dispatch({
          type: 'noticed',
          notice: {
            tone: 'problem',
            title: `${countWord(files.length, 'photo')} not added. ${refused}`,
            lines: [names.join(', '), ...more],
          },
        });
        return;
      }
      const client = engineForProject;
      growProgress(files.length, classId === unsortedPile ? 'pile' : undefined);
      const signal = stopSignal();
      queue.current = queue.current.then(async () => {
        if (signal.aborted) return;
        const featuresId = latest.current.project?.featuresId ?? defaultFeaturesId;
        const projectId = latest.current.project?.id ?? '';
        const result = await importPhotos(files, {
          engine: client,
          featuresId,
          projectId,
          target: classId,
          paths,
          signal,
          whereIs: (hash) => {
            const project = latest.current.project;
            if (!project) return undefined;
            return classOfPhoto(project).get(hash)?.name ?? (project.pile.some((p) => p.hash === hash) ? 'Unsorted' : undefined);
          },
          ...photoEvents(projectId, featuresId, classId),
          onFileDone: (embedded) => advanceProgress(1, embedded ? 1 : 0),
        }).catch((error: unknown): ImportReport => {
          // importPhotos reports what failed itself; this is only a fault of its own. Adding again
          // is safe: photos already here are noticed as such.
          failures.failed(error, 'Adding these photos stopped. The photos shown in the project are kept.', async () =>
            addFiles(classId, files, paths),
          );
          return emptyReport();
        });
        arrivals.flushNow();
        report(result);
        if (result.unread.length > 0) failures.notAdded(result.unread, result.unreadError, () => addFiles(classId, result.unread, paths));
        if (result.added > 0 && persisted === undefined) void requestPersistentStorage().then(setPersisted);
      });
    },
    [engineForProject, report, persisted, growProgress, advanceProgress, arrivals, photoEvents, failures],
  );

  const cancelImport = useCallback(() => {
    stopProgress();
    const change = switching.current;
    switching.current = undefined;
    if (change) {
      void changeFeatures(change.from, true).catch((error: unknown) =>
        failures.failed(error, 'The photo features could not be changed back.', () => changeFeatures(change.from, true)),
      );
      const title = `Stopped. The project keeps its earlier photo features (${featuresName(change.from)}). The photos already looked at are remembered, so trying again later is quicker.`;
      dispatch({ type: 'noticed', notice: { tone: 'info', title, lines: [] } });
    } else {
      dispatch({ type: 'noticed', notice: { tone: 'info', title: 'Stopped adding photos. Those already added are kept.', lines: [] } });
    }
  }, [stopProgress, changeFeatures, failures]);

  /** Photos kept but not looked at (see WaitingBar): looked at now, or removed for good. */
  const resumeWaiting = useCallback(async () => {
    const project = latest.current.project;
    if (!project || busy()) return;
    setUnembedded({
      projectId: project.id,
      featuresId: project.featuresId,
      photos: await readableWaiting(project, library),
      reason: 'resume',
    });
  }, [library, busy]);
  const removeWaiting = useCallback(() => {
    const project = latest.current.project;
    if (project) photoEvents(project.id, project.featuresId).onDropped(waitingRefs(project, library).map((photo) => photo.hash));
  }, [library, photoEvents]);

  /** Folders become classes: an existing class of the same name gets the photos, others are created. */
  const addGroups = useCallback(
    (groups: FolderGroups['groups']) => {
      const classes = [...(latest.current.project?.classes ?? [])];
      for (const group of groups) {
        let target = classes.find((c) => c.name.trim().toLocaleLowerCase() === group.name.trim().toLocaleLowerCase());
        if (!target) {
          target = { id: newId(), name: freeClassName(group.name.slice(0, 60), classes), photos: [] };
          classes.push(target);
          dispatch({ type: 'added-class', id: target.id, name: target.name });
        }
        addFiles(target.id, group.files);
      }
    },
    [addFiles],
  );

  /** A photo tried in "Try it" joins a class; the model already looked at it, so it is not run again. */
  const addTested = useCallback(
    async (classId: string, file: File, embedding: Float32Array) => {
      // Tried with the engine running the project's features (Try it starts afresh when they change).
      const featuresId = latest.current.project?.featuresId;
      // Best effort: unsaved, adding the photo runs the model on it again, and a write that keeps
      // failing is reported by that import.
      if (featuresId)
        await saveEmbedding(featuresId, await sha256Hex(file), embedding).catch((error: unknown) =>
          console.warn('Keeping a tried photo’s embedding failed', error),
        );
      addFiles(classId, [file]);
    },
    [addFiles],
  );

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
    persisted,
    /** Photos per second seen in this browser, by speedKey(features, backend). */
    speeds,
    actions: {
      addFiles,
      addGroups,
      addTested,
      addClass,
      cancelImport,
      resumeWaiting,
      removeWaiting,
      changeFeatures: failures.reporting('The photo features could not be changed.', changeFeatures),
      switchProject: failures.reporting('That project could not be opened.', switchProject),
      createProject: failures.reporting('A new project could not be made on this device.', createProject),
      duplicateProject: failures.reporting('The project could not be copied on this device.', duplicateProject),
      deleteProject: failures.reporting('The project could not be deleted.', deleteProject),
    },
  };
}

export type ProjectController = ReturnType<typeof useProject>;
