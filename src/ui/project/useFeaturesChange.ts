/**
 * The open project's photo features change: embeddings kept from an earlier time with the new
 * features are used as they are, the other photos are looked at again (see useUnembeddedPhotos),
 * and Stop during that goes back to the features before.
 */
import { useCallback, useRef } from 'react';
import { featureIds } from '../../engine';
import { loadEmbeddings } from '../../store/embeddings';
import type { ProjectRecord } from '../../store/projects';
import type { ProjectCore } from './core';
import { classOfPhoto } from './derive';
import type { FeaturesSwitch, SetUnembedded } from './useUnembeddedPhotos';

/** The feature configurations a project may use: the ones offered (never an evaluation-only one). */
const isOfferedFeatures = (id: string) => (featureIds as readonly string[]).includes(id);

/** `busy`: whether photos are being looked at (see useImportProgress). */
export function useFeaturesChange({ dispatch, latest, library }: ProjectCore, busy: () => boolean, setUnembedded: SetUnembedded) {
  /** The change whose photos are being looked at, if any: Stop goes back `from`. */
  const switching = useRef<FeaturesSwitch | undefined>(undefined);
  /** Counts changes, so one still loading embeddings gives way to a later one. */
  const featureChanges = useRef(0);

  /**
   * The open project's photo features become `featuresId`, and it learns again. Not while photos
   * are being looked at. `goingBack`: Stop was pressed during such a change, which returns to the
   * features before.
   */
  const changeFeatures = useCallback(
    async (featuresId: string, goingBack = false) => {
      const before = latest.current.project;
      if (!before || before.featuresId === featuresId || !isOfferedFeatures(featuresId)) return;
      if (!goingBack && busy()) return;
      const ticket = ++featureChanges.current;
      const hashesOf = (project: ProjectRecord) => [
        ...project.classes.flatMap((c) => c.photos.map((photo) => photo.hash)),
        ...project.pile.map((photo) => photo.hash),
      ];
      const asked = hashesOf(before);
      const cached = await loadEmbeddings(featuresId, asked);
      const project = latest.current.project;
      if (ticket !== featureChanges.current || project?.id !== before.id || project.featuresId === featuresId) return;
      const found = new Map(asked.map((hash, i) => [hash, cached[i]]));
      // The library and the state change together, so nothing trains on a mix of features.
      library.clearEmbeddings();
      const missing: string[] = [];
      for (const hash of hashesOf(project)) {
        const embedding = found.get(hash);
        if (embedding) library.setEmbedding(hash, embedding);
        else if (library.recordOf(hash)) missing.push(hash);
      }
      switching.current = goingBack || missing.length === 0 ? undefined : { from: project.featuresId, to: featuresId };
      dispatch({ type: 'changed-features', featuresId });
      const names = classOfPhoto(project);
      const photos = missing.map((hash) => ({
        ref: names.get(hash)?.photos.find((photo) => photo.hash === hash) ?? { hash, name: hash.slice(0, 8) },
        record: library.recordOf(hash)!,
      }));
      setUnembedded({ projectId: project.id, featuresId, photos, reason: 'features' });
    },
    [library, busy],
  );

  return { changeFeatures, switching };
}

export type FeaturesChange = ReturnType<typeof useFeaturesChange>;
