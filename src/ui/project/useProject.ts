/**
 * Runs the trainer around the state in ./state: opens and saves projects, imports photos through
 * the engine, and retrains the head in its worker whenever the photos change.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { mobilenetV1, type EngineClient } from '../../engine';
import { createTrainer, type TrainerClient } from '../../trainer/client';
import { loadEmbeddings, saveEmbedding } from '../../store/embeddings';
import { loadHead, saveHead } from '../../store/heads';
import { collectGarbage, deleteProject as deleteStoredProject, requestPersistentStorage } from '../../store/library';
import { loadPhotos } from '../../store/photos';
import { loadAllProjects, loadProject, newId, saveProject, type ProjectRecord } from '../../store/projects';
import { StorageFullError } from '../../store/records';
import { debouncedSaver, flushWhenHidden } from '../../store/saver';
import { embedCounted } from '../embedCount';
import type { FolderGroups } from '../files/folders';
import { sha256Hex } from '../files/images';
import { countWord, trainingSet } from './derive';
import { importPhotos, type ImportReport } from './importPhotos';
import { PhotoLibrary } from './library';
import { defaultClassName, freeClassName, initialState, reducer, type ImportProgress, type TrainerState } from './state';

/** The engine feature configuration projects are embedded with. */
const featuresId = mobilenetV1.id;
const lastProjectKey = 'handful:last-project';
const saveDelayMs = 400;
const trainDelayMs = 300;

function newProject(name: string): ProjectRecord {
  const now = Date.now();
  const classes = [
    { id: newId(), name: 'Class 1', photos: [] },
    { id: newId(), name: 'Class 2', photos: [] },
  ];
  return { version: 1, id: newId(), name, createdAt: now, updatedAt: now, featuresId, classes };
}

function summaries(projects: ProjectRecord[]) {
  return projects.map((p) => ({ id: p.id, name: p.name, photoCount: p.classes.reduce((n, c) => n + c.photos.length, 0) }));
}

function groupedLines(items: { name: string; text: string }[]): string[] {
  const byText = new Map<string, string[]>();
  for (const { name, text } of items) byText.set(text, [...(byText.get(text) ?? []), `“${name}”`]);
  return [...byText.entries()].map(([text, names]) => `${names.join(', ')}: ${text}`);
}

