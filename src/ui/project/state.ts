/**
 * The one place the trainer's state lives: the open project (classes and their photos), the
 * head trained on it, what can be undone, and the messages shown to the person. Everything else
 * (counts, whether training can run, advice) is derived from it in ./derive.
 */
import type { Evaluation, LogisticModel } from '../../head';
import type { ClassRecord, PhotoRef, PileItem, ProjectRecord } from '../../store/projects';

export interface TrainedHead {
  signature: string;
  model: LogisticModel;
  /**
   * This head's own cross-validated evaluation; absent while it is being checked (the worker sends
   * the head first), so an earlier head's figures are never shown as this one's.
   */
  evaluation?: Evaluation;
  /** Why its evaluation could not be done, if it could not. */
  evaluationProblem?: string;
}

export type Undo =
  | { kind: 'class'; text: string; removed: ClassRecord; index: number }
  | { kind: 'photos'; text: string; removed: { classId: string; photo: PhotoRef; index: number }[] }
  | { kind: 'pile'; text: string; removed: { item: PileItem; index: number }[] }
  | { kind: 'accepted'; text: string; hashes: string[] };

/**
 * The classifier's class probabilities for pile photos (over `classIds`, the head's classes), from
 * the head trained on the set with `signature`. Computed off the page (src/trainer/pileWorker.ts).
 */
export interface PileSuggestions {
  signature: string;
  classIds: string[];
  byHash: ReadonlyMap<string, Float32Array>;
}

/** One answer in "Check these next", so the undo key can take it back. */
export type ReviewStep =
  { hash: string; answer: 'skipped' } | { hash: string; answer: 'labelled'; classId: string; item: PileItem; pileIndex: number };

export interface Notice {
  id: number;
  /** 'problem' notices are announced at once (role="alert"); 'info' politely. */
  tone: 'problem' | 'info';
  title: string;
  /** One line per group of files with the same fate, e.g. names and what was wrong with them. */
  lines: string[];
  /** Offered as "Try again" (say, a failed save): the notice goes, and a new one comes if it fails again. */
  retry?: () => void;
}

export interface ImportProgress {
  /** Files handled so far (added, duplicate or skipped) out of all queued. */
  done: number;
  total: number;
  /** Photos the model has looked at, and when it started: for speed and time left. */
  embedded: number;
  startedAt: number;
  /**
   * 'features': the project's photos are looked at again because its photo features changed;
   * 'pile': unsorted photos arrive; 'resume': photos read before the page closed are finished.
   */
  reason?: 'features' | 'pile' | 'resume';
}

export interface TrainerState {
  project: ProjectRecord | undefined;
  /** Counts changes to the project's content: saving and training follow it. */
  revision: number;
  head: TrainedHead | undefined;
  training: 'idle' | 'training' | 'failed';
  trainingProblem?: string;
  undo: Undo | undefined;
  notices: Notice[];
  progress: ImportProgress | undefined;
  /** Every project on this device, for the project menu. */
  projects: ProjectSummary[];
  /** 'full': the last write failed for lack of space (what was saved before is intact). */
  saving: 'saved' | 'saving' | 'full';
  suggestions: PileSuggestions | undefined;
  /** Answers given in "Check these next" since the project was opened, newest last; and photos skipped. */
  review: { history: ReviewStep[]; skipped: string[] };
}

export interface ProjectSummary {
  id: string;
  name: string;
  photoCount: number;
}

