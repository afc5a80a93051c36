import { describe, expect, it } from 'vitest';
import { migrateToCurrent, type Migration } from './migrate';

// A chain 0 -> 1 -> 2 -> 3 that renames a field at each step, to prove steps run in order.
const chain: Migration[] = [
  { from: 2, up: (doc) => ({ ...doc, version: 3, c: doc.b, b: undefined }) },
  { from: 0, up: (doc) => ({ ...doc, version: 1, a: doc.value, value: undefined }) },
  { from: 1, up: (doc) => ({ ...doc, version: 2, b: doc.a, a: undefined }) },
];

describe('migrateToCurrent', () => {
  it('leaves a current document alone', () => {
    const doc = { version: 3, c: 1 };
    expect(migrateToCurrent(doc, 3, chain)).toEqual({ kind: 'current', document: doc });
  });

  it('runs every step from the document version up, in order', () => {
    const result = migrateToCurrent({ version: 0, value: 'x' }, 3, chain);
    expect(result).toMatchObject({ kind: 'current', migratedFrom: 0, document: { version: 3, c: 'x' } });
    expect(migrateToCurrent({ version: 1, a: 'y' }, 3, chain)).toMatchObject({ migratedFrom: 1, document: { c: 'y' } });
  });

  it('tells newer, unsupported and malformed versions apart', () => {
    expect(migrateToCurrent({ version: 4 }, 3, chain)).toEqual({ kind: 'newer', version: 4 });
    expect(migrateToCurrent({ version: 1 }, 3, chain.slice(0, 1))).toEqual({ kind: 'unsupported', version: 1, oldest: 2 });
    expect(migrateToCurrent({ version: 2.5 }, 3, chain)).toEqual({ kind: 'bad-version', value: 2.5 });
    expect(migrateToCurrent({ version: '3' }, 3, chain)).toEqual({ kind: 'bad-version', value: '3' });
    expect(migrateToCurrent({}, 3, chain)).toEqual({ kind: 'bad-version', value: undefined });
  });

  it('treats a migration that skips or repeats a version as a bug', () => {
    const broken: Migration[] = [{ from: 0, up: (doc) => ({ ...doc, version: 2 }) }];
    expect(() => migrateToCurrent({ version: 0 }, 1, broken)).toThrow(/did not produce version 1/);
  });
});
