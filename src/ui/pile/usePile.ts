/**
 * Sorting the unsorted pile around the project's state: asks the pile worker for the classifier's
 * suggestions (after each fit), the pile's sketch and the photo map, and derives from them what the
 * page shows: the review queue, what "Accept the sure ones" would take, and the maybe-mislabelled
 * class photos. The state itself (the pile, answers, suggestions) lives in the reducer.
 */
import { startTransition, useEffect, useMemo, useRef, useState } from 'react';
import type { Evaluation } from '../../head';
import { topClass } from '../../head';
import { acceptBar, maybeMislabelled, pileWeights, reviewQueue, type ClassAcceptance, type HeldOut, type PileSketch } from '../../pile';
import { createPileClient, type PileClient } from '../../trainer/pileClient';
import type { ProjectRecord } from '../../store/projects';
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
  offers: Map<string, Omit<ClassAcceptance, 'photos'> & { photos: { hash: string; confidence: number }[] }>;
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
  const [sketch, setSketch] = useState<{ key: string; hashes: string[]; sketch: PileSketch }>();
  const [map, setMap] = useState<{ key: string; hashes: string[]; positions: Float32Array }>();
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
            classPhotos: current.classes.flatMap((c) => c.photos.map((p) => p.hash)),
            head: head && model && { signature: head.signature, model },
            // Sketching waits for the photos to be in: a pile growing by the second would be sketched again and again.
            sketch: !importing,
            map: mapWanted && !importing,
            fresh,
          },
          library.embeddingOf,
        )
        .then((answer) => {
          if ('superseded' in answer) return;
          // A later answer without a problem clears the message.
          setProblem(answer.problem);
          if (answer.suggestions && head && model) {
            const { signature, hashes, probabilities } = answer.suggestions;
            const byHash = new Map(hashes.map((hash, i) => [hash, probabilities[i]]));
            // Re-rendering the pile's suggestions must never hold up a key press in the review.
            startTransition(() => dispatch({ type: 'suggested', suggestions: { signature, classIds: model.classes, byHash } }));
          }
          if (answer.sketch) setSketch({ key, ...answer.sketch });
          if (answer.map) setMap({ key, ...answer.map });
        });
    }, askDelayMs);
    return () => clearTimeout(timer);
    // The revision covers the pile, the classes and embeddings arriving.
  }, [client, key, state.revision, head, importing, mapWanted]);

  const suggestionOf = useMemo(() => suggestionsByHash(state.suggestions), [state.suggestions]);

  const currentSketch = sketch?.key === key ? sketch : undefined;
  // The held-out predictions come with the head's evaluation: until then nothing is offered to accept.
  const heldOut = useMemo(() => (head?.evaluation ? heldOutOf(head.signature, head.evaluation) : undefined), [head]);

  /** What "Accept the sure ones" would take, per class id; only from suggestions of the current head. */
  const acceptance = useMemo((): Acceptance | undefined => {
    if (!project || !heldOut || !state.suggestions || state.suggestions.signature !== head?.signature) return undefined;
    const { byHash, classIds } = state.suggestions;
    const probabilities = project.pile.map((item) => (item.accepted ? undefined : byHash.get(item.hash)));
    const plan = acceptBar(
      { ...heldOut, weights: heldOutWeights(heldOut.rows, currentSketch, project, library.embeddingOf) },
      probabilities,
    );
    const offers = new Map(
      plan.perClass.map((offer) => [
        classIds[offer.classIndex],
        {
          ...offer,
          photos: offer.photos.map((i) => ({ hash: project.pile[i].hash, confidence: probabilities[i]![offer.classIndex] })),
        },
      ]),
    );
    return { heldOutCount: plan.heldOutCount, targetPrecision: plan.targetPrecision, offers };
  }, [project, heldOut, state.suggestions, head, currentSketch, library]);

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

  const queue = useMemo(
    () => reviewOrder(project, currentSketch, state.suggestions, state.review.skipped, library.embeddingOf),
    [project, currentSketch, state.suggestions, state.review.skipped, library],
  );

  return {
    suggestionOf,
    acceptance,
    mislabelled,
    /** Pile photos to ask about next, best first. */
    queue,
    map: map?.key === key ? map : undefined,
    problem,
  };
}

/**
 * How many pile photos each held-out photo stands for (src/pile's pileWeights), as the evaluation
 * harness weighs them: the queue sends the person to doubtful photos, which alone would make the
 * pile look harder than it is. Unweighted until the pile has been sketched.
 */
function heldOutWeights(
  rows: string[],
  sketch: { hashes: string[]; sketch: PileSketch } | undefined,
  project: ProjectRecord,
  embeddingOf: (hash: string) => Float32Array | undefined,
): number[] | undefined {
  if (!sketch) return undefined;
  const embeddings = rows.map(embeddingOf);
  if (embeddings.some((embedding) => embedding === undefined)) return undefined;
  // Photos labelled out of the pile (or deleted) since the sketch no longer stand for anything.
  const inPile = new Set(project.pile.map((item) => item.hash));
  const gone = new Set<number>();
  sketch.hashes.forEach((hash, i) => inPile.has(hash) || gone.add(i));
  return pileWeights(sketch.sketch, embeddings as Float32Array[], gone);
}

/**
 * The review queue over the pile as last sketched: photos that left the pile since, were accepted
 * or skipped are left out. Before the first sketch (a pile still arriving) it is the pile's order.
 */
function reviewOrder(
  project: ProjectRecord | undefined,
  sketch: { hashes: string[]; sketch: PileSketch } | undefined,
  suggestions: PileSuggestions | undefined,
  skipped: string[],
  embeddingOf: (hash: string) => Float32Array | undefined,
): string[] {
  if (!project) return [];
  const open = new Set(project.pile.filter((item) => !item.accepted).map((item) => item.hash));
  for (const hash of skipped) open.delete(hash);
  if (!sketch) return [...open].slice(0, queueLength);
  const exclude = new Set<number>();
  sketch.hashes.forEach((hash, i) => open.has(hash) || exclude.add(i));
  const classIndex = new Map((suggestions?.classIds ?? project.classes.map((c) => c.id)).map((id, i) => [id, i]));
  const labelled = project.classes.flatMap((c) =>
    c.photos.flatMap((photo) => {
      const embedding = embeddingOf(photo.hash);
      const index = classIndex.get(c.id);
      return embedding && index !== undefined ? [{ embedding, classIndex: index }] : [];
    }),
  );
  const order = reviewQueue({
    pile: sketch.hashes.map((hash) => embeddingOf(hash) ?? new Float32Array(0)),
    labelled,
    probabilities: suggestions ? sketch.hashes.map((hash) => suggestions.byHash.get(hash)) : undefined,
    exclude,
    count: queueLength,
    sketch: sketch.sketch,
    classCount: classIndex.size,
  }).map((i) => sketch.hashes[i]);
  // Photos that joined the pile after the sketch come last, until the next one.
  const sketched = new Set(sketch.hashes);
  const newer = [...open].filter((hash) => !sketched.has(hash));
  return [...order, ...newer].slice(0, queueLength);
}
