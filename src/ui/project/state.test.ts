import { describe, expect, it } from 'vitest';
import type { ProjectRecord } from '../../store/projects';
import { classNameProblem, defaultClassName, initialState, reducer, type Action, type TrainerState } from './state';

const photo = (hash: string) => ({ hash, name: `${hash}.jpg` });

function opened(): TrainerState {
  const project: ProjectRecord = {
    version: 2,
    id: 'p',
    name: 'Flowers',
    createdAt: 0,
    updatedAt: 0,
    featuresId: 'v1-0.75',
    classes: [
      { id: 'a', name: 'Daisy', photos: [photo('a1'), photo('a2'), photo('a3')] },
      { id: 'b', name: 'Tulip', photos: [photo('b1')] },
    ],
    pile: [],
  };
  return reducer(initialState, { type: 'opened', project, head: undefined });
}

const run = (state: TrainerState, ...actions: Action[]) => actions.reduce(reducer, state);
const names = (state: TrainerState) => state.project!.classes.map((c) => c.name);
const hashes = (state: TrainerState, classIndex: number) => state.project!.classes[classIndex].photos.map((p) => p.hash);

describe('class names', () => {
  it('refuses empty names and duplicates, whatever the case and spaces', () => {
    const { classes } = opened().project!;
    expect(classNameProblem('  ', classes)).toBe('A class needs a name.');
    expect(classNameProblem(' daisy ', classes)).toMatch(/already a class called “daisy”/);
    expect(classNameProblem('Daisy', classes, 'a')).toBeUndefined();
    expect(classNameProblem('Rose', classes)).toBeUndefined();
  });

  it('numbers new classes with the first free number', () => {
    const state = run(opened(), { type: 'renamed-class', id: 'b', name: 'Class 3' });
    expect(defaultClassName(state.project!.classes)).toBe('Class 4');
    expect(defaultClassName([])).toBe('Class 1');
  });

  it('ignores a refused rename, and changes nothing else', () => {
    const before = opened();
    const after = run(before, { type: 'renamed-class', id: 'b', name: 'DAISY' }, { type: 'renamed-class', id: 'b', name: '' });
    expect(after).toBe(before);
    expect(names(run(before, { type: 'renamed-class', id: 'b', name: ' Rose ' }))).toEqual(['Daisy', 'Rose']);
  });
});

