/**
 * Photos start decoding the moment a request to embed them reaches the engine worker, not when
 * the request's turn comes: requests run one at a time, so a photo dropped while the runtime and
 * the models load (the first seconds of every visit) would otherwise be decoded only once the
 * start is done. Its decode runs meanwhile on the decoding thread. Only the first photos of each
 * request, as many as the engine decodes ahead of the models anyway.
 */
import { featuresById } from './backbones';
import type { DecodedPhoto } from './decode';
import type { Decoder } from './decoder';
import { decodeRequest } from './protocol';

export class EarlyDecodes {
  private readonly byRequest = new Map<number, Promise<DecodedPhoto>[]>();
  /** From the latest start the worker was sent: the size photos are decoded to, and how many ahead. */
  private latestStart?: { inputSize: number; ahead: number };

  constructor(private readonly decoder: Pick<Decoder, 'decode'>) {}

  /** Sees every message the worker receives, as it arrives; anything but a start or an embed request is left alone. */
  notice(data: unknown): void {
    let request;
    try {
      request = decodeRequest(data);
      if (request.type === 'init')
        this.latestStart = { inputSize: featuresById(request.featuresId).inputSize, ahead: 2 * request.batchSize };
    } catch {
      // Refused or failed where the request is handled, which says why.
      return;
    }
    if (request.type !== 'embed' || !this.latestStart) return;
    const { inputSize, ahead } = this.latestStart;
    const copies = !!request.copies;
    const decodes = request.images.slice(0, ahead).map((image) => {
      const decode = this.decoder.decode(image, inputSize, copies);
      // Its failure belongs to whoever takes it; one never taken (a cancelled request) is nobody's.
      decode.catch(() => {});
      return decode;
    });
    this.byRequest.set(request.id, decodes);
  }

  /** The decodes started for embed request `id`, photo by photo from the first; handed out once. */
  take(id: number): Promise<DecodedPhoto>[] {
    const decodes = this.byRequest.get(id) ?? [];
    this.byRequest.delete(id);
    return decodes;
  }
}
