/**
 * The engine worker's side of its decoding thread (./decodeWorker): photos are decoded there, so
 * the next photos are decoded and their copies made while this thread runs the models. Where a
 * worker cannot start workers, photos are decoded here, one after another as before.
 */
import { decodePhoto, ImageDecodeError, type DecodedPhoto } from './decode';
import { addStageTimes, type StageTimes } from './stages';

export interface DecodeJob {
  job: number;
  image: Blob | ImageBitmap;
  size: number;
  copies: boolean;
}

/** A decoded photo; or why a file is not a picture (`undecodable`), or why decoding broke (`failed`). */
export type DecodeAnswer = { job: number; stages?: StageTimes } & (DecodedPhoto | { undecodable: string } | { failed: string });

interface Waiting {
  resolve(photo: DecodedPhoto): void;
  reject(error: Error): void;
}

export class Decoder {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextJob = 0;

  /** Starts the decoding thread ahead of the first photo, where workers can start workers. */
  start(): Worker | undefined {
    if (typeof Worker !== 'undefined') this.worker ??= this.spawn();
    return this.worker;
  }

  /** Decodes `image` (see decodePhoto); rejects with ImageDecodeError for a file that is not a picture. */
  decode(image: Blob | ImageBitmap, size: number, copies: boolean): Promise<DecodedPhoto> {
    const worker = this.start();
    if (!worker) return decodePhoto(image, size, copies);
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.waiting.set(job, { resolve, reject });
      const message: DecodeJob = { job, image, size, copies };
      worker.postMessage(message, image instanceof ImageBitmap ? [image] : []);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./decodeWorker.ts', import.meta.url), { type: 'module', name: 'handful-decoder' });
    worker.onmessage = ({ data: answer }: MessageEvent<DecodeAnswer>) => {
      if (answer.stages) addStageTimes(answer.stages);
      const waiting = this.waiting.get(answer.job);
      this.waiting.delete(answer.job);
      if ('rgba' in answer) waiting?.resolve({ rgba: answer.rgba, copies: answer.copies });
      else if ('undecodable' in answer) waiting?.reject(new ImageDecodeError(answer.undecodable));
      else waiting?.reject(new Error(answer.failed));
    };
    // A decoding thread that dies fails the photos it had; the next photo starts a new one.
    worker.onerror = (event) => {
      event.preventDefault();
      this.stop(new Error(`The photo decoder stopped unexpectedly${event.message ? ` (${event.message})` : ''}.`));
    };
    return worker;
  }

  private stop(error: Error): void {
    this.worker?.terminate();
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    waiting.forEach((job) => job.reject(error));
  }
}
