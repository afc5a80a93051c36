import { useSyncExternalStore } from 'react';
import { useProjectContext } from './project/context';
import { countWord } from './project/derive';
import { waitingRefs } from './project/waiting';

/**
 * Photos read and kept but not looked at by the model (Stop was pressed, or the model stopped):
 * said plainly, with the two ways on. Hidden while photos are being looked at.
 */
export function WaitingBar() {
  const { state, library, actions } = useProjectContext();
  useSyncExternalStore(library.subscribe, library.version);
  const project = state.project;
  if (!project || state.progress || !library.settled) return null;
  const waiting = waitingRefs(project, library).length;
  if (waiting === 0) return null;
  return (
    <div className="offer" role="group" aria-label="Photos waiting for the model" data-testid="waiting-bar">
      <p>
        {countWord(waiting, 'photo')} {waiting === 1 ? 'is' : 'are'} kept but not looked at by the model yet, so the classifier does not
        learn from {waiting === 1 ? 'it' : 'them'}.
      </p>
      <button type="button" className="primary" onClick={actions.resumeWaiting}>
        Look at {waiting === 1 ? 'it' : 'them'} now
      </button>
      <button type="button" onClick={actions.removeWaiting}>
        Remove {waiting === 1 ? 'it' : 'them'}
      </button>
    </div>
  );
}
