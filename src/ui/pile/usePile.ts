/**
 * Sorting the unsorted pile around the project's state: asks the pile worker, after every change,
 * for the classifier's suggestions, the review queue, what "Accept the sure ones" would take and
 * the photo map, and derives the maybe-mislabelled class photos. Every pass over the pile runs in
 * the worker, so an answer costs the page no more than showing the next photo. The state itself
 * (the pile, answers, suggestions) lives in the reducer.
 */
import { startTransition, useEffect, useMemo, useRef, useState } from 'react';
import type { Evaluation } from '../../head';
import { topClass } from '../../head';
import { maybeMislabelled, type HeldOut } from '../../pile';
import { createPileClient, type PileClient } from '../../trainer/pileClient';
import type { ClassOffer, PileResponse } from '../../trainer/pileProtocol';
import type { ProjectController } from '../project/useProject';
import type { PileSuggestions } from '../project/state';
import { trainedOn } from '../project/derive';

/** Pile photos the review queue looks ahead. */
const queueLength = 10;
/** Requests to the pile worker wait for this much quiet, so a burst of answers or arrivals is one request. */
const askDelayMs = 150;

export interface Suggestion {
  classId: string;
  confidence: number;
}

export interface Acceptance {
  heldOutCount: number;
  targetPrecision: number;
  /** By class id: the pile photos that clear its bar, and how many of them are expected to be wrong. */
  offers: Map<string, ClassOffer>;
}

export interface FlaggedPhoto {
  hash: string;
  name: string;
  givenClassId: string;
  suggestedClassId: string;
  confidence: number;
}

/** Held-out predictions of the head's training photos, with their classes as the head numbers them. */
export function heldOutOf(signature: string, evaluation: Evaluation): HeldOut & { rows: string[]; classIds: string[] } {
  const { classIds, rows } = trainedOn(signature);
  const [, classes] = JSON.parse(signature) as [string, [string, string[]][]];
  const labels = classes.flatMap(([, hashes], label) => hashes.map(() => label));
  return { probabilities: evaluation.predictions, labels, rows, classIds };
}

/** The suggestion for each pile photo the current suggestions cover. */
export function suggestionsByHash(suggestions: PileSuggestions | undefined): Map<string, Suggestion> {
  const byHash = new Map<string, Suggestion>();
  if (!suggestions) return byHash;
  for (const [hash, probabilities] of suggestions.byHash) {
    const best = topClass(probabilities);
    byHash.set(hash, { classId: suggestions.classIds[best], confidence: probabilities[best] });
  }
  return byHash;
}

