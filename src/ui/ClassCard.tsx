import { useState } from 'react';
import type { ClassRecord } from '../store/projects';
import { CameraBurst } from './CameraBurst';
import { filesFromInput, filesFromTransfer } from './files/collect';
import type { FoundFile } from './files/folders';
import { useProjectContext } from './project/context';
import { countWord } from './project/derive';
import { classNameProblem } from './project/state';
import { useDropTarget } from './useDropTarget';
import { FilePicker } from './FilePicker';
import { ThumbGrid } from './ThumbGrid';

/** Photos dragged between classes travel under this type, as a JSON list of hashes. */
export const photoDragType = 'application/x-handful-photos';

interface Props {
  cls: ClassRecord;
  index: number;
  count: number;
  /** Files dropped or picked for this class; folders of classes go through the offer instead. */
  onFiles(found: FoundFile[], classId: string): void;
}

export function ClassCard({ cls, index, count, onFiles }: Props) {
  const { state, dispatch, library } = useProjectContext();
  const classes = state.project!.classes;
  const [draft, setDraft] = useState<string>();
  /** Why the last name typed was not taken, until the next edit. */
  const [refused, setRefused] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [camera, setCamera] = useState(false);
  const nameProblem = draft === undefined ? undefined : classNameProblem(draft, classes, cls.id);
  const nameId = `class-name-${cls.id}`;
  const problemId = `class-name-problem-${cls.id}`;
  // Read and kept, but not yet looked at by the model: not learned from until then.
  const isWaiting = (hash: string) => library.settled && library.embeddingOf(hash) === undefined;
  const waiting = cls.photos.reduce((n, photo) => (isWaiting(photo.hash) ? n + 1 : n), 0);
  const visibleSelection = cls.photos.filter((p) => selected.has(p.hash)).map((p) => p.hash);

  function commitName() {
    if (draft === undefined) return;
    if (nameProblem) setRefused(`${nameProblem} It is still called “${cls.name}”.`);
    else dispatch({ type: 'renamed-class', id: cls.id, name: draft });
    setDraft(undefined);
  }

  const { dragging, dropHandlers } = useDropTarget((transfer) => {
    const moved = transfer.getData(photoDragType);
    if (moved) {
      dispatch({ type: 'moved-photos', hashes: JSON.parse(moved) as string[], to: cls.id });
      return;
    }
    void filesFromTransfer(transfer).then((found) => onFiles(found, cls.id));
  });

  function toggle(hash: string) {
    const next = new Set(selected);
    if (!next.delete(hash)) next.add(hash);
    setSelected(next);
  }

  return (
    <li className="class-card" data-testid="class-card" data-class-id={cls.id}>
      <div className="class-head">
        <label className="visually-hidden" htmlFor={nameId}>
          Name of class {index + 1}
        </label>
        <input
          id={nameId}
          className="class-name"
          value={draft ?? cls.name}
          aria-invalid={nameProblem ? true : undefined}
          aria-describedby={nameProblem ? problemId : undefined}
          onChange={(event) => {
            setDraft(event.target.value);
            setRefused(undefined);
          }}
          onBlur={commitName}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commitName();
            if (event.key === 'Escape') setDraft(undefined);
          }}
        />
        <span className="count" data-testid="photo-count">
          {countWord(cls.photos.length, 'photo')}
        </span>
        {waiting > 0 && (
          <span className="count waiting" data-testid="waiting-count">
            ({waiting} waiting for the model)
          </span>
        )}
        <div className="class-actions">
          <button
            type="button"
            className="icon"
            onClick={() => dispatch({ type: 'moved-class', id: cls.id, by: -1 })}
            disabled={index === 0}
            aria-label={`Move “${cls.name}” earlier`}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon"
            onClick={() => dispatch({ type: 'moved-class', id: cls.id, by: 1 })}
            disabled={index === count - 1}
            aria-label={`Move “${cls.name}” later`}
          >
            ↓
          </button>
          <button type="button" className="icon" onClick={() => setConfirming(true)} aria-label={`Delete the class “${cls.name}”`}>
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
              <path d="M2 4h12M6 4V2.5h4V4M3.5 4l1 10h7l1-10M6.5 6.5v5M9.5 6.5v5" fill="none" stroke="currentColor" strokeWidth="1.4" />
            </svg>
          </button>
        </div>
      </div>
      {nameProblem && (
        <p className="problem" id={problemId}>
          {nameProblem}
        </p>
      )}
      {refused && (
        <p className="problem" role="alert">
          {refused}
        </p>
      )}
      {confirming && (
        <div className="confirm" role="group" aria-label="Confirm deleting the class">
          <p>
            Delete “{cls.name}” and its {countWord(cls.photos.length, 'photo')}?
          </p>
          <button type="button" className="danger" onClick={() => dispatch({ type: 'removed-class', id: cls.id })}>
            Delete
          </button>
          <button type="button" onClick={() => setConfirming(false)} autoFocus>
            Keep it
          </button>
        </div>
      )}

      <div
        className={`class-drop${dragging ? ' dragging' : ''}`}
        data-testid="class-drop"
        role="group"
        tabIndex={0}
        aria-label={`Photos of “${cls.name}”: drop or paste photos here`}
        {...dropHandlers}
        onPaste={(event) => {
          const found = filesFromInput(event.clipboardData.files);
          if (found.length === 0) return;
          event.preventDefault();
          onFiles(found, cls.id);
        }}
      >
        {cls.photos.length > 0 ? (
          <ThumbGrid
            photos={cls.photos}
            library={library}
            isWaiting={isWaiting}
            label={`Photos of “${cls.name}”`}
            selected={selected}
            onToggle={toggle}
            onDragStart={(hash, event) => {
              const hashes = selected.has(hash) ? visibleSelection : [hash];
              event.dataTransfer.setData(photoDragType, JSON.stringify(hashes));
              event.dataTransfer.effectAllowed = 'move';
            }}
          />
        ) : (
          <p className="hint">Drop photos or a folder here, or paste one.</p>
        )}
      </div>

      {visibleSelection.length > 0 && (
        <div className="selection" role="group" aria-label="Selected photos">
          <span>{countWord(visibleSelection.length, 'photo')} selected</span>
          {classes.length > 1 && (
            <select
              aria-label="Move the selected photos to"
              value=""
              onChange={(event) => {
                dispatch({ type: 'moved-photos', hashes: visibleSelection, to: event.target.value });
                setSelected(new Set());
              }}
            >
              <option value="">Move to…</option>
              {classes
                .filter((c) => c.id !== cls.id)
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
            </select>
          )}
          <button
            type="button"
            className="danger"
            onClick={() => {
              dispatch({ type: 'removed-photos', hashes: visibleSelection });
              setSelected(new Set());
            }}
          >
            Delete
          </button>
          <button type="button" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}

      <div className="class-add">
        <FilePicker
          label={`Add photos to “${cls.name}”`}
          accept="image/*"
          multiple
          onFiles={(files) => onFiles(filesFromInput(files), cls.id)}
        >
          Add photos
        </FilePicker>
        <button type="button" onClick={() => setCamera(!camera)} aria-expanded={camera}>
          {camera ? 'Close the camera' : 'Use the camera'}
        </button>
      </div>
      {camera && <CameraBurst classId={cls.id} className={cls.name} />}
    </li>
  );
}
