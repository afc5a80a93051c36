import { useMemo, useState, useSyncExternalStore } from 'react';
import { useProjectContext } from './project/context';
import { countWord } from './project/derive';

function megabytes(bytes: number): string {
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Which project is open, the others on this device, and whether everything is saved. */
export function ProjectBar() {
  const { state, dispatch, actions, library, persisted } = useProjectContext();
  const [renaming, setRenaming] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const project = state.project;
  const classes = project?.classes;
  const libraryVersion = useSyncExternalStore(library.subscribe, library.version);
  // Shown only when all is saved ("Saving…" before): not counted during an import, whose photos
  // change every frame, and otherwise once per change of the photos, as it visits every photo.
  const saved = state.saving === 'saved' && !state.progress;
  const bytes = useMemo(
    () => (saved ? library.bytesOf(classes?.flatMap((c) => c.photos.map((p) => p.hash)) ?? []) : 0),
    // The library's contents change with its version.
    [saved, classes, library, libraryVersion],
  );
  if (!project) return null;
  const photoCount = project.classes.reduce((n, c) => n + c.photos.length, 0);

  return (
    <nav className="project-bar" aria-label="Projects">
      {renaming === undefined ? (
        <label>
          Project{' '}
          <select value={project.id} onChange={(event) => void actions.switchProject(event.target.value)} data-testid="project-choice">
            {state.projects.map((p) => (
              <option key={p.id} value={p.id}>
                {/* The open project's as it is now; the list is brought up to date when it is left (see useProject). */}
                {p.id === project.id ? project.name : p.name} ({countWord(p.id === project.id ? photoCount : p.photoCount, 'photo')})
              </option>
            ))}
          </select>
        </label>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            dispatch({ type: 'renamed-project', name: renaming });
            setRenaming(undefined);
          }}
        >
          <label>
            Project name <input value={renaming} onChange={(event) => setRenaming(event.target.value)} autoFocus required maxLength={80} />
          </label>
          <button type="submit">Save name</button>
          <button type="button" onClick={() => setRenaming(undefined)}>
            Cancel
          </button>
        </form>
      )}
      <div className="project-actions">
        {renaming === undefined && (
          <button type="button" onClick={() => setRenaming(project.name)}>
            Rename
          </button>
        )}
        <button type="button" onClick={() => void actions.createProject()}>
          New project
        </button>
        <button type="button" onClick={() => void actions.duplicateProject()}>
          Duplicate
        </button>
        <button type="button" onClick={() => setConfirming(true)}>
          Delete…
        </button>
      </div>
      {confirming && (
        <div className="confirm" role="group" aria-label="Confirm deleting the project">
          <p>
            Delete the project “{project.name}” and its {countWord(photoCount, 'photo')} from this device? This cannot be undone.
          </p>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setConfirming(false);
              void actions.deleteProject(project.id);
            }}
          >
            Delete the project
          </button>
          <button type="button" onClick={() => setConfirming(false)} autoFocus>
            Keep it
          </button>
        </div>
      )}
      <p className={`save-state${state.saving === 'full' ? ' problem' : ''}`} role="status" data-testid="save-state">
        {state.saving === 'full'
          ? 'Not saved: this device is out of space. Everything saved before is safe.'
          : !saved
            ? 'Saving…'
            : `All saved on this device (${megabytes(bytes)}).`}
        {persisted === false && ' The browser may clear it if the device runs low on space.'}
      </p>
    </nav>
  );
}
