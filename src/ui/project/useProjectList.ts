/**
 * The projects kept on this device: listed in the project menu, and switched between, created,
 * duplicated and deleted. Each one opens through useOpenProject.
 */
import { useCallback } from 'react';
import { defaultFeaturesId } from '../../engine';
import { deleteProject as deleteStoredProject, duplicateProject as duplicateStoredProject } from '../../store/library';
import { loadAllProjects, loadProject, newId, saveProject, type ProjectRecord } from '../../store/projects';
import type { ProjectCore } from './core';
import type { ProjectSaver } from './useProjectSaver';

/** Two empty classes, with today's default photo features. */
export function newProject(name: string): ProjectRecord {
  const now = Date.now();
  const classes = [
    { id: newId(), name: 'Class 1', photos: [] },
    { id: newId(), name: 'Class 2', photos: [] },
  ];
  return { version: 2, id: newId(), name, createdAt: now, updatedAt: now, featuresId: defaultFeaturesId, classes, pile: [] };
}

/** What the project menu shows of each project. */
export function summaries(projects: ProjectRecord[]) {
  return projects.map((p) => ({ id: p.id, name: p.name, photoCount: p.classes.reduce((n, c) => n + c.photos.length, 0) }));
}

/** `openAndEmbed` opens a project in this tab (see useOpenProject). */
export function useProjectList(
  { dispatch, latest, failures }: ProjectCore,
  { saver }: ProjectSaver,
  openAndEmbed: (project: ProjectRecord) => Promise<void>,
) {
  const refreshList = useCallback(async () => dispatch({ type: 'listed-projects', projects: summaries(await loadAllProjects()) }), []);

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
    switchProject: failures.reporting('That project could not be opened.', switchProject),
    createProject: failures.reporting('A new project could not be made on this device.', createProject),
    duplicateProject: failures.reporting('The project could not be copied on this device.', duplicateProject),
    deleteProject: failures.reporting('The project could not be deleted.', deleteProject),
  };
}