describe('reducer', () => {
  it('counts content changes in the revision, not messages', () => {
    const state = opened();
    expect(run(state, { type: 'added-class', id: 'c', name: 'Rose' }).revision).toBe(state.revision + 1);
    expect(run(state, { type: 'noticed', notice: { tone: 'info', title: 'hi', lines: [] } }).revision).toBe(state.revision);
  });

  it('changes the photo features: saved with the project, the old head and undo gone', () => {
    const trained = run(
      opened(),
      { type: 'removed-photos', hashes: ['a3'] },
      { type: 'trained', head: { signature: 's', model: {} as never, evaluation: {} as never } },
    );
    expect(trained.head).toBeDefined();
    const changed = run(trained, { type: 'changed-features', featuresId: 'v1-0.75+v2-1.0' });
    expect(changed.project!.featuresId).toBe('v1-0.75+v2-1.0');
    expect(changed.revision).toBe(trained.revision + 1);
    expect(changed.head).toBeUndefined();
    expect(changed.undo).toBeUndefined();
    expect(changed.project!.classes).toBe(trained.project!.classes);
    expect(run(changed, { type: 'changed-features', featuresId: 'v1-0.75+v2-1.0' })).toBe(changed);
  });

  it('takes an evaluation only for the head it was made for, never for the one that replaced it', () => {
    const older = { kind: 'logistic' } as never;
    const newer = { kind: 'logistic' } as never;
    const evaluation = { accuracy: 0.9 } as never;
    const first = run(opened(), { type: 'trained', head: { signature: 's1', model: older } });
    expect(first.head?.evaluation).toBeUndefined();
    const replaced = run(first, { type: 'trained', head: { signature: 's2', model: newer } });
    expect(run(replaced, { type: 'evaluated', model: older, evaluation })).toBe(replaced);
    expect(run(replaced, { type: 'evaluation-failed', model: older, message: 'no' })).toBe(replaced);
    const evaluated = run(replaced, { type: 'evaluated', model: newer, evaluation });
    expect(evaluated.head).toEqual({ signature: 's2', model: newer, evaluation, evaluationProblem: undefined });
    expect(run(replaced, { type: 'evaluation-failed', model: newer, message: 'no' }).head?.evaluationProblem).toBe('no');
  });

  it('ends the training, keeping the head shown, when the training finished for photos no longer there', () => {
    const model = { kind: 'logistic' } as never;
    const shown = run(opened(), { type: 'trained', head: { signature: 's1', model } }, { type: 'training' });
    expect(shown.training).toBe('training');
    const kept = run(shown, { type: 'head-kept' });
    expect(kept.training).toBe('idle');
    expect(kept.head).toBe(shown.head);
  });

  it('reorders classes within bounds', () => {
    const state = opened();
    expect(names(run(state, { type: 'moved-class', id: 'b', by: -1 }))).toEqual(['Tulip', 'Daisy']);
    expect(run(state, { type: 'moved-class', id: 'a', by: -1 })).toBe(state);
  });

  it('adds a photo only once in the whole project', () => {
    const state = run(opened(), { type: 'added-photos', classId: 'b', photos: [photo('a1'), photo('b2'), photo('b2')] });
    expect(hashes(state, 0)).toEqual(['a1', 'a2', 'a3']);
    expect(hashes(state, 1)).toEqual(['b1', 'b2']);
  });

  it('moves photos to the end of another class', () => {
    const state = run(opened(), { type: 'moved-photos', hashes: ['a1', 'a3'], to: 'b' });
    expect(hashes(state, 0)).toEqual(['a2']);
    expect(hashes(state, 1)).toEqual(['b1', 'a1', 'a3']);
  });

  it('undoes a photo deletion, back in place', () => {
    const deleted = run(opened(), { type: 'removed-photos', hashes: ['a1', 'a3', 'b1'] });
    expect(hashes(deleted, 0)).toEqual(['a2']);
    expect(deleted.undo?.text).toBe('Deleted 3 photos.');
    const undone = run(deleted, { type: 'undo' });
    expect(hashes(undone, 0)).toEqual(['a1', 'a2', 'a3']);
    expect(hashes(undone, 1)).toEqual(['b1']);
    expect(undone.undo).toBeUndefined();
  });

  it('undoes a class deletion at its old place, even after a new class took its name', () => {
    const deleted = run(opened(), { type: 'removed-class', id: 'a' });
    expect(deleted.undo?.text).toBe('Deleted the class “Daisy” and its 3 photos.');
    const undone = run(deleted, { type: 'added-class', id: 'c', name: 'Daisy' }, { type: 'undo' });
    expect(names(undone)).toEqual(['Daisy 2', 'Tulip', 'Daisy']);
    expect(hashes(undone, 0)).toEqual(['a1', 'a2', 'a3']);
  });

  it('does not bring back a photo that was added again elsewhere since', () => {
    const state = run(
      opened(),
      { type: 'removed-photos', hashes: ['a1'] },
      { type: 'added-photos', classId: 'b', photos: [photo('a1')] },
      { type: 'undo' },
    );
    expect(hashes(state, 0)).toEqual(['a2', 'a3']);
    expect(hashes(state, 1)).toEqual(['b1', 'a1']);
  });

  it('shows one notice per message', () => {
    const notice = { tone: 'info' as const, title: 'Same', lines: [] };
    const state = run(opened(), { type: 'noticed', notice }, { type: 'noticed', notice });
    expect(state.notices).toHaveLength(1);
    expect(run(state, { type: 'dismissed-notice', id: state.notices[0].id }).notices).toEqual([]);
  });

  it('brings one project’s line of the list up to date, after a newer list came in, and leaves the others', () => {
    const listed = run(
      opened(),
      { type: 'listed-projects', projects: [{ id: 'p', name: 'Flowers', photoCount: 4 }] },
      // The list read again (say, after "Duplicate") arrives before the line of the project left.
      {
        type: 'listed-projects',
        projects: [
          { id: 'p', name: 'Flowers', photoCount: 4 },
          { id: 'q', name: 'Flowers (copy)', photoCount: 4 },
        ],
      },
      { type: 'summarised-project', summary: { id: 'p', name: 'Spring flowers', photoCount: 5 } },
      { type: 'summarised-project', summary: { id: 'deleted', name: 'Gone', photoCount: 1 } },
    );
    expect(listed.projects).toEqual([
      { id: 'p', name: 'Spring flowers', photoCount: 5 },
      { id: 'q', name: 'Flowers (copy)', photoCount: 4 },
    ]);
  });

  it('leaves the state as it is when saving is said again, so nothing renders for it', () => {
    const saving = run(opened(), { type: 'saving', saving: 'saving' });
    expect(run(saving, { type: 'saving', saving: 'saving' })).toBe(saving);
    expect(run(saving, { type: 'saving', saving: 'saved' }).saving).toBe('saved');
  });
});

