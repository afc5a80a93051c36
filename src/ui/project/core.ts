/** What every part of useProject works with, passed whole so each hook's signature names only what is its own. */
import type { Dispatch, RefObject } from 'react';
import type { PhotoLibrary } from './library';
import type { SaveProblems } from './saveProblems';
import type { Action, TrainerState } from './state';

export interface ProjectCore {
  /** The one reducer's (./state): every change of state goes through it. */
  dispatch: Dispatch<Action>;
  /** The state as of the last render, for callbacks that run after it (saves, imports, workers). */
  latest: RefObject<TrainerState>;
  /** The open project's photos: stored records and embeddings, outside the state (see ./library). */
  library: PhotoLibrary;
  failures: SaveProblems;
}