export function usePile(controller: ProjectController, mapWanted: boolean) {
  const { state, dispatch, library } = controller;
  const project = state.project;
  const [client, setClient] = useState<PileClient>();
  /** What the worker last said, for the project and features in `key`. */
  const [sorted, setSorted] = useState<{
    key: string;
    queue?: string[];
    acceptance?: NonNullable<PileResponse['acceptance']>;
    map?: NonNullable<PileResponse['map']>;
  }>();
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    const created = createPileClient();
    setClient(created);
    return () => created.dispose();
  }, []);

  /** Another project or other features: nothing the worker said before applies. */
  const key = project ? `${project.id}|${project.featuresId}` : '';
  const askedFor = useRef('');
  const head = state.head;
  const importing = state.progress !== undefined;
  // The held-out predictions come with the head's evaluation: until then nothing is offered to accept.
  const heldOut = useMemo(() => (head?.evaluation ? heldOutOf(head.signature, head.evaluation) : undefined), [head]);
  const skipped = state.review.skipped;

  useEffect(() => {
    const current = project;
    if (!client || !current || current.pile.length === 0) return;
    const timer = setTimeout(() => {
      // Also when the page lost what the worker said (the project was opened again).
      const fresh = askedFor.current !== key || (head !== undefined && state.suggestions === undefined);
      askedFor.current = key;
      const model = head?.model.kind === 'logistic' ? head.model : undefined;
      void client
        .ask(
          {
            pile: current.pile.map((p) => p.hash),
            accepted: current.pile.filter((p) => p.accepted).map((p) => p.hash),
            skipped,
            classes: current.classes.map((c) => ({ id: c.id, photos: c.photos.map((p) => p.hash) })),
            head: head && model && { signature: head.signature, model, heldOut },
            // Sketching waits for the photos to be in: a pile growing by the second would be sketched again and again.
            sketch: !importing,
            map: mapWanted && !importing,
            queueLength,
            fresh,
          },
          library.embeddingOf,
        )
        .then((answer) => {
          if ('superseded' in answer) return;
          // What the worker says re-renders the page; that must never hold up a key press in the review.
          startTransition(() => {
            // A later answer without a problem clears the message.
            setProblem(answer.problem);
            if (answer.suggestions && head && model) {
              const { signature, hashes, classCount, probabilities } = answer.suggestions;
              const byHash = new Map(hashes.map((hash, i) => [hash, probabilities.subarray(i * classCount, (i + 1) * classCount)]));
              dispatch({ type: 'suggested', suggestions: { signature, classIds: model.classes, byHash } });
            }
            const { queue, acceptance, map } = answer;
            if (queue || acceptance || map)
              setSorted((before) => {
                const kept = before?.key === key ? before : { key };
                return { ...kept, ...(queue && { queue }), ...(acceptance && { acceptance }), ...(map && { map }) };
              });
          });
        });
    }, askDelayMs);
    return () => clearTimeout(timer);
    // The revision covers the pile, the classes and embeddings arriving.
  }, [client, key, state.revision, head, heldOut, skipped, importing, mapWanted]);

  const suggestionOf = useMemo(() => suggestionsByHash(state.suggestions), [state.suggestions]);
  const worker = sorted?.key === key ? sorted : undefined;

  /**
   * What "Accept the sure ones" would take, per class id; only from suggestions of the current head.
   * A class whose offer holds a photo accepted or gone since is left out until the worker has
   * counted again: its expected number of wrong ones would no longer be true.
   */
  const acceptance = useMemo((): Acceptance | undefined => {
    const plan = worker?.acceptance;
    if (!project || !plan || plan.signature !== head?.signature || state.suggestions?.signature !== head.signature) return undefined;
    const open = new Set(project.pile.filter((item) => !item.accepted).map((item) => item.hash));
    const offers = plan.offers.filter((offer) => offer.photos.every((photo) => open.has(photo.hash)));
    return { heldOutCount: plan.heldOutCount, targetPrecision: plan.targetPrecision, offers: new Map(offers.map((o) => [o.classId, o])) };
  }, [project, worker?.acceptance, head, state.suggestions]);

  const mislabelled = useMemo((): FlaggedPhoto[] => {
    if (!project || !heldOut) return [];
    const nameOf = new Map(project.classes.flatMap((c) => c.photos.map((p) => [p.hash, { name: p.name, classId: c.id }] as const)));
    return maybeMislabelled(heldOut).flatMap((flag) => {
      const hash = heldOut.rows[flag.index];
      const photo = nameOf.get(hash);
      // Only while the photo is still in the class it was trained as.
      if (!photo || photo.classId !== heldOut.classIds[flag.givenClass]) return [];
      return [
        {
          hash,
          name: photo.name,
          givenClassId: photo.classId,
          suggestedClassId: heldOut.classIds[flag.suggestedClass],
          confidence: flag.confidence,
        },
      ];
    });
  }, [project, heldOut]);

  return {
    suggestionOf,
    acceptance,
    mislabelled,
    /**
     * Pile photos to ask about next, best first, as the worker last ordered them: photos answered
     * since may still be in it (the page leaves them out), and it is empty until the worker answers.
     */
    queue: worker?.queue ?? noQueue,
    map: worker?.map,
    problem,
  };
}

const noQueue: string[] = [];