export type Action =
  | { type: 'opened'; project: ProjectRecord; head: TrainedHead | undefined }
  | { type: 'renamed-project'; name: string }
  | { type: 'added-class'; id: string; name: string }
  | { type: 'renamed-class'; id: string; name: string }
  | { type: 'moved-class'; id: string; by: -1 | 1 }
  | { type: 'removed-class'; id: string }
  | { type: 'added-photos'; classId: string; photos: PhotoRef[] }
  | { type: 'moved-photos'; hashes: string[]; to: string }
  | { type: 'removed-photos'; hashes: string[] }
  | { type: 'embeddings-arrived' }
  /** Named by the project but not found on this device when it opened: dropped, with no undo (there is nothing to bring back). */
  | { type: 'lost-photos'; hashes: string[] }
  /** The project's photo features changed; the library already holds embeddings of the new ones only. */
  | { type: 'changed-features'; featuresId: string }
  | { type: 'undo' }
  | { type: 'dismissed-undo' }
  | { type: 'training' }
  | { type: 'trained'; head: TrainedHead }
  /** A training finished for photos no longer there, and the head shown is the one for today's. */
  | { type: 'head-kept' }
  /** The evaluation of `model`, taken only while that is still the head. */
  | { type: 'evaluated'; model: LogisticModel; evaluation: Evaluation }
  | { type: 'evaluation-failed'; model: LogisticModel; message: string }
  | { type: 'training-failed'; message: string }
  | { type: 'noticed'; notice: Omit<Notice, 'id'> }
  | { type: 'dismissed-notice'; id: number }
  | { type: 'progress'; progress: ImportProgress | undefined }
  | { type: 'listed-projects'; projects: ProjectSummary[] }
  /** One project's line in the list is brought up to date (the open one, as it is left). */
  | { type: 'summarised-project'; summary: ProjectSummary }
  | { type: 'saving'; saving: TrainerState['saving'] }
  // ---- The unsorted pile
  | { type: 'added-to-pile'; photos: PileItem[] }
  | { type: 'removed-from-pile'; hashes: string[] }
  | { type: 'suggested'; suggestions: PileSuggestions }
  /** "Check these next": the photo goes into the class, labelled by hand. */
  | { type: 'labelled-from-pile'; hash: string; classId: string }
  | { type: 'skipped-in-review'; hash: string }
  | { type: 'undid-review' }
  /** "Accept the sure ones": the photos get these classes as accepted suggestions (not training data). */
  | { type: 'accepted-suggestions'; accepted: { hash: string; classId: string; confidence: number }[] }
  /** The accepted photos become class photos, labelled by hand (trained on). */
  | { type: 'confirmed-accepted'; hashes: string[] }
  /** The accepted photos go back to being unsorted. */
  | { type: 'unaccepted'; hashes: string[] };

export const initialState: TrainerState = {
  project: undefined,
  revision: 0,
  head: undefined,
  training: 'idle',
  undo: undefined,
  notices: [],
  progress: undefined,
  projects: [],
  saving: 'saved',
  suggestions: undefined,
  review: { history: [], skipped: [] },
};

const normalised = (name: string) => name.trim().toLocaleLowerCase();

/** Why a class name cannot be used, in words for the person; undefined when it is fine. */
export function classNameProblem(name: string, classes: ClassRecord[], exceptId?: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'A class needs a name.';
  if (trimmed.length > 60) return 'Please keep the name under 60 letters.';
  if (classes.some((c) => c.id !== exceptId && normalised(c.name) === normalised(trimmed))) {
    return `There is already a class called “${trimmed}”. Please pick another name.`;
  }
  return undefined;
}

/** "Class 1", "Class 2", ...: the first that is free. */
export function defaultClassName(classes: ClassRecord[]): string {
  for (let n = classes.length + 1; ; n++) {
    const name = `Class ${n}`;
    if (!classNameProblem(name, classes)) return name;
  }
}

/**
 * The name itself when free, otherwise the name with the first free " 2", " 3", ... after it,
 * shortened so that it stays within 60 letters (else a long name taken would never become free).
 */
