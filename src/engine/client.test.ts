import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineClient, EngineCrashedError, EngineStoppedError, type WorkerLike } from './client';
import type { EngineRequest, EngineResponse } from './protocol';
import type { WorkerFault } from './restarts';

/** A worker stand-in that records requests and lets the test answer them or crash. */
class ScriptedWorker extends EventTarget implements WorkerLike {
  requests: EngineRequest[] = [];
  terminated = false;
  postMessage(message: unknown): void {
    this.requests.push(message as EngineRequest);
  }
  reply(response: EngineResponse): void {
    this.dispatchEvent(new MessageEvent('message', { data: response }));
  }
  crash(): void {
    this.dispatchEvent(new Event('error'));
  }
  terminate(): void {
    this.terminated = true;
  }
}

function setup() {
  const workers: ScriptedWorker[] = [];
  const faults: WorkerFault[] = [];
  const client = new EngineClient(
    () => {
      const worker = new ScriptedWorker();
      workers.push(worker);
      return worker;
    },
    (fault) => faults.push(fault),
  );
  return { client, workers, faults };
}

const config = { featuresId: 'v1-0.75+v2-1.0', backend: 'auto', batchSize: 8 } as const;
const ready = { backend: 'wasm', featuresId: 'v1-0.75+v2-1.0', embeddingSize: 2048, runtime: 'LiteRT WASM', measuring: false } as const;

