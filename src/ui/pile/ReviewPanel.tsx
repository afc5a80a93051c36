import { startTransition, useEffect, useMemo, useRef, type KeyboardEvent, type Ref } from 'react';
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

/** The stored copy (longest side 512) of `hash` as an address, made once and let go when no longer shown. */
function useImageUrls(library: PhotoLibrary, hashes: (string | undefined)[]): Map<string, string> {
  const urls = useRef(new Map<string, string>());
  const key = hashes.join();
  const current = useMemo(() => {
    const wanted = new Set(hashes.filter((h): h is string => h !== undefined));
    for (const hash of wanted) {
      const record = library.recordOf(hash);
      if (record && !urls.current.has(hash)) urls.current.set(hash, URL.createObjectURL(record.image));
    }
    return new Map([...urls.current].filter(([hash]) => wanted.has(hash)));
    // `key` stands for `hashes`.
  }, [key, library]);
  useEffect(() => {
    for (const [hash, url] of urls.current) {
      if (!current.has(hash)) {
        URL.revokeObjectURL(url);
        urls.current.delete(hash);
      }
    }
  }, [current]);
  useEffect(() => () => urls.current.forEach((url) => URL.revokeObjectURL(url)), []);
  return current;
}

/**
 * "Check these next": one photo large, a button (and number key) per class, a key to skip and
 * one to undo. Each answer moves the photo into the class; learning happens in its worker, so the
 * next photo shows at once.
 */
export function ReviewPanel({ classes, photo, next, suggestion, lastStep, library, dispatch, onShow, panelRef }: Props) {
  const urls = useImageUrls(library, [photo?.hash, next?.hash]);
  const nameOf = (id: string) => classes.find((c) => c.id === id)?.name;

  /**
   * The next photo shows at once (an urgent update of this panel only); the project's change, which
   * re-renders the whole page and starts learning, follows as a transition that yields to the
   * browser, so it never holds the next photo back.
   */
  function act(action: Action, show: string | undefined, change: { leaving?: string; returning?: string }) {
    onShow(show, change);
    startTransition(() => dispatch(action));
  }
  const answer = (classId: string) =>
    photo && act({ type: 'labelled-from-pile', hash: photo.hash, classId }, next?.hash, { leaving: photo.hash });
  const skip = () => photo && act({ type: 'skipped-in-review', hash: photo.hash }, next?.hash, { leaving: photo.hash });
  const remove = () => photo && act({ type: 'removed-from-pile', hashes: [photo.hash] }, next?.hash, { leaving: photo.hash });
  const undo = () => lastStep && act({ type: 'undid-review' }, lastStep.hash, { returning: lastStep.hash });

  function onKeyDown(event: KeyboardEvent) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    const digit = Number(event.key);
    if (Number.isInteger(digit) && digit >= 1 && digit <= Math.min(9, classes.length)) answer(classes[digit - 1].id);
    else if (event.key === 's' || event.key === 'S') skip();
    else if (event.key === 'u' || event.key === 'U' || event.key === 'Backspace') undo();
    else return;
    event.preventDefault();
  }

  const url = photo && urls.get(photo.hash);
  const nextUrl = next && urls.get(next.hash);
  // The next photo is decoded while this one is looked at, so an answer shows it at once.
  useEffect(() => {
    if (!nextUrl) return;
    const image = new Image();
    image.src = nextUrl;
    // Only a head start: a photo that cannot be decoded ahead is shown (or not) when its turn comes.
    image.decode().catch(() => {});
  }, [nextUrl]);
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
            {url ? <img src={url} alt={photo.name} data-testid="review-photo" /> : <span className="thumb-placeholder">{photo.name}</span>}
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
