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
});
