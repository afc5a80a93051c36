import { describe, expect, it } from 'vitest';
import { faultLine } from './workerFaults';

describe('faultLine', () => {
  it('counts restarts, and says plainly when a worker will not be started again', () => {
    expect(faultLine('model', { type: 'restarted', restarts: 1 })).toEqual({
      text: 'The model stopped and was restarted (1).',
      stopped: false,
    });
    expect(faultLine('learning', { type: 'restarting', restarts: 2, delayMs: 1000 }).text).toBe(
      'Learning stopped and is being restarted (2)…',
    );
    expect(faultLine('model', { type: 'gave-up', restarts: 3, crashes: 4, windowMs: 60_000 })).toEqual({
      text: 'The model stopped 4 times within a minute, so it was not started again. Reload the page to try again.',
      stopped: true,
    });
    expect(faultLine('model', { type: 'restart-failed', restarts: 1, message: 'Out of memory.' })).toMatchObject({ stopped: true });
  });
});
