import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debouncedSaver } from './saver';

describe('debouncedSaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the latest value once after a quiet moment', async () => {
    const saved: number[] = [];
    const saver = debouncedSaver(async (value: number) => void saved.push(value), 400);
    saver.schedule(1);
    saver.schedule(2);
    await vi.advanceTimersByTimeAsync(399);
    expect(saved).toEqual([]);
    expect(saver.pending).toBe(true);
    saver.schedule(3);
    await vi.advanceTimersByTimeAsync(400);
    expect(saved).toEqual([3]);
    expect(saver.pending).toBe(false);
  });

  it('writes at least every maxWaitMs while changes keep coming', async () => {
    const saved: number[] = [];
    const saver = debouncedSaver(async (value: number) => void saved.push(value), 400, undefined, 1000);
    for (let i = 1; i <= 12; i++) {
      saver.schedule(i);
      await vi.advanceTimersByTimeAsync(200);
    }
    // Without the limit nothing would be written yet: every change came within 400 ms of the last.
    expect(saved).toEqual([5, 10]);
    await vi.advanceTimersByTimeAsync(400);
    expect(saved).toEqual([5, 10, 12]);
  });

  it('writes at once when flushed (the page is being hidden), and nothing twice', async () => {
    const saved: number[] = [];
    const saver = debouncedSaver(async (value: number) => void saved.push(value), 400);
    saver.schedule(7);
    await saver.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toEqual([7]);
  });

  it('starts a flushed write at once, even while an earlier one runs, and reports each outcome', async () => {
    const started: string[] = [];
    const settled: unknown[] = [];
    let release!: () => void;
    const saver = debouncedSaver(
      (value: string) => {
        started.push(value);
        if (value === 'slow') return new Promise<void>((resolve) => (release = resolve));
        return Promise.reject(new Error('disk'));
      },
      10,
      (error) => settled.push(error && (error as Error).message),
    );
    saver.schedule('slow');
    void saver.flush();
    saver.schedule('bad');
    const both = saver.flush();
    expect(started).toEqual(['slow', 'bad']);
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toEqual(['disk']);
    expect(saver.pending).toBe(true);
    release();
    await both;
    expect(settled).toEqual(['disk', undefined]);
    expect(saver.pending).toBe(false);
  });
});
