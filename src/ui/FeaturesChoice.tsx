import { useId, useState } from 'react';
import { speedKey } from '../store/settings';
import { featuresName, joinFeatures, modelsChoices, splitFeatures } from './featureNames';
import { useProjectContext } from './project/context';

/**
 * How the open project's photos are turned into the numbers it learns from: a faster or a more
 * detailed look, per project (its classifier only works with the features it learned from).
 * Changing it looks at the project's photos again; going back to an earlier choice is instant.
 */
export function FeaturesChoice({ backend }: { backend: string | undefined }) {
  const { state, actions, speeds } = useProjectContext();
  const id = useId();
  /** Shown as chosen from the click on, while the kept embeddings load. */
  const [asked, setAsked] = useState<string>();
  const project = state.project;
  if (!project) return null;
  const { models, mirrored } = splitFeatures(asked ?? project.featuresId);
  const change = (featuresId: string) => {
    setAsked(featuresId);
    void actions.changeFeatures(featuresId).finally(() => setAsked(undefined));
  };
  const busy = state.progress !== undefined;
  const speedOf = (featuresId: string) => {
    const perSecond = backend ? speeds[speedKey(featuresId, backend)] : undefined;
    return perSecond === undefined
      ? undefined
      : `about ${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)} photos a second here`;
  };

  return (
    <details className="details features" data-testid="features">
      <summary>
        Photo features: <span data-testid="features-name">{featuresName(project.featuresId)}</span>
      </summary>
      <fieldset disabled={busy} aria-describedby={`${id}-about`}>
        <legend>Photo features of this project</legend>
        <p className="hint" id={`${id}-about`}>
          How the photos are looked at before it learns from them. A more detailed look usually gets more right, but adding photos takes
          longer. Changing it looks at this project’s photos again and relearns; changing back later is instant.
        </p>
        {modelsChoices.map((choice) => {
          const speed = speedOf(joinFeatures(choice.id, mirrored));
          return (
            <div className="choice" key={choice.id}>
              <label>
                <input
                  type="radio"
                  name={`${id}-models`}
                  value={choice.id}
                  checked={models === choice.id}
                  onChange={() => change(joinFeatures(choice.id, mirrored))}
                  aria-describedby={`${id}-${choice.id}`}
                />{' '}
                {choice.name} ({choice.size})
              </label>
              <span className="hint" id={`${id}-${choice.id}`}>
                {choice.explanation}
                {speed && ` Measured: ${speed}.`}
              </span>
            </div>
          );
        })}
        <div className="choice">
          <label>
            <input
              type="checkbox"
              checked={mirrored}
              onChange={(event) => change(joinFeatures(models, event.target.checked))}
              aria-describedby={`${id}-mirror`}
            />{' '}
            Also look at each photo mirrored
          </label>
          <span className="hint" id={`${id}-mirror`}>
            Can help when things face either way; adding photos takes about twice as long.
          </span>
        </div>
        {busy && <p className="hint">This can be changed once the photos have been looked at, or after pressing Stop.</p>}
      </fieldset>
    </details>
  );
}
