/// <reference lib="webworker" />
/**
 * The engine's decoding thread, started by the engine worker: decodes each photo once and makes
 * the model's square and the stored copies (./decode), while the engine worker's own thread runs
 * the models on the photos before. Its messages are ./decoder's DecodeJob and DecodeAnswer.
 */
import { decodePhoto, ImageDecodeError } from './decode';
import type { DecodeAnswer, DecodeJob } from './decoder';
import { takeStageTimes } from './stages';

declare const self: DedicatedWorkerGlobalScope;

/** One photo at a time: a full-size decode of a large photo takes a lot of memory. */
let queue = Promise.resolve();

self.onmessage = ({ data }: MessageEvent<DecodeJob>) => {
  queue = queue.then(() => decode(data));
};

async function decode({ job, image, size, copies }: DecodeJob): Promise<void> {
  let answer: DecodeAnswer;
  try {
    answer = { job, ...(await decodePhoto(image, size, copies)) };
  } catch (error) {
    const { message } = error as Error;
    answer = error instanceof ImageDecodeError ? { job, undecodable: message } : { job, failed: message };
  } finally {
    // A bitmap (a webcam frame) was handed over to this thread: done with it now.
    if (image instanceof ImageBitmap) image.close();
  }
  answer.stages = takeStageTimes();
  self.postMessage(answer, 'rgba' in answer ? [answer.rgba.buffer as ArrayBuffer] : []);
}
