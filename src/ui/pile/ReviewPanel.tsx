import { startTransition, useEffect, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import type { ClassRecord, PileItem } from '../../store/projects';
import type { PhotoLibrary } from '../project/library';
import type { Action, ReviewStep } from '../project/state';
import { percent } from './PileGrid';
import type { Suggestion } from './usePile';

interface Props {
  classes: ClassRecord[];
  /** The photo on screen (a pile photo), or undefined when nothing is left to ask. */
  photo: PileItem | undefined;
  /** The photo after it, loaded ahead so the next answer shows it at once. */
  next: PileItem | undefined;
  suggestion: Suggestion | undefined;
  lastStep: ReviewStep | undefined;
  library: PhotoLibrary;
  dispatch(action: Action): void;
  /**
   * Which photo to show next, after an answer or an undo; `leaving` is the photo just answered
   * (gone from the pile once the answer is applied), `returning` the one an undo brings back.
   */
  onShow(hash: string | undefined, change: { leaving?: string; returning?: string }): void;
  /** The panel itself: a photo chosen elsewhere (the grid, the map) brings the focus here. */
  panelRef: Ref<HTMLDivElement>;
}

const isTyping = (target: EventTarget) => target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);

/**
 * Addresses of the stored copies (longest side 512) of the photo on screen and the next one, as
 * data: URLs read in the background (FileReader). Not object URLs: making one is a synchronous call
 * into the browser, which on a busy machine took tens of milliseconds per photo on the page's
 * thread. The next photo's is read once the photo on screen is painted, and the last one answered
 * keeps its own for an undo; a photo chosen in the grid or on the map shows its name until its copy
 * is read (a moment).
 */
function useImageUrls(
  library: PhotoLibrary,
  shown: string | undefined,
  next: string | undefined,
  previous: string | undefined,
): ReadonlyMap<string, string> {
  const urls = useRef(new Map<string, string>());
  const reading = useRef(new Set<string>());
  const [, setRead] = useState(0);
  useEffect(() => {
    const wanted = [shown, next, previous].filter((hash): hash is string => hash !== undefined);
    for (const hash of urls.current.keys()) if (!wanted.includes(hash)) urls.current.delete(hash);
    const read = (hash: string) => {
      const record = library.recordOf(hash);
      if (!record || urls.current.has(hash) || reading.current.has(hash)) return;
      reading.current.add(hash);
      const reader = new FileReader();
      reader.onloadend = () => {
        reading.current.delete(hash);
        // A copy that cannot be read leaves the photo's name on screen, as a photo without a copy does.
        if (typeof reader.result === 'string') {
          urls.current.set(hash, reader.result);
          setRead((n) => n + 1);
        }
      };
      reader.readAsDataURL(record.image);
    };
    if (shown !== undefined) read(shown);
    if (next === undefined) return;
    return afterPaint(() => read(next));
  }, [shown, next, previous, library]);
  return urls.current;
}

/**
 * Runs `work` once the browser has painted what was just rendered, or after 100 ms where it paints
 * nothing (a hidden tab), so an answer is never left waiting. Calls run in the order made. Returns
 * a function that cancels it.
 */
function afterPaint(work: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    clearTimeout(fallback);
    work();
  };
  const fallback = setTimeout(once, 100);
  // A task queued from a frame's callback runs after that frame is painted.
  requestAnimationFrame(() => setTimeout(once, 0));
  return () => {
    done = true;
    clearTimeout(fallback);
  };
}

/**
 * "Check these next": one photo large, a button (and number key) per class, a key to skip and
 * one to undo. Each answer moves the photo into the class; learning happens in its worker, so the
 * next photo shows at once.
 */
