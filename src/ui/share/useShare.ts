/**
 * The four file actions of issue 5: "Download classifier", "Open classifier", "Back up project"
 * and "Restore from backup". Files are read and written by src/format; every refusal becomes one
 * plain notice (role="alert") and nothing else changes. A classifier file or a backup dropped
 * anywhere on the page is opened as if picked with its button.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { backupFileName, FileFormatError, headToFile, readBackup, readHeadFile, writeBackup, type HeadFile } from '../../format';
import { loadAllProjects } from '../../store/projects';
import { StorageFullError } from '../../store/records';
import type { Notice } from '../project/state';
import type { ProjectController } from '../project/useProject';
import { classifierInput, projectBackup, saveFile } from './exportProject';
import { restoreProject } from './restoreProject';

/** A classifier file opened to classify photos with, apart from any project. */
export interface OpenedClassifier {
  head: HeadFile;
  fileName: string;
  /** Changes with every file opened, so what was tried with the previous one goes. */
  key: number;
}

export const isClassifierFile = (file: File) => /\.json$/i.test(file.name) || file.type === 'application/json';
export const isBackupFile = (file: File) =>
  /\.zip$/i.test(file.name) || file.type === 'application/zip' || file.type === 'application/x-zip-compressed';

/** A file's own message when it is one written for people; otherwise a general sentence with the detail. */
function messageOf(error: unknown): string {
  if (error instanceof FileFormatError || error instanceof StorageFullError) return error.message;
  return `Something unexpected went wrong: ${(error as Error)?.message ?? String(error)}`;
}

let opens = 0;

export function useShare(controller: ProjectController) {
  const { dispatch } = controller;
  const [opened, setOpened] = useState<OpenedClassifier>();
  /** What is being done right now, said in the status line; the buttons wait meanwhile. */
  const [busy, setBusy] = useState<string>();
  const latest = useRef(controller);
  latest.current = controller;
  /** Titles of the problems this hook reported, cleared once a later attempt succeeds. */
  const reported = useRef(new Set<string>());

  const notify = useCallback(
    (tone: Notice['tone'], title: string, lines: string[] = []) => {
      if (tone === 'problem') reported.current.add(title);
      dispatch({ type: 'noticed', notice: { tone, title, lines } });
    },
    [dispatch],
  );

  const clearReported = useCallback(() => {
    for (const notice of latest.current.state.notices) {
      if (reported.current.has(notice.title)) dispatch({ type: 'dismissed-notice', id: notice.id });
    }
    reported.current.clear();
  }, [dispatch]);

  const openClassifier = useCallback(
    async (file: File) => {
      try {
        const head = await readHeadFile(file);
        clearReported();
        setOpened({ head, fileName: file.name, key: ++opens });
      } catch (error) {
        notify('problem', `“${file.name}” could not be opened as a classifier.`, [messageOf(error)]);
      }
    },
    [notify, clearReported],
  );

  const closeClassifier = useCallback(() => setOpened(undefined), []);

  const downloadClassifier = useCallback(() => {
    const { project, head } = latest.current.state;
    if (!project) return;
    const found = classifierInput(project, head);
    if ('reason' in found) return notify('problem', 'The classifier could not be saved.', [found.reason]);
    try {
      const file = headToFile(found.input);
      saveFile(new Blob([file.text], { type: file.mimeType }), file.fileName);
    } catch (error) {
      notify('problem', 'The classifier could not be saved.', [messageOf(error)]);
    }
  }, [notify]);

  const backUp = useCallback(async () => {
    const { state, library } = latest.current;
    const project = state.project;
    if (!project || busy) return;
    setBusy(`Packing “${project.name}” into one file…`);
    try {
      const blob = await writeBackup(projectBackup(project, state.head, library));
      saveFile(blob, backupFileName(project.name));
    } catch (error) {
      notify('problem', 'The project could not be backed up.', [messageOf(error)]);
    } finally {
      setBusy(undefined);
    }
  }, [busy, notify]);

  const restore = useCallback(
    async (file: File) => {
      if (busy) return;
      setBusy(`Restoring the project from “${file.name}”…`);
      try {
        const outcome = await restoreProject(await readBackup(file), {
          namesInUse: [...latest.current.state.projects.map((p) => p.name), latest.current.state.project?.name ?? ''],
        });
        const listed = async () =>
          dispatch({
            type: 'listed-projects',
            projects: (await loadAllProjects()).map((p) => ({
              id: p.id,
              name: p.name,
              photoCount: p.classes.reduce((n, c) => n + c.photos.length, 0),
            })),
          });
        await listed();
        await latest.current.actions.switchProject(outcome.projectId);
        await listed();
        clearReported();
        setOpened(undefined);
        const renamed = outcome.name !== outcome.originalName.trim();
        notify(
          'info',
          renamed
            ? `Restored “${outcome.originalName}” as a new project, “${outcome.name}”. The project “${outcome.originalName}” already here was left as it was.`
            : `Restored “${outcome.name}” as a new project.`,
          outcome.warnings,
        );
      } catch (error) {
        notify('problem', `“${file.name}” could not be restored.`, [messageOf(error)]);
      } finally {
        setBusy(undefined);
      }
    },
    [busy, dispatch, notify, clearReported],
  );

  // Dropped anywhere: a classifier file opens, a backup is restored. They are taken before any
  // drop zone sees them (a class would refuse them as photos).
  const handlers = useRef({ openClassifier, restore });
  handlers.current = { openClassifier, restore };
  useEffect(() => {
    const onDropCapture = (event: DragEvent) => {
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length !== 1) return;
      const [file] = files;
      const open = isClassifierFile(file) ? handlers.current.openClassifier : isBackupFile(file) ? handlers.current.restore : undefined;
      if (!open) return;
      event.preventDefault();
      event.stopPropagation();
      // The zone under the pointer highlighted itself on dragover; let it know the drag is over.
      event.target?.dispatchEvent(new DragEvent('dragleave', { bubbles: true }));
      void open(file);
    };
    // Elsewhere on the page, files are accepted (rather than the browser opening them in place of the app).
    const onDragOver = (event: DragEvent) => {
      if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      if (!event.defaultPrevented && event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('drop', onDropCapture, true);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('drop', onDropCapture, true);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  return { opened, busy, openClassifier, closeClassifier, downloadClassifier, backUp, restore };
}

export type Share = ReturnType<typeof useShare>;
