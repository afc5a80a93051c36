import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { oncePerFrame, perFrameBatch } from './perFrame';

describe('once per frame', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => setTimeout(() => callback(0), 16) as unknown as number);
    vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('runs once for many calls before the next frame, and again for calls after it', async () => {
    const run = vi.fn();
    const schedule = oncePerFrame(run);
    for (let i = 0; i < 100; i++) schedule();
    await vi.advanceTimersByTimeAsync(16);
    expect(run).toHaveBeenCalledTimes(1);
    schedule();
    await vi.advanceTimersByTimeAsync(300);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('still runs when frames stop (a hidden tab)', async () => {
    vi.stubGlobal('requestAnimationFrame', () => 0);
    const run = vi.fn();
    oncePerFrame(run, 250)();
    await vi.advanceTimersByTimeAsync(249);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('hands over items grouped by key, in order, each once', async () => {
    const flushed: [string, number[]][][] = [];
    const batch = perFrameBatch<string, number>((batches) => flushed.push([...batches]));
    batch.add('a', 1);
    batch.add('b', 2);
    batch.add('a', 3);
    await vi.advanceTimersByTimeAsync(16);
    batch.add('a', 4);
    batch.flushNow();
    await vi.advanceTimersByTimeAsync(300);
    expect(flushed).toEqual([
      [
        ['a', [1, 3]],
        ['b', [2]],
      ],
      [['a', [4]]],
    ]);
  });
});