export function freeClassName(name: string, classes: ClassRecord[]): string {
  const base = name.trim();
  if (!classNameProblem(base, classes)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, 60 - ` ${n}`.length).trimEnd()} ${n}`;
    if (!classNameProblem(candidate, classes)) return candidate;
  }
}

let nextNoticeId = 1;
const photoWord = (n: number) => (n === 1 ? '1 photo' : `${n} photos`);

function withClasses(state: TrainerState, classes: ClassRecord[], undo: Undo | undefined = state.undo): TrainerState {
  if (!state.project) return state;
  return { ...state, project: { ...state.project, classes }, revision: state.revision + 1, undo };
}

function withPile(
  state: TrainerState,
  pile: PileItem[],
  classes = state.project?.classes,
  undo: Undo | undefined = state.undo,
): TrainerState {
  if (!state.project || !classes) return state;
  return { ...state, project: { ...state.project, classes, pile }, revision: state.revision + 1, undo };
}

const asClassPhoto = ({ hash, name, path }: PileItem): PhotoRef => (path === undefined ? { hash, name } : { hash, name, path });

export function reducer(state: TrainerState, action: Action): TrainerState {
  const project = state.project;
  switch (action.type) {
    case 'opened':
      return {
        ...initialState,
        projects: state.projects,
        saving: state.saving,
        project: action.project,
        head: action.head,
        revision: state.revision + 1,
      };
    case 'listed-projects':
      return { ...state, projects: action.projects };
    case 'summarised-project':
      return { ...state, projects: state.projects.map((p) => (p.id === action.summary.id ? action.summary : p)) };
    case 'saving':
      // Said on every change during an import: the same state again lets React skip the render.
      return state.saving === action.saving ? state : { ...state, saving: action.saving };
    case 'noticed':
      // The same message twice in a row (say, two drops of one file) is shown once.
      return {
        ...state,
        notices: [...state.notices.filter((n) => n.title !== action.notice.title), { ...action.notice, id: nextNoticeId++ }],
      };
    case 'dismissed-notice':
      return { ...state, notices: state.notices.filter((notice) => notice.id !== action.id) };
    case 'progress':
      return { ...state, progress: action.progress };
    case 'training':
      return { ...state, training: 'training' };
    case 'trained':
      return { ...state, training: 'idle', trainingProblem: undefined, head: action.head };
    case 'head-kept':
      return { ...state, training: 'idle' };
    case 'suggested':
      return { ...state, suggestions: action.suggestions };
    case 'evaluated':
      return state.head?.model === action.model
        ? { ...state, head: { ...state.head, evaluation: action.evaluation, evaluationProblem: undefined } }
        : state;
    case 'evaluation-failed':
      return state.head?.model === action.model ? { ...state, head: { ...state.head, evaluationProblem: action.message } } : state;
    case 'training-failed':
      return { ...state, training: 'failed', trainingProblem: action.message };
    case 'dismissed-undo':
      return { ...state, undo: undefined };
  }
  if (!project) return state;
  const { classes } = project;
  switch (action.type) {
    case 'renamed-project': {
      const name = action.name.trim();
      if (name === '' || name === project.name) return state;
      return { ...state, project: { ...project, name }, revision: state.revision + 1 };
    }
    case 'added-class':
      if (classNameProblem(action.name, classes)) return state;
      return withClasses(state, [...classes, { id: action.id, name: action.name.trim(), photos: [] }]);
    case 'renamed-class':
      if (classNameProblem(action.name, classes, action.id)) return state;
      return withClasses(
        state,
        classes.map((c) => (c.id === action.id ? { ...c, name: action.name.trim() } : c)),
      );
    case 'moved-class': {
      const from = classes.findIndex((c) => c.id === action.id);
      const to = from + action.by;
      if (from < 0 || to < 0 || to >= classes.length) return state;
      const next = [...classes];
      [next[from], next[to]] = [next[to], next[from]];
      return withClasses(state, next);
    }
    case 'removed-class': {
      const index = classes.findIndex((c) => c.id === action.id);
      if (index < 0) return state;
      const removed = classes[index];
      const text = `Deleted the class “${removed.name}” and its ${photoWord(removed.photos.length)}.`;
      // Pile photos accepted into it are unsorted again.
      return withPile(
        state,
        project.pile.map((item) => (item.accepted?.classId === action.id ? withoutAcceptance(item) : item)),
        classes.filter((c) => c.id !== action.id),
        { kind: 'class', text, removed, index },
      );
    }
    case 'added-photos': {
      const present = new Set(classes.flatMap((c) => c.photos.map((p) => p.hash)));
      const fresh = action.photos.filter((photo) => !present.has(photo.hash) && present.add(photo.hash));
      if (fresh.length === 0 || !classes.some((c) => c.id === action.classId)) return state;
      const added = new Set(fresh.map((p) => p.hash));
      // A pile photo put into a class by hand leaves the pile.
      return withPile(
        state,
        project.pile.some((item) => added.has(item.hash)) ? project.pile.filter((item) => !added.has(item.hash)) : project.pile,
        classes.map((c) => (c.id === action.classId ? { ...c, photos: [...c.photos, ...fresh] } : c)),
      );
    }
    case 'moved-photos': {
      const moving = new Set(action.hashes);
      const photos = classes.flatMap((c) => (c.id === action.to ? [] : c.photos.filter((p) => moving.has(p.hash))));
      if (photos.length === 0 || !classes.some((c) => c.id === action.to)) return state;
      return withClasses(
        state,
        classes.map((c) =>
          c.id === action.to ? { ...c, photos: [...c.photos, ...photos] } : { ...c, photos: c.photos.filter((p) => !moving.has(p.hash)) },
        ),
      );
    }
    case 'removed-photos': {
      const removing = new Set(action.hashes);
      const removed = classes.flatMap((c) =>
        c.photos.flatMap((photo, index) => (removing.has(photo.hash) ? [{ classId: c.id, photo, index }] : [])),
      );
      if (removed.length === 0) return state;
      const text = removed.length === 1 ? `Deleted the photo “${removed[0].photo.name}”.` : `Deleted ${photoWord(removed.length)}.`;
      return withClasses(
        state,
        classes.map((c) => ({ ...c, photos: c.photos.filter((p) => !removing.has(p.hash)) })),
        { kind: 'photos', text, removed },
      );
    }
    case 'embeddings-arrived':
      return { ...state, revision: state.revision + 1 };
    case 'lost-photos': {
      const lost = new Set(action.hashes);
      return {
        ...state,
        project: {
          ...project,
          classes: classes.map((c) => ({ ...c, photos: c.photos.filter((p) => !lost.has(p.hash)) })),
          pile: project.pile.filter((item) => !lost.has(item.hash)),
        },
        revision: state.revision + 1,
      };
    }
    case 'changed-features':
      if (action.featuresId === project.featuresId) return state;
      // The head takes the old features' embeddings, so it goes; undoing a deletion would bring
      // back photos not looked at with the new features, so that goes too.
      return {
        ...state,
        project: { ...project, featuresId: action.featuresId },
        revision: state.revision + 1,
        head: undefined,
        training: 'idle',
        trainingProblem: undefined,
        undo: undefined,
        suggestions: undefined,
      };
    case 'undo': {
      const undo = state.undo;
      if (!undo) return state;
      if (undo.kind === 'class' || undo.kind === 'photos') return { ...withClasses(state, undone(classes, undo)), undo: undefined };
      return { ...withPile(state, undonePile(project, undo)), undo: undefined };
    }
  }
  return pileReducer(state, project, action);
}

function withoutAcceptance({ accepted: _, ...item }: PileItem): PileItem {
  return item;
}

/** The actions on the unsorted pile. */
function pileReducer(state: TrainerState, project: ProjectRecord, action: Action): TrainerState {
  const { classes, pile } = project;
  const isClass = (id: string) => classes.some((c) => c.id === id);
  switch (action.type) {
    case 'added-to-pile': {
      const present = new Set([...classes.flatMap((c) => c.photos.map((p) => p.hash)), ...pile.map((p) => p.hash)]);
      const fresh = action.photos.filter((photo) => !present.has(photo.hash) && present.add(photo.hash));
      return fresh.length === 0 ? state : withPile(state, [...pile, ...fresh]);
    }
    case 'removed-from-pile': {
      const removing = new Set(action.hashes);
      const removed = pile.flatMap((item, index) => (removing.has(item.hash) ? [{ item, index }] : []));
      if (removed.length === 0) return state;
      const text =
        removed.length === 1
          ? `Deleted the unsorted photo “${removed[0].item.name}”.`
          : `Deleted ${photoWord(removed.length)} from the pile.`;
      return withPile(
        state,
        pile.filter((item) => !removing.has(item.hash)),
        classes,
        { kind: 'pile', text, removed },
      );
    }
    case 'labelled-from-pile': {
      const pileIndex = pile.findIndex((item) => item.hash === action.hash);
      if (pileIndex < 0 || !isClass(action.classId)) return state;
      const item = pile[pileIndex];
      const next = withPile(
        state,
        pile.filter((_, i) => i !== pileIndex),
        classes.map((c) => (c.id === action.classId ? { ...c, photos: [...c.photos, asClassPhoto(item)] } : c)),
      );
      const step: ReviewStep = { hash: item.hash, answer: 'labelled', classId: action.classId, item, pileIndex };
      return { ...next, review: { ...state.review, history: [...state.review.history, step] } };
    }
    case 'skipped-in-review':
      if (!pile.some((item) => item.hash === action.hash)) return state;
      return {
        ...state,
        review: {
          history: [...state.review.history, { hash: action.hash, answer: 'skipped' }],
          skipped: [...state.review.skipped.filter((hash) => hash !== action.hash), action.hash],
        },
      };
    case 'undid-review': {
      const step = state.review.history.at(-1);
      if (!step) return state;
      const history = state.review.history.slice(0, -1);
      if (step.answer === 'skipped')
        return { ...state, review: { history, skipped: state.review.skipped.filter((hash) => hash !== step.hash) } };
      // Only while the photo is still where the answer put it: moved or deleted since, it stays.
      const stillThere = classes.some((c) => c.id === step.classId && c.photos.some((p) => p.hash === step.hash));
      if (!stillThere) return { ...state, review: { ...state.review, history } };
      const back = [...pile];
      back.splice(Math.min(step.pileIndex, back.length), 0, step.item);
      const next = withPile(
        state,
        back,
        classes.map((c) => (c.id === step.classId ? { ...c, photos: c.photos.filter((p) => p.hash !== step.hash) } : c)),
      );
      return { ...next, review: { ...state.review, history } };
    }
    case 'accepted-suggestions': {
      const chosen = new Map(action.accepted.filter((a) => isClass(a.classId)).map((a) => [a.hash, a]));
      const hashes = pile.filter((item) => chosen.has(item.hash)).map((item) => item.hash);
      if (hashes.length === 0) return state;
      const text = `Accepted ${photoWord(hashes.length)} as suggested.`;
      return withPile(
        state,
        pile.map((item) => {
          const choice = chosen.get(item.hash);
          return choice ? { ...item, accepted: { classId: choice.classId, confidence: choice.confidence } } : item;
        }),
        classes,
        { kind: 'accepted', text, hashes },
      );
    }
    case 'confirmed-accepted': {
      const confirming = new Set(action.hashes);
      const moving = pile.filter((item) => confirming.has(item.hash) && item.accepted && isClass(item.accepted.classId));
      if (moving.length === 0) return state;
      const moved = new Set(moving.map((item) => item.hash));
      return withPile(
        state,
        pile.filter((item) => !moved.has(item.hash)),
        classes.map((c) => {
          const joining = moving.filter((item) => item.accepted!.classId === c.id).map(asClassPhoto);
          return joining.length > 0 ? { ...c, photos: [...c.photos, ...joining] } : c;
        }),
      );
    }
    case 'unaccepted': {
      const clearing = new Set(action.hashes);
      if (!pile.some((item) => item.accepted && clearing.has(item.hash))) return state;
      return withPile(
        state,
        pile.map((item) => (item.accepted && clearing.has(item.hash) ? withoutAcceptance(item) : item)),
      );
    }
  }
  return state;
}

/** Puts back pile photos deleted, or takes back an acceptance. */
function undonePile(project: ProjectRecord, undo: Extract<Undo, { kind: 'pile' | 'accepted' }>): PileItem[] {
  if (undo.kind === 'accepted') {
    const hashes = new Set(undo.hashes);
    return project.pile.map((item) => (hashes.has(item.hash) && item.accepted ? withoutAcceptance(item) : item));
  }
  const present = new Set([...project.classes.flatMap((c) => c.photos.map((p) => p.hash)), ...project.pile.map((p) => p.hash)]);
  const pile = [...project.pile];
  for (const { item, index } of undo.removed) if (!present.has(item.hash)) pile.splice(Math.min(index, pile.length), 0, item);
  return pile;
}

/** Puts back what the undo entry removed, at its old place; photos re-added elsewhere since stay there. */
function undone(classes: ClassRecord[], undo: Extract<Undo, { kind: 'class' | 'photos' }>): ClassRecord[] {
  const present = new Set(classes.flatMap((c) => c.photos.map((p) => p.hash)));
  if (undo.kind === 'class') {
    const restored = {
      ...undo.removed,
      name: freeClassName(undo.removed.name, classes),
      photos: undo.removed.photos.filter((p) => !present.has(p.hash)),
    };
    return [...classes.slice(0, undo.index), restored, ...classes.slice(undo.index)];
  }
  return classes.map((c) => {
    const photos = [...c.photos];
    for (const { classId, photo, index } of undo.removed) {
      if (classId === c.id && !present.has(photo.hash)) photos.splice(Math.min(index, photos.length), 0, photo);
    }
    return { ...c, photos };
  });
}
