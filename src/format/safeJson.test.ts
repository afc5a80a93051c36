import { describe, expect, it } from 'vitest';
import { parseJsonSafely, scanJson } from './safeJson';

describe('scanJson', () => {
  it('accepts ordinary JSON, strings with quotes, brackets and escapes included', () => {
    const text = JSON.stringify({ a: [1, { b: 'x"}]{[\\', c: null }], 'd\\"': { e: '\\' }, f: '\u005f_proto__ as a value is fine' });
    expect(scanJson(text, 4)).toBeUndefined();
    expect(parseJsonSafely(text, 4)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('counts depth without recursion, even a million levels down', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(scanJson(deep, 16)).toEqual({ kind: 'too-deep', maxDepth: 16 });
    expect(scanJson('[[[]]]', 3)).toBeUndefined();
    expect(scanJson('[[[[]]]]', 3)).toEqual({ kind: 'too-deep', maxDepth: 3 });
  });

  it('finds forbidden and repeated keys at any level, escaped or not', () => {
    expect(scanJson('{"a":{"b":[{"__proto__":1}]}}', 16)).toEqual({ kind: 'forbidden-key', key: '__proto__' });
    expect(scanJson('{"prototype":1}', 16)).toEqual({ kind: 'forbidden-key', key: 'prototype' });
    expect(scanJson('{"\\u0063onstructor":1}', 16)).toEqual({ kind: 'forbidden-key', key: 'constructor' });
    expect(scanJson('{"a":1,"b":{"a":2},"a":3}', 16)).toEqual({ kind: 'duplicate-key', key: 'a' });
    // The same key in sibling objects is fine; values are never keys.
    expect(scanJson('[{"a":1},{"a":2},{"x":"a","y":"a"}]', 16)).toBeUndefined();
  });

  it('leaves syntax errors to JSON.parse and never throws on garbage', () => {
    for (const garbage of ['{"a', '"\\', '}}}]]', '{"a":"\\u12"}', '{,,,"a"', '']) {
      expect(() => scanJson(garbage, 16)).not.toThrow();
      expect(parseJsonSafely(garbage, 16).ok).toBe(false);
    }
  });
});
