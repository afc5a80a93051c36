import { useMemo, useState } from 'react';
import { useProjectContext } from './project/context';
import { accuracyInWords, advice, countWord, trainedOn } from './project/derive';

const percent = (p: number | null) => (p === null ? '–' : `${Math.round(p * 100)}%`);

/** Step 2: how well the classifier is doing, in words, with what to do next. */
export function Feedback() {
  const { state, training, library } = useProjectContext();
  const [cell, setCell] = useState<{ from: number; to: number }>();
  const project = state.project;
  const head = state.head;
  // Parsed once per head, not on every render: at thousands of photos the signature is long.
  const { classIds, rows } = useMemo(() => (head ? trainedOn(head.signature) : { classIds: [], rows: [] }), [head]);
  if (!project) return null;
  const current = head !== undefined && training !== undefined && head.signature === training.signature;
  // While it relearns, the last head's own result stays on screen, greyed, rather than flickering
  // away; a new head shows none until its own has been measured.
  const evaluation = training ? head?.evaluation : undefined;
  const nameOf = new Map(project.classes.map((c) => [c.id, c.name]));
  // Only while examples are shown: it visits every photo.
  const photoName = cell && new Map(project.classes.flatMap((c) => c.photos.map((p) => [p.hash, p.name] as const)));
  const names = classIds.map((id) => nameOf.get(id) ?? 'a deleted class');
  const tips = advice(project, evaluation, classIds);
  const words = evaluation && accuracyInWords(evaluation);

  return (
    <section className="step" aria-labelledby="feedback-title" data-testid="feedback">
      <h2 id="feedback-title">2. See how well it learns</h2>
      {!training &&
        (state.progress?.reason === 'features' ? (
          <p className="hint">It learns again once the photos have been looked at with the new photo features.</p>
        ) : (
          <p className="hint">Add photos to at least two classes, and it starts learning straight away.</p>
        ))}
      {training && (
        <p className="status" role="status" data-testid="training-status">
          {state.training === 'failed' ? (
            <span className="problem">Learning failed: {state.trainingProblem}</span>
          ) : !current ? (
            'Learning from your photos…'
          ) : head.evaluation ? (
            'Up to date.'
          ) : head.evaluationProblem ? (
            <span className="problem">
              It has learnt from your photos, but how often it is right could not be checked: {head.evaluationProblem}
            </span>
          ) : (
            // The head is in use already; its own accuracy is still being measured, so none is shown.
            <span data-testid="accuracy-checking">It has learnt from your photos and can be tried. Checking how often it is right…</span>
          )}
        </p>
      )}
      {evaluation && (
        <div className={current ? undefined : 'stale'}>
          <p className="accuracy" data-testid="accuracy">
            {words ?? 'Add a second photo to each class to see how well it does.'}
          </p>
          {words && (
            <p className="hint">
              Measured on your own {countWord(evaluation.evaluated, 'photo')}: each was hidden while it learned from the others, then it
              guessed.
            </p>
          )}
          {tips.length > 0 && (
            <ul className="advice" data-testid="advice" aria-label="What would help">
              {tips.map((tip) => (
                <li key={tip}>{tip}</li>
              ))}
            </ul>
          )}
          <h3>Each class</h3>
          <ul className="per-class" data-testid="per-class">
            {evaluation.perClass.map((c, i) => (
              <li key={classIds[i]}>
                <span className="label">{names[i]}</span>
                <span className="meter" aria-hidden="true">
                  <span style={{ width: percent(c.accuracy ?? 0) }} />
                </span>
                <span className="value">{c.evaluated === 0 ? 'needs a second photo' : `${c.correct} of ${c.evaluated} right`}</span>
              </li>
            ))}
          </ul>
          <table className="confusion" data-testid="confusion">
            <caption>
              Which classes it mixes up: each row is the photos of one class, each column what it guessed. Choose a number to see those
              photos.
            </caption>
            <thead>
              <tr>
                <td />
                {names.map((name, to) => (
                  <th key={classIds[to]} scope="col">
                    guessed {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {evaluation.confusion.map((row, from) => (
                <tr key={classIds[from]}>
                  <th scope="row">photos of {names[from]}</th>
                  {row.map((count, to) => (
                    <td key={classIds[to]} className={from === to ? 'right' : count > 0 ? 'wrong' : undefined}>
                      {count > 0 ? (
                        <button
                          type="button"
                          aria-pressed={cell?.from === from && cell.to === to}
                          aria-label={`${countWord(count, 'photo')} of ${names[from]} guessed as ${names[to]}`}
                          onClick={() => setCell(cell?.from === from && cell.to === to ? undefined : { from, to })}
                        >
                          {count}
                        </button>
                      ) : (
                        '0'
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {cell && evaluation.confusionExamples[cell.from]?.[cell.to] && (
            <div className="examples" data-testid="confusion-examples">
              <h3>
                Photos of {names[cell.from]} it took for {names[cell.to]}
              </h3>
              <ul className="thumbs">
                {evaluation.confusionExamples[cell.from][cell.to].map((row) => (
                  <li key={rows[row]}>
                    <img src={library.thumbnailOf(rows[row])} alt={photoName?.get(rows[row]) ?? 'a deleted photo'} width={64} height={64} />
                  </li>
                ))}
              </ul>
            </div>
          )}
          <details className="numbers">
            <summary>The numbers</summary>
            <dl>
              <dt>Cross-validated accuracy</dt>
              <dd>
                {percent(evaluation.accuracy)} ({evaluation.correct} of {evaluation.evaluated}), 95% Wilson interval{' '}
                {percent(evaluation.interval.lower)} to {percent(evaluation.interval.upper)}
              </dd>
              <dt>Scheme</dt>
              <dd>
                {evaluation.scheme === 'leave-one-out' ? 'leave-one-out' : `stratified ${evaluation.folds}-fold`}
                {evaluation.notEvaluated.length > 0 &&
                  `; ${countWord(evaluation.notEvaluated.length, 'photo')} alone in their class not evaluated`}
              </dd>
              <dt>“Not sure” answers</dt>
              <dd>
                {evaluation.unsure.count}; accuracy when sure {percent(evaluation.unsure.accuracyWhenSure)}
              </dd>
              <dt>Expected calibration error</dt>
              <dd>
                {evaluation.calibration.expectedCalibrationError === null
                  ? '–'
                  : evaluation.calibration.expectedCalibrationError.toFixed(3)}
              </dd>
              <dt>Classifier</dt>
              <dd>
                multinomial logistic regression on L2-normalised {head!.model.dim}-number embeddings, L2 penalty λ ={' '}
                {head!.model.lambda.toExponential(1)}
              </dd>
            </dl>
          </details>
        </div>
      )}
    </section>
  );
}
