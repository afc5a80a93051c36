import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { pthreadPoolSize, withPthreadPool } from './litert';

describe('the LiteRT runtime pthread pool', () => {
  it('has room for the threads of two backbones on every core, and at least one worker per core', () => {
    expect(pthreadPoolSize(1)).toBe(1);
    expect(pthreadPoolSize(2)).toBe(2);
    expect(pthreadPoolSize(4)).toBe(6);
    expect(pthreadPoolSize(8)).toBe(14);
  });

  it('is set in the installed runtime glue, and a glue that no longer says its pool size is refused', () => {
    const require = createRequire(import.meta.url);
    const glue = readFileSync(require.resolve('@litertjs/core/wasm/litert_wasm_threaded_internal.js'), 'utf8');
    const sized = withPthreadPool(glue, 6);
    expect(sized).toContain('var pthreadPoolSize = 6;');
    expect(sized).not.toContain('var pthreadPoolSize = navigator.hardwareConcurrency;');
    expect(() => withPthreadPool('var workers = 4;', 6)).toThrow(/threads it starts with/);
    expect(withPthreadPool('single-threaded glue', 0)).toBe('single-threaded glue');
  });
});
