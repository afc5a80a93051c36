import { describe, expect, it } from 'vitest';
import { EngineClient, EngineCrashedError, type WorkerLike } from './client';
import type { EngineRequest, EngineResponse } from './protocol';

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
  const restarts: Error[] = [];
  const client = new EngineClient(
    () => {
      const worker = new ScriptedWorker();
      workers.push(worker);
      return worker;
    },
    (error) => restarts.push(error),
  );
  return { client, workers, restarts };
}

const config = { featuresId: 'v1-0.75+v2-1.0', backend: 'auto', batchSize: 8 } as const;
const ready = { backend: 'wasm', featuresId: 'v1-0.75+v2-1.0', embeddingSize: 2048 } as const;

describe('EngineClient', () => {
  it('resolves start with the backend the worker settled on', async () => {
    const { client, workers } = setup();
    const started = client.start(config);
    const init = workers[0].requests[0];
    expect(init).toEqual({ type: 'init', id: init.id, featuresId: 'v1-0.75+v2-1.0', backend: 'auto', batchSize: 8 });
    workers[0].reply({ type: 'ready', id: init.id, ...ready });
    await expect(started).resolves.toEqual(ready);
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
    const { client, workers, restarts } = setup();
    const started = client.start(config);
    workers[0].reply({ type: 'ready', id: workers[0].requests[0].id, ...ready });
    await started;
    const pending = client.embed([new Blob(['a'])]);
    workers[0].crash();
    await expect(pending).rejects.toBeInstanceOf(EngineCrashedError);
    expect(workers[0].terminated).toBe(true);
    expect(restarts).toHaveLength(1);
    // The replacement is started on the measured backend, not measured all over again.
    expect(workers[1].requests[0]).toMatchObject({ type: 'init', featuresId: 'v1-0.75+v2-1.0', backend: 'wasm' });
  });

  it('names the features of the latest start at once, even when an earlier start answers after it', async () => {
    const { client, workers } = setup();
    expect(client.featuresId).toBeUndefined();
    const first = client.start({ featuresId: 'v1-0.75', backend: 'auto', batchSize: 8 });
    const second = client.start({ featuresId: 'v1-0.75+v2-1.0', backend: 'wasm', batchSize: 8 });
    expect(client.featuresId).toBe('v1-0.75+v2-1.0');
    const [init1, init2] = workers[0].requests;
    workers[0].reply({ type: 'ready', id: init1.id, backend: 'wasm', featuresId: 'v1-0.75', embeddingSize: 768 });
    await first;
    // The earlier answer does not bring its own features back.
    expect(client.featuresId).toBe('v1-0.75+v2-1.0');
    workers[0].reply({ type: 'ready', id: init2.id, ...ready });
    await second;
    expect(client.featuresId).toBe('v1-0.75+v2-1.0');
    expect(client.backend).toBe('wasm');
  });
});
