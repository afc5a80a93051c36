/**
 * Adding photos: files dropped, picked, pasted or tried are imported one drop after another
 * through the engine (see importPhotos), with what went wrong said plainly; Stop ends them; the
 * photos an import left waiting are looked at again or removed.
 */
import { useCallback, useRef, useState } from 'react';
import { defaultFeaturesId, type EngineClient } from '../../engine';
import { saveEmbedding } from '../../store/embeddings';
import { requestPersistentStorage } from '../../store/library';
import { newId } from '../../store/projects';
import { featuresName } from '../featureNames';
import type { FolderGroups } from '../files/folders';
import { sha256Hex } from '../files/images';
import type { ProjectCore } from './core';
import { classOfPhoto } from './derive';
import { importNotices, notAddedNotice } from './importNotices';
import { emptyReport, importPhotos, type ImportReport } from './importPhotos';
import { freeClassName } from './state';
import type { FeaturesChange } from './useFeaturesChange';
import type { ImportProgressControl } from './useImportProgress';
import { unsortedPile, type PhotoArrivals } from './usePhotoArrivals';
import type { TabRole } from './useTabLock';
import type { SetUnembedded } from './useUnembeddedPhotos';
import { readableWaiting, waitingRefs } from './waiting';

export interface ImportQueueParts {
  /** The engine, only while it runs the open project's features. */
  engine: EngineClient | undefined;
  role: TabRole;
  progress: ImportProgressControl;
  photoArrivals: PhotoArrivals;
  featuresChange: FeaturesChange;
  setUnembedded: SetUnembedded;
}

export function useImportQueue(
  { dispatch, latest, library, failures }: ProjectCore,
  { engine, role, progress, photoArrivals, featuresChange, setUnembedded }: ImportQueueParts,
) {
  const { grow: growProgress, advance: advanceProgress, stop: stopProgress, stopSignal, busy } = progress;
  const { arrivals, photoEvents } = photoArrivals;
  const { changeFeatures, switching } = featuresChange;
  const { storageFull } = failures;
  /** Imports wait for each other. */
  const queue = useRef<Promise<void>>(Promise.resolve());
  /** addFiles checks the role as it is when files arrive, without being made anew when it changes. */
  const roleNow = useRef(role);
  roleNow.current = role;
  /** Whether the browser keeps this site's storage under pressure; asked once photos are first added. */
  const [persisted, setPersisted] = useState<boolean>();

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
      const client = roleNow.current === 'editing' ? engine : undefined;
      if (!client) {
        const why =
          roleNow.current !== 'editing'
            ? 'This project is being changed in another tab. Choose “Edit here instead” to add photos here.'
            : 'The model is not running yet for this project. Add them again once it says “Ready”.';
        dispatch({ type: 'noticed', notice: notAddedNotice(files, why) });
        return;
      }
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
    [engine, report, persisted, growProgress, advanceProgress, arrivals, photoEvents, failures],
  );

  /** Stop: what is queued or running ends; a change of features under way goes back. */
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

  return { persisted, actions: { addFiles, addGroups, addTested, cancelImport, resumeWaiting, removeWaiting } };
}