describe('EngineClient', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves start with the backend the worker settled on', async () => {
    const { client, workers } = setup();
    const started = client.start(config);
    const init = workers[0].requests[0];
    expect(init).toEqual({ type: 'init', id: init.id, featuresId: 'v1-0.75+v2-1.0', backend: 'auto', batchSize: 8 });
    workers[0].reply({ type: 'ready', id: init.id, ...ready });
    await expect(started).resolves.toEqual(ready);
  });

  it('reports the download, is ready before the background measurement, then hears what it found', async () => {
    const { client, workers } = setup();
    const progress: number[] = [];
    const measured: string[] = [];
    const started = client.start(config, {
      onProgress: (received) => progress.push(received),
      onMeasured: (m) => measured.push(m.backend),
    });
    const { id } = workers[0].requests[0];
    workers[0].reply({ type: 'loading', id, received: 1000, expected: 4000 });
    workers[0].reply({ type: 'loading', id, received: 4000, expected: 4000 });
    workers[0].reply({ type: 'ready', id, ...ready, measuring: true });
    await expect(started).resolves.toMatchObject({ backend: 'wasm', measuring: true });
    expect(client.backend).toBe('wasm');
    workers[0].reply({ type: 'measured', id, backend: 'webgpu', runtime: 'LiteRT WebGPU', measurements: [] });
    expect(progress).toEqual([1000, 4000]);
    expect(measured).toEqual(['webgpu']);
    // A restart would now start on the backend the measurement switched to.
    expect(client.backend).toBe('webgpu');
  });

  it('streams per-image results, including failures, then resolves', async () => {
    const { client, workers } = setup();
    const seen: number[] = [];
    const done = client.embed([new Blob(['a']), new Blob(['b'])], { guesses: 3, onResult: (r) => seen.push(r.index) });
    const { id } = workers[0].requests[0];
    workers[0].reply({ type: 'image-failed', id, index: 1, message: 'not a picture' });
    workers[0].reply({ type: 'embedded', id, index: 0, embedding: new Float32Array(2), guesses: [], ms: 5 });
    workers[0].reply({ type: 'done', id, cancelled: false });
    const { results, cancelled } = await done;
    expect(cancelled).toBe(false);
    expect(seen).toEqual([1, 0]);
    expect(results[0]).toEqual({ index: 1, problem: 'not a picture' });
  });

  it('asks for the copies only when they are wanted, and hands them over before the embedding', async () => {
    const { client, workers } = setup();
    const order: string[] = [];
    const image = new Blob(['jpeg']);
    const done = client.embed([new Blob(['a'])], {
      onPrepared: (index, copies) => order.push(`prepared ${index} ${copies.width}x${copies.height}`),
      onResult: (r) => order.push(`embedded ${r.index}`),
    });
    const request = workers[0].requests[0];
    expect(request).toMatchObject({ type: 'embed', copies: true });
    const { id } = request;
    workers[0].reply({ type: 'prepared', id, index: 0, image, thumbnail: image, width: 640, height: 480 });
    workers[0].reply({ type: 'embedded', id, index: 0, embedding: new Float32Array(2), guesses: [], ms: 5 });
    workers[0].reply({ type: 'done', id, cancelled: false });
    await done;
    expect(order).toEqual(['prepared 0 640x480', 'embedded 0']);
    void client.embed([new Blob(['b'])]);
    expect(workers[0].requests[1]).not.toHaveProperty('copies');
  });

  it('sends a cancel for the running request when the signal aborts', async () => {
    const { client, workers } = setup();
    const controller = new AbortController();
    const done = client.embed([new Blob(['a'])], { signal: controller.signal });
    const { id } = workers[0].requests[0];
    controller.abort();
    expect(workers[0].requests[1]).toMatchObject({ type: 'cancel', target: id });
    workers[0].reply({ type: 'done', id, cancelled: true });
    await expect(done).resolves.toMatchObject({ cancelled: true });
  });

  it('fails calls in flight when the worker crashes, then restarts it with the same settings', async () => {
    const { client, workers, faults } = setup();
    const started = client.start(config);
    workers[0].reply({ type: 'ready', id: workers[0].requests[0].id, ...ready });
    await started;
    const pending = client.embed([new Blob(['a'])]);
    workers[0].crash();
    await expect(pending).rejects.toBeInstanceOf(EngineCrashedError);
    expect(workers[0].terminated).toBe(true);
    expect(faults).toEqual([{ type: 'restarting', restarts: 1, delayMs: 500 }]);
    // A call made while the restart waits goes to the new worker, after its init.
    const later = client.embed([new Blob(['b'])]);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(500);
    // The replacement is started on the measured backend, not measured all over again.
    expect(workers[1].requests.map((r) => r.type)).toEqual(['init', 'embed']);
    expect(workers[1].requests[0]).toMatchObject({ type: 'init', featuresId: 'v1-0.75+v2-1.0', backend: 'wasm' });
    workers[1].reply({ type: 'ready', id: workers[1].requests[0].id, ...ready });
    workers[1].reply({ type: 'done', id: workers[1].requests[1].id, cancelled: false });
    await expect(later).resolves.toMatchObject({ cancelled: false });
    expect(faults.at(-1)).toEqual({ type: 'restarted', restarts: 1 });
  });

  it('waits longer after each crash, and after three within a minute stops for good, failing every call plainly', async () => {
    const { client, workers, faults } = setup();
    void client.start(config).catch(() => {});
    for (const delayMs of [500, 1000, 2000]) {
      workers.at(-1)!.crash();
      expect(faults.at(-1)).toMatchObject({ type: 'restarting', delayMs });
      vi.advanceTimersByTime(delayMs - 1);
      const count = workers.length;
      vi.advanceTimersByTime(1);
      expect(workers).toHaveLength(count + 1);
    }
    const inFlight = client.embed([new Blob(['a'])]);
    workers.at(-1)!.crash();
    await expect(inFlight).rejects.toBeInstanceOf(EngineStoppedError);
    expect(faults.at(-1)).toEqual({ type: 'gave-up', restarts: 3, crashes: 4, windowMs: 60_000 });
    vi.advanceTimersByTime(120_000);
    expect(workers).toHaveLength(4);
    await expect(client.embed([new Blob(['b'])])).rejects.toThrow('Reload the page');
    await expect(client.stats()).rejects.toBeInstanceOf(EngineStoppedError);
  });

  it('counts only the crashes of the last minute against the limit', () => {
    const { client, workers, faults } = setup();
    void client.start(config).catch(() => {});
    for (let i = 0; i < 5; i++) {
      workers.at(-1)!.crash();
      vi.advanceTimersByTime(61_000);
    }
    expect(faults.filter((f) => f.type === 'gave-up')).toEqual([]);
    expect(workers).toHaveLength(6);
    // Spread out, each restart waits the first delay again.
    expect(faults.filter((f) => f.type === 'restarting').map((f) => f.type === 'restarting' && f.delayMs)).toEqual([
      500, 500, 500, 500, 500,
    ]);
  });

  it('says so when the restarted worker cannot start the model again', async () => {
    const { client, workers, faults } = setup();
    void client.start(config).catch(() => {});
    workers[0].crash();
    vi.advanceTimersByTime(500);
    workers[1].reply({ type: 'error', id: workers[1].requests[0].id, message: 'out of memory' });
    await vi.waitFor(() => expect(faults.at(-1)).toEqual({ type: 'restart-failed', restarts: 1, message: 'out of memory' }));
  });

  it('names the features of the latest start at once, even when an earlier start answers after it', async () => {
    const { client, workers } = setup();
    expect(client.featuresId).toBeUndefined();
    const first = client.start({ featuresId: 'v1-0.75', backend: 'auto', batchSize: 8 });
    const second = client.start({ featuresId: 'v1-0.75+v2-1.0', backend: 'wasm', batchSize: 8 });
    expect(client.featuresId).toBe('v1-0.75+v2-1.0');
    const [init1, init2] = workers[0].requests;
    workers[0].reply({
      type: 'ready',
      id: init1.id,
      backend: 'wasm',
      featuresId: 'v1-0.75',
      embeddingSize: 768,
      runtime: 'LiteRT WASM',
      measuring: false,
    });
    await first;
    // The earlier answer does not bring its own features back.
    expect(client.featuresId).toBe('v1-0.75+v2-1.0');
    workers[0].reply({ type: 'ready', id: init2.id, ...ready });
    await second;
    expect(client.featuresId).toBe('v1-0.75+v2-1.0');
    expect(client.backend).toBe('wasm');
  });
});
