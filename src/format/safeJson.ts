/**
 * JSON from a file a stranger may have made. Before JSON.parse ever sees the text, one linear,
 * non-recursive pass refuses what could hurt the code that reads the result:
 *
 * - nesting deeper than a format ever needs (recursive readers, revivers and validators would
 *   otherwise overflow the stack on "[[[[…]]]]" a million deep);
 * - the keys "__proto__", "constructor" and "prototype" anywhere: JSON.parse itself makes them
 *   plain own properties, but any later merge or copy by assignment would turn them into
 *   prototype pollution, and no file of ours ever has them;
 * - a key given twice in one object, which JSON.parse silently resolves to the last one while
 *   other tools may take the first: two readers must never see two different files.
 *
 * Syntax errors are left to JSON.parse; the pass only has to be right for valid JSON and never
 * loop or throw on invalid input.
 */

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonProblem =
  | { kind: 'too-deep'; maxDepth: number }
  | { kind: 'forbidden-key'; key: string }
  | { kind: 'duplicate-key'; key: string }
  | { kind: 'syntax'; message: string };

export type SafeParseResult = { ok: true; value: unknown } | { ok: false; problem: JsonProblem };

interface Frame {
  object: boolean;
  keys: Set<string> | undefined;
  expectKey: boolean;
}

/** Scans `text` (see above); returns the first problem found, or undefined. */
export function scanJson(text: string, maxDepth: number): JsonProblem | undefined {
  const stack: Frame[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 0x22 /* " */) {
      // Find the closing quote: one not preceded by an odd number of backslashes.
      let end = i + 1;
      for (;;) {
        end = text.indexOf('"', end);
        if (end < 0) return undefined; // unterminated: JSON.parse reports it
        let backslashes = 0;
        for (let j = end - 1; j > i && text.charCodeAt(j) === 0x5c; j--) backslashes++;
        if (backslashes % 2 === 0) break;
        end++;
      }
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return undefined; // a bad escape: JSON.parse reports it
        }
        if (FORBIDDEN_KEYS.has(key)) return { kind: 'forbidden-key', key };
        top.keys ??= new Set();
        if (top.keys.has(key)) return { kind: 'duplicate-key', key };
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return { kind: 'too-deep', maxDepth };
      stack.push({ object: code === 0x7b, keys: undefined, expectKey: code === 0x7b });
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      stack.pop();
    } else if (code === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
    }
    i++;
  }
  return undefined;
}

/** JSON.parse behind scanJson; never throws. */
export function parseJsonSafely(text: string, maxDepth: number): SafeParseResult {
  const problem = scanJson(text, maxDepth);
  if (problem) return { ok: false, problem };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problem: { kind: 'syntax', message: (error as Error).message } };
  }
}

/** Own enumerable keys only, so nothing inherited (or planted on a prototype) is ever read. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}
