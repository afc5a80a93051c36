/**
 * The classifier follows the open project: retrained in its worker a moment after the training
 * set changes, shown at once, its evaluation taken when it comes, and both saved with the project.
 */
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { LogisticModel } from '../../head';
import { saveHead } from '../../store/heads';
import { createTrainer, type EvaluationOutcome, type TrainerClient } from '../../trainer/client';
import { noteWorkerFault } from '../workerFaults';
import type { ProjectCore } from './core';
import { trainingSet } from './derive';
import { takeEvaluation } from './headEvaluation';
import type { TrainedHead, TrainerState } from './state';
import type { TabRole } from './useTabLock';

const trainDelayMs = 300;

/** `announceSaved` tells tabs following this one that the stored head changed. Returns the training set. */
export function useTraining(
  { dispatch, latest, library, failures }: ProjectCore,
  state: TrainerState,
  role: TabRole,
  announceSaved: RefObject<() => void>,
) {
  const [trainer, setTrainer] = useState<TrainerClient>();
  const keepHead = (projectId: string, featuresId: string, head: TrainedHead) => {
    const save = () => saveHead({ version: 2, projectId, featuresId, ...head }).then(() => announceSaved.current());
    save().catch((error: unknown) => failures.failed(error, 'The trained classifier could not be saved on this device.', save));
  };
  /** The head whose evaluation is asked of the trainer and not yet replaced, so it is asked only once. */
  const evaluationAsked = useRef<LogisticModel>(undefined);
  /** The training set now, for a head that comes back after the photos changed. */
  const latestTraining = useRef<typeof training>(undefined);
  /** Heads whose evaluation this tab asked for, to be saved once the state has taken it. */
  const evaluationsToSave = useRef(new WeakSet<LogisticModel>());

  const training = useMemo(
    () => (state.project ? trainingSet(state.project, library.embeddingOf) : undefined),
    // The library only changes along with the revision: a photo's embedding is in it before the state names it.
    [state.revision, library],
  );

  useEffect(() => {
    const client = createTrainer((fault) => noteWorkerFault('learning', fault));
    setTrainer(client);
    return () => client.dispose();
  }, []);

  useEffect(() => {
    latestTraining.current = training;
    // A tab following another one's edits gets its classifier from there.
    if (!trainer || !training || role !== 'editing') return;
    const { id: projectId, featuresId } = latest.current.project!;
    // A head for other features than the project's now would take the wrong embeddings.
    const sameProject = () => latest.current.project?.id === projectId && latest.current.project.featuresId === featuresId;
    const evaluating = (head: TrainedHead, outcome: Promise<EvaluationOutcome>) => {
      evaluationAsked.current = head.model;
      evaluationsToSave.current.add(head.model);
      void takeEvaluation(outcome, head.model, sameProject, dispatch).then((superseded) => {
        // A newer request replaced it: should the photos come back to this head's before another
        // head arrives (a photo added, then taken out), its evaluation is asked again below.
        if (superseded && evaluationAsked.current === head.model) evaluationAsked.current = undefined;
      });
    };
    const current = latest.current.head;
    if (current?.signature === training.signature) {
      // Saved before its evaluation was done (the page closed meanwhile, or a restored backup's): evaluated now.
      if (!current.evaluation && !current.evaluationProblem && evaluationAsked.current !== current.model)
        evaluating(current, trainer.evaluate(training.data, current.model));
      return;
    }
    const timer = setTimeout(async () => {
      dispatch({ type: 'training' });
      const outcome = await trainer.train(training.data, latest.current.head?.model);
      if (outcome.type === 'superseded' || !sameProject()) return;
      // While it trained the photos came back to those the shown head learnt from: that head stays.
      const shown = latest.current.head;
      if (shown && shown.signature !== training.signature && shown.signature === latestTraining.current?.signature)
        return dispatch({ type: 'head-kept' });
      if (outcome.type === 'failed') return dispatch({ type: 'training-failed', message: outcome.message });
      // Usable at once (predictions, Try it, the pile's suggestions); its accuracy is being checked.
      const head = { signature: training.signature, model: outcome.model };
      dispatch({ type: 'trained', head });
      keepHead(projectId, featuresId, head);
      evaluating(head, outcome.evaluation);
    }, trainDelayMs);
    return () => clearTimeout(timer);
    // dispatch, latest and announceSaved never change.
  }, [training, trainer, failures, role]);

  // An evaluation is saved once the state holds it, which it does only for the head in use.
  useEffect(() => {
    const { project, head } = state;
    if (!project || !head?.evaluation || !evaluationsToSave.current.has(head.model)) return;
    evaluationsToSave.current.delete(head.model);
    keepHead(project.id, project.featuresId, head);
  }, [state.head]);

  return training;
}
