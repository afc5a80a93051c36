/**
 * Runs the trainer around the state in ./state: opens and saves projects, imports photos through
 * the engine, and retrains the head in its worker whenever the photos change. Each of those is a
 * hook of its own beside this one; this hook makes the one reducer and hands each hook what it
 * needs, in the order they need it, and returns what components use (through ./context).
 */
import { useCallback, useMemo, useReducer, useRef, useState } from 'react';
import type { EngineClient } from '../../engine';
import { newId } from '../../store/projects';
import { InboxSweep } from './inboxSweep';
import { PhotoLibrary } from './library';
import { useSaveProblems } from './saveProblems';
import { defaultClassName, initialState, reducer, type TrainerState } from './state';
import { useFeaturesChange } from './useFeaturesChange';
import { useImportProgress } from './useImportProgress';
import { useImportQueue } from './useImportQueue';
import { useOpenProject } from './useOpenProject';
import { usePhotoArrivals } from './usePhotoArrivals';
import { useProjectList } from './useProjectList';
import { useProjectSaver, useSaveChanges } from './useProjectSaver';
import { useTraining } from './useTraining';
import { useUnembeddedPhotos, type UnembeddedPhotos } from './useUnembeddedPhotos';

/** Components take the pile's addFiles target from here, with the controller. */
export { unsortedPile } from './usePhotoArrivals';

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

  const projectSaver = useProjectSaver(core, inboxSweep, announceSaved);

  const progress = useImportProgress(core, engine);
  /** Photos to look at once the engine runs the project's features (see useUnembeddedPhotos). */
  const [unembedded, setUnembedded] = useState<UnembeddedPhotos>();
  const featuresChange = useFeaturesChange(core, progress.busy, setUnembedded);
  const photoArrivals = usePhotoArrivals(core, inboxSweep);
  const { switching } = featuresChange;
  // Saving, looking at photos, training and importing all depend on whether this tab edits the
  // project, which opening it decides: they follow it.
  const { openAndEmbed, tab } = useOpenProject(core, state.project?.id, { projectSaver, photoArrivals, switching, setUnembedded });
  announceSaved.current = tab.announceSaved;

  useUnembeddedPhotos(core, unembedded, setUnembedded, {
    engine: engineForProject,
    role: tab.role,
    progress,
    photoArrivals,
    switching,
  });

  useSaveChanges(core, projectSaver, state.revision, tab.role);
  const training = useTraining(core, state, tab.role, announceSaved);

  const imports = useImportQueue(core, {
    engine: engineForProject,
    role: tab.role,
    progress,
    photoArrivals,
    featuresChange,
    setUnembedded,
  });

  const addClass = useCallback(() => {
    const id = newId();
    dispatch({ type: 'added-class', id, name: defaultClassName(latest.current.project?.classes ?? []) });
    return id;
  }, []);

  const projects = useProjectList(core, projectSaver, openAndEmbed);

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
      ...projects,
    },
  };
}

export type ProjectController = ReturnType<typeof useProject>;