export function ReviewPanel({ classes, photo, next, suggestion, lastStep, library, dispatch, onShow, panelRef }: Props) {
  const urls = useImageUrls(library, photo?.hash, next?.hash, lastStep?.hash);
  const url = photo && urls.get(photo.hash);
  const nextUrl = next && urls.get(next.hash);
  const nameOf = (id: string) => classes.find((c) => c.id === id)?.name;

  /**
   * Photos answered or skipped here whose step the project does not show as lastStep yet, newest
   * last: an answer is applied after the next paint, so U pressed before that must take back this
   * answer, not the project's lastStep. Each leaves once lastStep has reached it.
   */
  const answered = useRef<string[]>([]);
  useEffect(() => {
    const reached = lastStep ? answered.current.lastIndexOf(lastStep.hash) : -1;
    answered.current.splice(0, reached + 1);
  }, [lastStep]);
  /**
   * The next photo shows at once (an urgent update of this panel only); the project's change, which
   * re-renders the whole page and starts learning, follows once that photo is painted, as a
   * transition that yields to the browser, so it never holds the next photo back.
   */
  function act(action: Action, show: string | undefined, change: { leaving?: string; returning?: string }) {
    onShow(show, change);
    afterPaint(() => startTransition(() => dispatch(action)));
  }
  function step(action: Action, hash: string) {
    answered.current.push(hash);
    act(action, next?.hash, { leaving: hash });
  }
  const answer = (classId: string) => photo && step({ type: 'labelled-from-pile', hash: photo.hash, classId }, photo.hash);
  const skip = () => photo && step({ type: 'skipped-in-review', hash: photo.hash }, photo.hash);
  // Not a review step: an undo does not bring a deleted photo back.
  const remove = () => photo && act({ type: 'removed-from-pile', hashes: [photo.hash] }, next?.hash, { leaving: photo.hash });
  const undo = () => {
    const hash = answered.current.pop() ?? lastStep?.hash;
    if (hash) act({ type: 'undid-review' }, hash, { returning: hash });
  };

  function onKeyDown(event: KeyboardEvent) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    const digit = Number(event.key);
    if (Number.isInteger(digit) && digit >= 1 && digit <= Math.min(9, classes.length)) answer(classes[digit - 1].id);
    else if (event.key === 's' || event.key === 'S') skip();
    else if (event.key === 'u' || event.key === 'U' || event.key === 'Backspace') undo();
    else return;
    event.preventDefault();
  }

  return (
    <div
      ref={panelRef}
      className="review"
      role="group"
      aria-labelledby="review-title"
      data-testid="review"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <h3 id="review-title">Check these next</h3>
      <p className="hint" id="review-keys">
        Which class is this photo? Press its number ({classes.length > 1 ? `1 to ${Math.min(9, classes.length)}` : '1'}) or its button. S
        skips it, U (or Backspace) takes back the last answer. The photos it asks about first are the ones that teach it most.
      </p>
      {photo ? (
        <>
          <figure className="review-photo">
            {url ? (
              <img key={photo.hash} src={url} alt={photo.name} data-testid="review-photo" />
            ) : (
              <span className="thumb-placeholder">{photo.name}</span>
            )}
            {/* The next photo, loaded and decoded out of sight: an answer only shows this element. */}
            {next && nextUrl && (
              <img key={next.hash} src={nextUrl} alt="" hidden onLoad={(event) => void event.currentTarget.decode().catch(() => {})} />
            )}
            <figcaption>
              <span className="review-name">{photo.path ?? photo.name}</span>{' '}
              <span data-testid="review-suggestion">
                {suggestion
                  ? `Suggestion: ${nameOf(suggestion.classId) ?? '?'} (${percent(suggestion.confidence)} sure)`
                  : 'No suggestion yet.'}
              </span>
            </figcaption>
          </figure>
          <div className="review-answers" aria-describedby="review-keys">
            {classes.slice(0, 9).map((c, i) => (
              <button
                key={c.id}
                type="button"
                className={suggestion?.classId === c.id ? 'suggested' : undefined}
                aria-keyshortcuts={String(i + 1)}
                onClick={() => answer(c.id)}
              >
                <kbd>{i + 1}</kbd> {c.name}
              </button>
            ))}
            {classes.slice(9).map((c) => (
              <button key={c.id} type="button" onClick={() => answer(c.id)}>
                {c.name}
              </button>
            ))}
            <button type="button" aria-keyshortcuts="S" onClick={skip}>
              <kbd>S</kbd> Skip
            </button>
            <button type="button" aria-keyshortcuts="U" onClick={undo} disabled={!lastStep}>
              <kbd>U</kbd> Undo
            </button>
            <button type="button" className="danger" onClick={remove}>
              Delete this photo
            </button>
          </div>
        </>
      ) : (
        <p data-testid="review-done">
          Nothing left to ask about.{' '}
          {lastStep && (
            <button type="button" aria-keyshortcuts="U" onClick={undo}>
              <kbd>U</kbd> Undo the last answer
            </button>
          )}
        </p>
      )}
    </div>
  );
}
