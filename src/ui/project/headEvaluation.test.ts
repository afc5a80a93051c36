import { describe, expect, it, vi } from 'vitest';
import type { LogisticModel } from '../../head';
import type { EvaluationOutcome } from '../../trainer/client';
import { takeEvaluation } from './headEvaluation';

const model = { kind: 'logistic' } as LogisticModel;
const evaluation = { accuracy: 0.9 } as never;

describe('taking a head’s evaluation', () => {
  it('hands it to the state while the project is open, whatever the page last rendered', async () => {
    const dispatch = vi.fn();
    const outcome: EvaluationOutcome = { type: 'evaluated', evaluation, ms: 1 };
    expect(await takeEvaluation(Promise.resolve(outcome), model, () => true, dispatch)).toBe(false);
    expect(dispatch).toHaveBeenCalledWith({ type: 'evaluated', model, evaluation });
  });

  it('says why it could not be done, for that head', async () => {
    const dispatch = vi.fn();
    await takeEvaluation(Promise.resolve({ type: 'failed', message: 'no' }), model, () => true, dispatch);
    expect(dispatch).toHaveBeenCalledWith({ type: 'evaluation-failed', model, message: 'no' });
  });

  it('drops it once another project or features are open, and says when a newer request replaced it', async () => {
    const dispatch = vi.fn();
    const outcome: EvaluationOutcome = { type: 'evaluated', evaluation, ms: 1 };
    expect(await takeEvaluation(Promise.resolve(outcome), model, () => false, dispatch)).toBe(false);
    expect(await takeEvaluation(Promise.resolve({ type: 'superseded' }), model, () => true, dispatch)).toBe(true);
    expect(dispatch).not.toHaveBeenCalled();
  });
});
