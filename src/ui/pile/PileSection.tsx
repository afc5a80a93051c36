import { useCallback, useMemo, useRef, useState } from 'react';
import { FilePicker } from '../FilePicker';
import { ImportProgressBar } from '../ImportProgressBar';
import { filesFromInput, filesFromTransfer } from '../files/collect';
import type { FoundFile } from '../files/folders';
import { useProjectContext } from '../project/context';
import { countWord } from '../project/derive';
import { unsortedPile } from '../project/useProject';
import { useDropTarget } from '../useDropTarget';
import { AcceptPanel } from './AcceptPanel';
import { ExportPanel } from './ExportPanel';
import { Mislabelled } from './Mislabelled';
import { PhotoMap } from './PhotoMap';
import { PileGrid } from './PileGrid';
import { ReviewPanel } from './ReviewPanel';
import { usePile } from './usePile';

/**
 * The "Unsorted" pile: photos to be sorted, never learned from. The classifier suggests a class
 * for each; "Check these next" asks about the ones that teach it most, "Accept the sure ones" takes
 * the rest it is sure of, and the labels go out as a CSV or as sorted copies.
 */
export function PileSection() {
  const controller = useProjectContext();
  const { state, dispatch, library, actions } = controller;
  const [mapShown, setMapShown] = useState(false);
  const pile = usePile(controller, mapShown);
  const [shown, setShown] = useState<string>();
  const reviewPanel = useRef<HTMLDivElement>(null);
  /** A photo chosen in the grid or on the map is shown for review, and the keys answer it. */
  const review = useCallback((hash: string) => {
    setShown(hash);
    reviewPanel.current?.focus();
  }, []);
  /**
   * Photos answered while the project was at `revision`, whose answers are still being applied (see
   * ReviewPanel): not shown again until the project moves on.
   */
  const [leaving, setLeaving] = useState<{ revision: number; hashes: ReadonlySet<string> }>({ revision: -1, hashes: new Set() });
  const project = state.project!;
  const classes = project.classes;
  // Stable while the classes are, so the grid of thousands does not render again when only the photo under review changes.
  const nameOf = useCallback((id: string) => classes.find((c) => c.id === id)?.name, [classes]);

  function receive(found: FoundFile[]) {
    if (found.length === 0) return;
    actions.addFiles(
      unsortedPile,
      found.map((f) => f.file),
      new Map(found.map((f) => [f.file, f.path])),
    );
  }
  const { dragging, dropHandlers } = useDropTarget((transfer) => void filesFromTransfer(transfer).then(receive));

  // Once per change of the pile, not on every photo shown.
  const open = useMemo(() => new Set(project.pile.filter((item) => !item.accepted).map((item) => item.hash)), [project.pile]);
  const askable = (hash: string) => open.has(hash) && !(leaving.revision === state.revision && leaving.hashes.has(hash));
  const skipped = useMemo(() => new Set(state.review.skipped), [state.review.skipped]);
  /**
   * The worker's queue, without photos answered or skipped since it was ordered; should answers
   * outrun it, the pile's order, until the worker's next queue arrives (and takes over without
   * replacing the photo on screen).
   */
  const queued = (other?: string) => {
    const wanted = (hash: string) => hash !== other && askable(hash) && !skipped.has(hash);
    return pile.queue.find(wanted) ?? project.pile.find((item) => wanted(item.hash))?.hash;
  };
  // The photo chosen stays on screen until answered; then the queue's first.
  const currentHash = shown !== undefined && askable(shown) ? shown : queued();
  const current = project.pile.find((item) => item.hash === currentHash);
  const nextHash = queued(currentHash);
  const next = project.pile.find((item) => item.hash === nextHash);
  const accepted = project.pile.length - open.size;
  const canSuggest = classes.filter((c) => c.photos.length > 0).length >= 2;
  const head = state.head;
  const stale = state.training === 'training' || !head || state.suggestions?.signature !== head.signature;

  return (
    <section className="step pile" aria-labelledby="pile-title" data-testid="pile">
      <h2 id="pile-title">Sort a pile of photos</h2>
      <p className="hint">
        Drop the photos you want sorted here, as many as you like, loose or in folders. They are never learned from: the classifier suggests
        a class for each, and you check the ones it asks about.
      </p>
      {state.progress?.reason === 'pile' && <ImportProgressBar progress={state.progress} onCancel={actions.cancelImport} />}
      <div
        className={`bulk-drop${dragging ? ' dragging' : ''}`}
        data-testid="pile-drop"
        role="group"
        tabIndex={0}
        aria-label="Unsorted photos: drop or paste photos or folders here"
        {...dropHandlers}
        onPaste={(event) => {
          const found = filesFromInput(event.clipboardData.files);
          if (found.length === 0) return;
          event.preventDefault();
          receive(found);
        }}
      >
        <FilePicker label="Add unsorted photos" accept="image/*" multiple onFiles={(files) => receive(filesFromInput(files))}>
          Add unsorted photos…
        </FilePicker>
        <FilePicker label="Add a folder of unsorted photos" multiple folder onFiles={(files) => receive(filesFromInput(files))}>
          Add a folder…
        </FilePicker>
        <span className="hint">or drop or paste them here</span>
      </div>
      {project.pile.length > 0 && (
        <>
          <p className="status" data-testid="pile-count">
            {countWord(open.size, 'unsorted photo')}
            {accepted > 0 && `, ${accepted} accepted`}.
            {!canSuggest && ' Put a few photos in at least two classes (or answer below) and it starts suggesting.'}
          </p>
          {pile.problem && <p className="problem">Sorting ran into a problem: {pile.problem}</p>}
          {classes.length > 0 && (
            <ReviewPanel
              classes={classes}
              photo={current}
              next={next}
              suggestion={current && pile.suggestionOf.get(current.hash)}
              lastStep={state.review.history.at(-1)}
              library={library}
              dispatch={dispatch}
              panelRef={reviewPanel}
              onShow={(hash, { leaving: gone, returning }) => {
                setShown(hash);
                setLeaving((before) => {
                  const hashes = new Set(before.revision === state.revision ? before.hashes : []);
                  if (gone) hashes.add(gone);
                  if (returning) hashes.delete(returning);
                  return { revision: state.revision, hashes };
                });
              }}
            />
          )}
          <AcceptPanel classes={classes} pile={project.pile} acceptance={pile.acceptance} stale={stale} dispatch={dispatch} />
          <PileGrid pile={project.pile} library={library} nameOf={nameOf} suggestionOf={pile.suggestionOf} onChoose={review} />
        </>
      )}
      <Mislabelled flagged={pile.mislabelled} classes={classes} library={library} dispatch={dispatch} />
      {(project.pile.length > 0 || classes.some((c) => c.photos.length > 0)) && (
        <>
          <button type="button" aria-expanded={mapShown} onClick={() => setMapShown(!mapShown)}>
            {mapShown ? 'Hide the map of the photos' : 'Show a map of the photos'}
          </button>
          {mapShown && <PhotoMap project={project} map={pile.map} library={library} suggestionOf={pile.suggestionOf} onChoose={review} />}
          <ExportPanel project={project} library={library} suggestionOf={pile.suggestionOf} />
        </>
      )}
    </section>
  );
}
