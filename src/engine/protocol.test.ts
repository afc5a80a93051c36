import { describe, expect, it } from 'vitest';
import { decodeRequest, transferablesOf } from './protocol';

// Node has Blob but not ImageBitmap; the protocol only checks `instanceof`, so a stand-in class works.
globalThis.ImageBitmap ??= class {} as unknown as typeof ImageBitmap;

describe('engine protocol', () => {
  it('accepts each well-formed request unchanged', () => {
    const blob = new Blob(['x']);
    const requests = [
      { type: 'init', id: 1, featuresId: 'v1-0.75', backend: 'auto', batchSize: 8 },
      { type: 'init', id: 5, featuresId: 'v1-0.75+v2-1.0+flip', backend: 'wasm', batchSize: 1 },
      { type: 'init', id: 7, featuresId: 'v1-0.75-int8', backend: 'wasm', batchSize: 8, threads: 2 },
      { type: 'embed', id: 2, images: [blob], guesses: 3 },
      { type: 'embed', id: 6, images: [blob], guesses: 0, copies: true },
      { type: 'cancel', id: 3, target: 2 },
      { type: 'stats', id: 4 },
    ];
    for (const request of requests) expect(decodeRequest(request)).toEqual(request);
  });

  it('refuses malformed requests with a message', () => {
    const bad: unknown[] = [
      null,
      'init',
      { type: 'init', featuresId: 'v1-0.75', backend: 'auto' },
      { type: 'init', id: 1, featuresId: 'v1-0.75', backend: 'quantum', batchSize: 8 },
      { type: 'init', id: 1, featuresId: 'v1-0.75', backend: 'wasm', batchSize: 0 },
      { type: 'init', id: 1, featuresId: '', backend: 'wasm', batchSize: 8 },
      { type: 'init', id: 1, backboneId: 'v1-0.75', backend: 'wasm', batchSize: 8 },
      { type: 'init', id: 1, featuresId: 'v1-0.75', backend: 'wasm', batchSize: 8, threads: 0 },
      { type: 'init', id: 1, featuresId: 'v1-0.75', backend: 'wasm', batchSize: 8, threads: '2' },
      { type: 'embed', id: 1, images: ['not a blob'], guesses: 3 },
      { type: 'embed', id: 1, images: [], guesses: -1 },
      { type: 'embed', id: 1, images: [], guesses: 0, copies: 'yes' },
      { type: 'cancel', id: 1 },
      { type: 'explode', id: 1 },
    ];
    for (const message of bad) expect(() => decodeRequest(message)).toThrow(/engine/);
  });

  it('transfers embedding buffers instead of copying them', () => {
    const embedding = new Float32Array([0.5, 0.25]);
    const message = { type: 'embedded' as const, id: 1, index: 0, embedding, guesses: [], ms: 3 };
    expect(transferablesOf(message)).toEqual([embedding.buffer]);
    expect(transferablesOf({ type: 'done', id: 1, cancelled: false })).toEqual([]);
    expect(transferablesOf({ type: 'embed', id: 1, images: [new Blob(['x'])], guesses: 0 })).toEqual([]);
  });

  it('survives structured cloning, the way postMessage delivers it', () => {
    const message = {
      type: 'embedded',
      id: 7,
      index: 2,
      embedding: new Float32Array([1, 2, 3]),
      guesses: [{ label: 'hotdog', probability: 0.9 }],
      ms: 12,
    };
    const copy = structuredClone(message, { transfer: transferablesOf(message as never) });
    expect(copy.embedding).toEqual(new Float32Array([1, 2, 3]));
    expect(message.embedding.byteLength).toBe(0);
  });
});