export function useProject(engine: EngineClient | undefined) {
  const [state, dispatch] = useReducer(reducer, initialState);
  const [library] = useState(() => new PhotoLibrary());
  const [trainer, setTrainer] = useState<TrainerClient>();
  const [persisted, setPersisted] = useState<boolean>();
  const latest = useRef<TrainerState>(state);
  latest.current = state;
  /** The revision at which the open project was loaded: nothing to save until it moves on. */
  const openedRevision = useRef(-1);

  /** Said once, plainly, and kept in the save line until a later save succeeds. */
  const storageFull = useCallback(() => {
    dispatch({ type: 'saving', saving: 'full' });
    dispatch({ type: 'noticed', notice: { tone: 'problem', title: new StorageFullError().message, lines: [] } });
  }, []);

  const saver = useMemo(
    () =>
      debouncedSaver<ProjectRecord>(saveProject, saveDelayMs, (error) => {
        if (error instanceof StorageFullError) storageFull();
        else if (error) dispatch({ type: 'noticed', notice: { tone: 'problem', title: 'The latest changes could not be saved.', lines: [(error as Error).message] } });
        else if (!saver.pending) dispatch({ type: 'saving', saving: 'saved' });
      }),
    [storageFull],
  );

  const refreshList = useCallback(async () => dispatch({ type: 'listed-projects', projects: summaries(await loadAllProjects()) }), []);

  // ---- Opening projects -------------------------------------------------------------------

  const open = useCallback(
    async (stored: ProjectRecord) => {
      await saver.flush();
      library.clear();
      // Embeddings of another feature configuration are recomputed below from the stored copies.
      const project = { ...stored, featuresId };
      const hashes = project.classes.flatMap((c) => c.photos.map((p) => p.hash));
      const [photos, embeddings, head] = await Promise.all([loadPhotos(hashes), loadEmbeddings(featuresId, hashes), loadHead(project.id)]);
      const missing = new Set<string>();
      hashes.forEach((hash, i) => {
        const record = photos[i];
        if (record) library.put(hash, { record, embedding: embeddings[i] });
        else missing.add(hash);
      });
      const classes = project.classes.map((c) => ({ ...c, photos: c.photos.filter((p) => !missing.has(p.hash)) }));
      dispatch({ type: 'opened', project: { ...project, classes }, head: head && { signature: head.signature, model: head.model, evaluation: head.evaluation } });
      openedRevision.current = latest.current.revision + 1;
      localStorage.setItem(lastProjectKey, project.id);
      if (missing.size > 0) {
        dispatch({
          type: 'noticed',
          notice: { tone: 'problem', title: `${countWord(missing.size, 'photo')} of this project could not be found on this device and ${missing.size === 1 ? 'was' : 'were'} left out.`, lines: [] },
        });
      }
      return hashes.filter((_, i) => photos[i] && !embeddings[i]);
    },
    [library, saver],
  );

  /**
   * Photos of the open project stored without an embedding for today's model (a model change, a
   * lost record): looked at again from their stored copy once the engine is there. Everything else
   * opens without running the model.
   */
  const [unembedded, setUnembedded] = useState<{ projectId: string; hashes: string[] }>();

  const openAndEmbed = useCallback(async (project: ProjectRecord) => setUnembedded({ projectId: project.id, hashes: await open(project) }), [open]);

  useEffect(() => {
    if (!engine || !unembedded || unembedded.hashes.length === 0) return;
    const { projectId, hashes } = unembedded;
    setUnembedded(undefined);
    const images = hashes.map((hash) => library.recordOf(hash)!.image);
    void embedCounted(engine, images, {
      onResult: (result) => {
        if ('problem' in result || latest.current.project?.id !== projectId) return;
        library.setEmbedding(hashes[result.index], result.embedding);
        void saveEmbedding(featuresId, hashes[result.index], result.embedding).catch(() => {});
      },
    })
      .then(() => dispatch({ type: 'embeddings-arrived' }))
      .catch((error: unknown) =>
        dispatch({ type: 'noticed', notice: { tone: 'problem', title: 'Some photos could not be looked at again.', lines: [(error as Error).message] } }),
      );
  }, [engine, unembedded, library]);

  // The last project opened comes back at once, without waiting for the model to load.
  const started = useRef(false);
  useEffect(() => {
    // Development mode runs effects twice; the start must not create two first projects.
    if (started.current) return;
    started.current = true;
    void (async () => {
      // Leftovers of deleted photos and projects go first, while nothing refers to them.
      await collectGarbage().catch(() => {});
      const all = await loadAllProjects();
      const last = localStorage.getItem(lastProjectKey);
      let project = all.find((p) => p.id === last) ?? all.at(-1);
      if (!project) {
        project = newProject('My first project');
        await saveProject(project).catch(() => {});
      }
      await refreshList();
      await openAndEmbed(project);
    })();
  }, [openAndEmbed, refreshList]);

  // ---- Saving -----------------------------------------------------------------------------

  useEffect(() => flushWhenHidden(() => void saver.flush()), [saver]);

  useEffect(() => {
    const project = latest.current.project;
    if (!project || state.revision <= openedRevision.current) return;
    dispatch({ type: 'saving', saving: 'saving' });
    saver.schedule({ ...project, updatedAt: Date.now() });
  }, [state.revision, saver]);

  // ---- Training ---------------------------------------------------------------------------

  const training = useMemo(
    () => (state.project ? trainingSet(state.project, library.embeddingOf) : undefined),
    // The library only changes along with the revision: a photo's embedding is in it before the state names it.
    [state.revision, library],
  );

  useEffect(() => {
    const client = createTrainer();
    setTrainer(client);
    return () => client.dispose();
  }, []);

  useEffect(() => {
    if (!trainer || !training || latest.current.head?.signature === training.signature) return;
    const projectId = latest.current.project!.id;
    const timer = setTimeout(async () => {
      dispatch({ type: 'training' });
      const outcome = await trainer.train(training.data, latest.current.head?.model);
      if (outcome.type === 'superseded' || latest.current.project?.id !== projectId) return;
      if (outcome.type === 'failed') return dispatch({ type: 'training-failed', message: outcome.message });
      const head = { signature: training.signature, model: outcome.model, evaluation: outcome.evaluation };
      dispatch({ type: 'trained', head });
      saveHead({ version: 1, projectId, ...head }).catch((error: unknown) => {
        if (error instanceof StorageFullError) storageFull();
      });
    }, trainDelayMs);
    return () => clearTimeout(timer);
  }, [training, trainer, storageFull]);

  // ---- Adding photos ----------------------------------------------------------------------

  const queue = useRef<Promise<void>>(Promise.resolve());
  const abort = useRef(new AbortController());
  const progress = useRef<ImportProgress | undefined>(undefined);

  const report = useCallback((result: ImportReport) => {
    if (result.skipped.length > 0) {
      const others = result.added > 0 ? ` The other ${countWord(result.added, 'photo')} ${result.added === 1 ? 'was' : 'were'} added.` : '';
      dispatch({
        type: 'noticed',
        notice: {
          tone: 'problem',
          title: `${countWord(result.skipped.length, 'file')} could not be used and ${result.skipped.length === 1 ? 'was' : 'were'} skipped.${others}`,
          lines: groupedLines(result.skipped.map(({ name, problem }) => ({ name, text: problem }))),
        },
      });
    }
    if (result.duplicates.length > 0) {
      const n = result.duplicates.length;
      dispatch({
        type: 'noticed',
        notice: {
          tone: 'info',
          title: `${countWord(n, 'photo')} ${n === 1 ? 'was' : 'were'} already here and ${n === 1 ? 'was' : 'were'} not added twice.`,
          lines: groupedLines(result.duplicates.map(({ name, where }) => ({ name, text: where === 'this drop' ? 'twice in this drop' : `already in “${where}”` }))),
        },
      });
    }
    if (result.storageFull) storageFull();
  }, [storageFull]);

  const addFiles = useCallback(
    (classId: string, files: File[]) => {
      if (!engine || files.length === 0) return;
      const now = performance.now();
      progress.current = progress.current
        ? { ...progress.current, total: progress.current.total + files.length }
        : { done: 0, total: files.length, embedded: 0, startedAt: now };
      dispatch({ type: 'progress', progress: progress.current });
      const { signal } = abort.current;
      queue.current = queue.current.then(async () => {
        if (signal.aborted) return;
        const result = await importPhotos(files, {
          engine,
          featuresId,
          signal,
          whereIs: (hash) => latest.current.project?.classes.find((c) => c.photos.some((p) => p.hash === hash))?.name,
          onPhoto: (ref, photo) => {
            library.put(ref.hash, photo);
            dispatch({ type: 'added-photos', classId, photos: [ref] });
          },
          onFileDone: (embedded) => {
            if (!progress.current) return;
            progress.current = { ...progress.current, done: progress.current.done + 1, embedded: progress.current.embedded + (embedded ? 1 : 0) };
            dispatch({ type: 'progress', progress: progress.current });
          },
        }).catch((error: unknown): ImportReport => ({ added: 0, duplicates: [], cancelled: false, storageFull: false, skipped: files.map((f) => ({ name: f.name, problem: (error as Error).message })) }));
        report(result);
        if (result.added > 0 && persisted === undefined) void requestPersistentStorage().then(setPersisted);
        if (progress.current && progress.current.done >= progress.current.total) {
          progress.current = undefined;
          dispatch({ type: 'progress', progress: undefined });
        }
      });
    },
    [engine, library, report, persisted],
  );

  const cancelImport = useCallback(() => {
    abort.current.abort();
    abort.current = new AbortController();
    progress.current = undefined;
    dispatch({ type: 'progress', progress: undefined });
    dispatch({ type: 'noticed', notice: { tone: 'info', title: 'Stopped adding photos. Those already added are kept.', lines: [] } });
  }, []);

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
      await saveEmbedding(featuresId, await sha256Hex(file), embedding).catch(() => {});
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
    await saveProject(copy);
    const head = latest.current.head;
    if (head) await saveHead({ version: 1, projectId: copy.id, ...head }).catch(() => {});
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

  // The project menu shows names and counts of the open project as they change.
  useEffect(() => {
    if (state.project && state.revision > openedRevision.current) {
      const current = state.project;
      dispatch({
        type: 'listed-projects',
        projects: latest.current.projects.map((p) => (p.id === current.id ? summaries([current])[0] : p)),
      });
    }
  }, [state.project, state.revision]);

  return {
    state,
    dispatch,
    library,
    training,
    persisted,
    actions: { addFiles, addGroups, addTested, addClass, cancelImport, switchProject, createProject, duplicateProject, deleteProject },
  };
}

export type ProjectController = ReturnType<typeof useProject>;
