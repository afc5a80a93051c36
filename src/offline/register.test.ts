import { describe, expect, it } from 'vitest';
import { shouldRegister } from './register';

describe('shouldRegister', () => {
  it('registers in production builds where service workers exist', () => {
    expect(shouldRegister({ prod: true, search: '?backend=wasm', hasServiceWorker: true })).toBe(true);
  });

  it('stays out of the dev server, browsers without service workers, and visits with ?sw=off', () => {
    expect(shouldRegister({ prod: false, search: '', hasServiceWorker: true })).toBe(false);
    expect(shouldRegister({ prod: true, search: '', hasServiceWorker: false })).toBe(false);
    expect(shouldRegister({ prod: true, search: '?backend=wasm&sw=off', hasServiceWorker: true })).toBe(false);
  });
});