describe('the unsorted pile', () => {
  const unsorted = (hash: string) => ({ hash, name: `${hash}.jpg`, path: `trip/${hash}.jpg` });
  const withPile = () => run(opened(), { type: 'added-to-pile', photos: ['u1', 'u2', 'u3', 'u4'].map(unsorted) });
  const pileHashes = (state: TrainerState) => state.project!.pile.map((p) => p.hash);

  it('takes photos once, never ones already in a class, and never as training photos', () => {
    const state = run(withPile(), { type: 'added-to-pile', photos: [unsorted('u1'), unsorted('a1'), unsorted('u5')] });
    expect(pileHashes(state)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(hashes(state, 0)).toEqual(['a1', 'a2', 'a3']);
  });

  it('moves a reviewed photo into its class with its path, and the undo key puts it back in place', () => {
    const labelled = run(withPile(), { type: 'labelled-from-pile', hash: 'u2', classId: 'b' });
    expect(pileHashes(labelled)).toEqual(['u1', 'u3', 'u4']);
    expect(labelled.project!.classes[1].photos.at(-1)).toEqual({ hash: 'u2', name: 'u2.jpg', path: 'trip/u2.jpg' });
    const skipped = run(labelled, { type: 'skipped-in-review', hash: 'u3' });
    expect(skipped.review.skipped).toEqual(['u3']);
    const undoneSkip = run(skipped, { type: 'undid-review' });
    expect(undoneSkip.review.skipped).toEqual([]);
    const undone = run(undoneSkip, { type: 'undid-review' });
    expect(pileHashes(undone)).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(hashes(undone, 1)).toEqual(['b1']);
    expect(undone.review.history).toEqual([]);
    expect(run(undone, { type: 'undid-review' })).toBe(undone);
  });

  it('leaves a reviewed photo where it is when it was moved since', () => {
    const state = run(
      withPile(),
      { type: 'labelled-from-pile', hash: 'u2', classId: 'b' },
      { type: 'moved-photos', hashes: ['u2'], to: 'a' },
      { type: 'undid-review' },
    );
    expect(hashes(state, 0)).toContain('u2');
    expect(pileHashes(state)).not.toContain('u2');
    expect(state.review.history).toEqual([]);
  });

  it('marks accepted suggestions without training on them; confirming makes them class photos', () => {
    const accepted = run(withPile(), {
      type: 'accepted-suggestions',
      accepted: [
        { hash: 'u1', classId: 'a', confidence: 0.97 },
        { hash: 'u3', classId: 'b', confidence: 0.91 },
        { hash: 'u4', classId: 'gone', confidence: 0.99 },
      ],
    });
    expect(accepted.project!.pile.map((p) => p.accepted?.classId)).toEqual(['a', undefined, 'b', undefined]);
    expect(accepted.project!.classes).toEqual(opened().project!.classes);
    expect(accepted.undo?.text).toBe('Accepted 2 photos as suggested.');
    expect(run(accepted, { type: 'undo' }).project!.pile.every((p) => !p.accepted)).toBe(true);
    expect(run(accepted, { type: 'unaccepted', hashes: ['u1'] }).project!.pile[0].accepted).toBeUndefined();

    const confirmed = run(accepted, { type: 'confirmed-accepted', hashes: ['u1', 'u2'] });
    expect(pileHashes(confirmed)).toEqual(['u2', 'u3', 'u4']);
    expect(hashes(confirmed, 0)).toEqual(['a1', 'a2', 'a3', 'u1']);
  });

  it('forgets acceptances into a deleted class', () => {
    const state = run(
      withPile(),
      { type: 'accepted-suggestions', accepted: [{ hash: 'u1', classId: 'a', confidence: 0.9 }] },
      { type: 'removed-class', id: 'a' },
    );
    expect(state.project!.pile[0].accepted).toBeUndefined();
  });

  it('deletes pile photos with undo, and a pile photo put in a class by hand leaves the pile', () => {
    const deleted = run(withPile(), { type: 'removed-from-pile', hashes: ['u2', 'u4'] });
    expect(pileHashes(deleted)).toEqual(['u1', 'u3']);
    expect(pileHashes(run(deleted, { type: 'undo' }))).toEqual(['u1', 'u2', 'u3', 'u4']);
    const added = run(withPile(), { type: 'added-photos', classId: 'a', photos: [photo('u1')] });
    expect(pileHashes(added)).toEqual(['u2', 'u3', 'u4']);
    expect(hashes(added, 0)).toEqual(['a1', 'a2', 'a3', 'u1']);
  });

  it('keeps the suggestions until the features change', () => {
    const suggestions = { signature: 's', classIds: ['a', 'b'], byHash: new Map([['u1', new Float32Array([0.9, 0.1])]]) };
    const suggested = run(withPile(), { type: 'suggested', suggestions });
    expect(suggested.suggestions).toBe(suggestions);
    expect(run(suggested, { type: 'changed-features', featuresId: 'v2-1.0' }).suggestions).toBeUndefined();
  });
});
