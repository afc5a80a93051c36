import { describe, expect, it } from 'vitest';
import type { DecodedPhoto } from './decode';
import { EarlyDecodes } from './earlyDecode';

/** Records what it is asked to decode; each decode answers at once. */
function recordingDecoder() {
  const asked: { image: Blob | ImageBitmap; size: number; copies: boolean }[] = [];
  const decoder = {
    decode(image: Blob | ImageBitmap, size: number, copies: boolean): Promise<DecodedPhoto> {
      asked.push({ image, size, copies });
      return Promise.resolve({ rgba: new Uint8ClampedArray(size * size * 4) });
    },
  };
  return { asked, decoder };
}

const photos = (count: number) => Array.from({ length: count }, (_, i) => new Blob([`photo ${i}`]));

describe('early decodes', () => {
  it('decodes the first photos of an embed request as it arrives, at the size of the latest start', async () => {
    const { asked, decoder } = recordingDecoder();
    const early = new EarlyDecodes(decoder);
    early.notice({ type: 'init', id: 1, featuresId: 'v1-0.75-int8+v2-1.0-int8', backend: 'wasm', batchSize: 2 });
    const images = photos(6);
    early.notice({ type: 'embed', id: 2, images, guesses: 3, copies: true });
    // Two batches ahead, as the engine decodes ahead of the models.
    expect(asked).toEqual(images.slice(0, 4).map((image) => ({ image, size: 224, copies: true })));
    const taken = early.take(2);
    expect(taken).toHaveLength(4);
    expect((await taken[0]).rgba).toHaveLength(224 * 224 * 4);
    // Handed out once: a second take (or another request) gets none.
    expect(early.take(2)).toEqual([]);
    expect(early.take(3)).toEqual([]);
  });

  it('leaves alone what it cannot decode early: an embed before any start, malformed and other messages', () => {
    const { asked, decoder } = recordingDecoder();
    const early = new EarlyDecodes(decoder);
    early.notice({ type: 'embed', id: 1, images: photos(1), guesses: 0 });
    early.notice({ type: 'init', id: 2, featuresId: 'no-such-backbone', backend: 'wasm', batchSize: 8 });
    early.notice({ type: 'embed', id: 3, images: photos(1), guesses: 0 });
    early.notice({ type: 'run', job: 1, photos: [], guesses: 0 });
    early.notice(null);
    early.notice({ type: 'stats', id: 4 });
    expect(asked).toEqual([]);
    expect(early.take(1)).toEqual([]);
  });
});
