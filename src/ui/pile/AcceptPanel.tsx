import type { ClassRecord, PileItem } from '../../store/projects';
import { countWord } from '../project/derive';
import type { Action } from '../project/state';
import { percent } from './PileGrid';
import type { Acceptance } from './usePile';

interface Props {
  classes: ClassRecord[];
  pile: PileItem[];
  acceptance: Acceptance | undefined;
  /** The classifier is relearning: what it would accept is from the head before. */
  stale: boolean;
  dispatch(action: Action): void;
}

/** "About 1 of them may be wrong (between 0 and 3)": expected wrong, rounded honestly. */
function wrongInWords(expected: number, range: { lower: number; upper: number }, total: number): string {
  const about = Math.round(expected);
  const low = Math.floor(range.lower);
  const high = Math.min(total, Math.ceil(range.upper));
  const spread = low === high ? '' : ` (somewhere between ${low} and ${high})`;
  if (about === 0) return `Probably none of them is wrong${spread}.`;
  return `About ${about} of them may be wrong${spread}.`;
}

/**
 * "Accept the sure ones": per class, every pile photo whose suggestion clears the bar set from
 * held-out predictions (src/pile/acceptBar.ts), with how many are expected to be wrong. Accepted
 * photos are marked, not learned from, until the person confirms them.
 */
export function AcceptPanel({ classes, pile, acceptance, stale, dispatch }: Props) {
  const acceptedBy = new Map<string, string[]>();
  for (const item of pile) {
    if (!item.accepted) continue;
    const hashes = acceptedBy.get(item.accepted.classId);
    if (hashes) hashes.push(item.hash);
    else acceptedBy.set(item.accepted.classId, [item.hash]);
  }
  const plan = acceptance;
  return (
    <div className="accept" role="group" aria-labelledby="accept-title" data-testid="accept">
      <h3 id="accept-title">Accept the sure ones</h3>
      {!plan ? (
        <p className="hint">Once it has learned from the classes, it offers to accept the suggestions it is sure of.</p>
      ) : (
        <p className="hint">
          A suggestion is accepted when, judged by how often it was right about photos it had not learned from ({plan.heldOutCount} so far),
          at least {percent(plan.targetPrecision)} of those accepted should be right. Accepted photos are not learned from until you confirm
          them.
          {![...plan.offers.values()].some((offer) => offer.photos.length > 0) &&
            ' None is sure enough yet: label more photos, and it can tell better how far its suggestions can be trusted.'}
        </p>
      )}
      <ul className="accept-list">
        {classes.map((c) => {
          const offer = acceptance?.offers.get(c.id);
          const photos = offer?.photos ?? [];
          const accepted = acceptedBy.get(c.id) ?? [];
          return (
            <li key={c.id} data-testid="accept-class">
              <strong>{c.name}</strong>:{' '}
              {offer && photos.length > 0 ? (
                <>
                  {countWord(photos.length, 'sure one')} (sure from {percent(offer.bar ?? 1)} up).{' '}
                  {wrongInWords(offer.expectedWrong, offer.expectedWrongRange, photos.length)}{' '}
                  <button
                    type="button"
                    disabled={stale}
                    onClick={() =>
                      dispatch({
                        type: 'accepted-suggestions',
                        accepted: photos.map(({ hash, confidence }) => ({ hash, classId: c.id, confidence })),
                      })
                    }
                  >
                    Accept {photos.length} as “{c.name}”
                  </button>
                </>
              ) : (
                <span className="hint">none sure enough yet.</span>
              )}
              {accepted.length > 0 && (
                <span className="accepted-note">
                  {' '}
                  {countWord(accepted.length, 'photo')} accepted.{' '}
                  <button type="button" onClick={() => dispatch({ type: 'confirmed-accepted', hashes: accepted })}>
                    Confirm {accepted.length} and learn from them
                  </button>{' '}
                  <button type="button" onClick={() => dispatch({ type: 'unaccepted', hashes: accepted })}>
                    Put {accepted.length} back in the pile
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
