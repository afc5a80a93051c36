/// <reference lib="webworker" />
/**
 * The pile worker (see ./pileProtocol): keeps the embeddings of the open project's photos and
 * recomputes only what changed. It runs beside the training worker, so sketching a large pile never
 * delays the next fit while someone answers the review queue, and the page does no pass over the
 * pile when a photo is answered.
 */
import { predictBatch } from '../head';
import { acceptBar, photoMap, pileSketch, pileWeights, reviewOrder, type PileSketch } from '../pile';
import type { PileRequest, PileResponse } from './pileProtocol';

declare const self: DedicatedWorkerGlobalScope;

const embeddings = new Map<string, Float32Array>();
/** The suggestions of the last head for the pile as it was then (`key`: the head's signature and the pile). */
let suggested: { key: string; signature: string; classIds: string[]; byHash: Map<string, Float32Array> } | undefined;
let sketched: { hashes: string[]; members: Set<string>; sketch: PileSketch } | undefined;
/** What was last sent, so an unchanged answer is not sent again. */
let sentQueue: string | undefined;
let sentAcceptance: string | undefined;
let mappedFor = '';

self.onmessage = (event: MessageEvent<PileRequest>) => {
  const request = event.data;
  const response: PileResponse = { id: request.id };
  const transfer: Transferable[] = [];
  try {
    if (request.fresh) {
      embeddings.clear();
      suggested = undefined;
      sketched = undefined;
      sentQueue = undefined;
      sentAcceptance = undefined;
      mappedFor = '';
    }
    for (const [hash, embedding] of request.embeddings) embeddings.set(hash, embedding);
    const wanted = new Set([...request.pile, ...request.classes.flatMap((c) => c.photos)]);
    for (const hash of embeddings.keys()) if (!wanted.has(hash)) embeddings.delete(hash);
    const pile = request.pile.filter((hash) => embeddings.has(hash));
    const vectors = (hashes: string[]) => hashes.map((hash) => embeddings.get(hash)!);

    const head = request.head;
    if (head && `${head.signature}|${pile.join()}` !== suggested?.key) {
      const classCount = head.model.classes.length;
      const flat = new Float32Array(pile.length * classCount);
      predictBatch(head.model, vectors(pile)).forEach((probabilities, i) => flat.set(probabilities, i * classCount));
      const byHash = new Map(pile.map((hash, i) => [hash, flat.subarray(i * classCount, (i + 1) * classCount)]));
      suggested = { key: `${head.signature}|${pile.join()}`, signature: head.signature, classIds: head.model.classes, byHash };
      const sent = flat.slice();
      transfer.push(sent.buffer);
      response.suggestions = { signature: head.signature, hashes: pile, classCount, probabilities: sent };
    }
    // Photos leaving the pile need no new sketch (the queue skips them); photos joining it do.
    if (request.sketch && pile.some((hash) => !sketched?.members.has(hash)))
      sketched = { hashes: pile, members: new Set(pile), sketch: pileSketch(vectors(pile)) };

    const accepted = new Set(request.accepted);
    const skipped = new Set(request.skipped);
    const classIds = suggested?.classIds ?? request.classes.map((c) => c.id);
    const classIndex = new Map(classIds.map((id, i) => [id, i]));
    const queue = reviewOrder({
      open: pile.filter((hash) => !accepted.has(hash) && !skipped.has(hash)),
      sketched,
      labelled: request.classes.flatMap((c) => {
        const index = classIndex.get(c.id);
        if (index === undefined) return [];
        return c.photos.flatMap((hash) => (embeddings.has(hash) ? [{ embedding: embeddings.get(hash)!, classIndex: index }] : []));
      }),
      probabilitiesOf: (hash) => suggested?.byHash.get(hash),
      classCount: classIndex.size,
      count: request.queueLength,
    });
    if (queue.join() !== sentQueue) {
      sentQueue = queue.join();
      response.queue = queue;
    }

    if (head?.heldOut && suggested?.signature === head.signature) {
      const acceptance = acceptanceOf(head.signature, head.model.classes, head.heldOut, pile, accepted);
      const text = JSON.stringify(acceptance);
      if (text !== sentAcceptance) {
        sentAcceptance = text;
        response.acceptance = acceptance;
      }
    }

    if (request.map) {
      const hashes = [...request.classes.flatMap((c) => c.photos).filter((hash) => embeddings.has(hash)), ...pile];
      const key = [...hashes].sort().join();
      if (key !== mappedFor) {
        mappedFor = key;
        response.map = { hashes, positions: photoMap(vectors(hashes)) };
      }
    }
  } catch (error) {
    response.problem = (error as Error).message;
  }
  self.postMessage(response, transfer);
};

/** "Accept the sure ones" (src/pile/acceptBar.ts) over the pile photos not accepted yet. */
function acceptanceOf(
  signature: string,
  classIds: string[],
  { rows, labels, probabilities }: NonNullable<NonNullable<PileRequest['head']>['heldOut']>,
  pile: string[],
  accepted: ReadonlySet<string>,
) {
  const plan = acceptBar(
    { probabilities, labels, weights: heldOutWeights(rows, pile) },
    pile.map((hash) => (accepted.has(hash) ? undefined : suggested!.byHash.get(hash))),
  );
  return {
    signature,
    heldOutCount: plan.heldOutCount,
    targetPrecision: plan.targetPrecision,
    offers: plan.perClass.map(({ photos, ...offer }) => ({
      ...offer,
      classId: classIds[offer.classIndex],
      photos: photos.map((i) => ({ hash: pile[i], confidence: suggested!.byHash.get(pile[i])![offer.classIndex] })),
    })),
  };
}

/**
 * How many pile photos each held-out photo stands for (src/pile's pileWeights), as the evaluation
 * harness weighs them: the queue sends the person to doubtful photos, which alone would make the
 * pile look harder than it is. Unweighted until the pile has been sketched.
 */
function heldOutWeights(rows: readonly string[], pile: string[]): number[] | undefined {
  if (!sketched || rows.some((hash) => !embeddings.has(hash))) return undefined;
  // Photos labelled out of the pile (or deleted) since the sketch no longer stand for anything.
  const inPile = new Set(pile);
  const gone = new Set<number>();
  sketched.hashes.forEach((hash, i) => inPile.has(hash) || gone.add(i));
  return pileWeights(
    sketched.sketch,
    rows.map((hash) => embeddings.get(hash)!),
    gone,
  );
}
