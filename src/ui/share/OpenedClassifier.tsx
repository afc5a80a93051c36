import { useEffect, useRef, useState } from 'react';
import { createEngine, featuresById, type BackendChoice, type EngineClient } from '../../engine';
import { TryPanel } from '../TryPanel';
import type { EngineStatus } from '../useEngine';
import { countWord } from '../project/derive';
import type { OpenedClassifier as Opened, Share } from './useShare';
import { FilePicker } from '../FilePicker';
import { noteWorkerFault } from '../workerFaults';

/** "MobileNet V2 1.0 (more accurate)", "MobileNet V1 0.75 (fast) and MobileNet V2 1.0 (more accurate), each also on the mirrored photo". */
export function featuresInWords(featuresId: string): string {
  try {
    const config = featuresById(featuresId);
    return `${config.backbones.map((spec) => spec.title).join(' and ')}${config.flip ? ', each also on the mirrored photo' : ''}`;
  } catch {
    return featuresId;
  }
}

type Runner =
  | { state: 'waiting' }
  | { state: 'starting'; own: true }
  | { state: 'ready'; engine: EngineClient; backend: string; own: boolean }
  | { state: 'failed'; message: string };

/**
 * An engine running the feature configuration the classifier was made with: the app's own when it
 * runs that already, else one started for it (on the backend the app settled on) and stopped
 * when the classifier is closed.
 */
function useEngineFor(featuresId: string, main: EngineClient | undefined, status: EngineStatus): Runner {
  const mainReady = status.state === 'ready' ? status.ready : undefined;
  const mainFits = mainReady !== undefined && mainReady.featuresId === featuresId;
  // The app's engine failing is no reason not to try: measure afresh then.
  const backend: BackendChoice | undefined = mainReady ? mainReady.backend : status.state === 'failed' ? 'auto' : undefined;
  const needsOwn = !mainFits && backend !== undefined;
  const [own, setOwn] = useState<Runner>({ state: 'waiting' });

  useEffect(() => {
    if (!needsOwn || !backend) return;
    const client = createEngine((fault) => noteWorkerFault('model', fault));
    let live = true;
    setOwn({ state: 'starting', own: true });
    client.start({ featuresId, backend, batchSize: 1 }).then(
      (ready) => live && setOwn({ state: 'ready', engine: client, backend: ready.backend, own: true }),
      (error: unknown) => live && setOwn({ state: 'failed', message: (error as Error).message }),
    );
    return () => {
      live = false;
      client.dispose();
    };
  }, [featuresId, needsOwn, backend]);

  if (mainReady && mainFits && main) return { state: 'ready', engine: main, backend: mainReady.backend, own: false };
  return needsOwn ? own : { state: 'waiting' };
}

function accuracyLine(head: Opened['head']): string | undefined {
  const summary = head.evaluationSummary;
  if (!summary || summary.accuracy === null || summary.evaluated === 0) return undefined;
  const tenths = Math.round(summary.accuracy * 10);
  return `When it was made, it got ${summary.correct} of ${countWord(summary.evaluated, 'photo')} right (about ${tenths} out of 10), each photo hidden while it learned from the others.`;
}

/**
 * Classifying with a classifier file, apart from any project: its classes, how well it did when
 * it was made, and "Try a photo". Nothing here is stored; "Back to your projects" leaves.
 */
export function OpenedClassifierView({
  opened,
  share,
  engine,
  status,
}: {
  opened: Opened;
  share: Share;
  engine: EngineClient | undefined;
  status: EngineStatus;
}) {
  const { head, fileName } = opened;
  const runner = useEngineFor(head.backboneId, engine, status);
  const heading = useRef<HTMLHeadingElement>(null);
  const names = head.model.classes;
  const accuracy = accuracyLine(head);
  const model = featuresInWords(head.backboneId);
  const saved = new Date(head.createdAt);

  // Opening a file moves the reading position to what it opened.
  useEffect(() => heading.current?.focus(), [opened.key]);

  return (
    <section className="step opened" aria-labelledby="opened-title" data-testid="opened-classifier">
      <div className="opened-top">
        <h2 id="opened-title" ref={heading} tabIndex={-1}>
          Classifier “{head.name ?? fileName}”
        </h2>
        <div className="opened-actions">
          <FilePicker
            label="Open another classifier file"
            accept=".json,application/json"
            onFiles={([file]) => void share.openClassifier(file)}
          >
            Open another classifier…
          </FilePicker>
          <button type="button" className="primary" onClick={share.closeClassifier}>
            Back to your projects
          </button>
        </div>
      </div>
      <p className="hint">
        Opened from “{fileName}”{Number.isNaN(saved.getTime()) ? '' : `, saved on ${saved.toLocaleDateString()}`}. It was trained elsewhere:
        the photos it learned from are not in the file. Your projects are not changed, and photos tried here are not kept.
      </p>
      <h3 id="opened-classes-title">It tells apart {countWord(names.length, 'class', 'classes')}</h3>
      <ul className="opened-classes" aria-labelledby="opened-classes-title" data-testid="opened-classes">
        {names.map((name) => (
          <li key={name}>{name}</li>
        ))}
      </ul>
      {accuracy && (
        <p className="hint" data-testid="opened-accuracy">
          {accuracy}
        </p>
      )}
      <p className="status" role="status" data-testid="opened-engine">
        {runner.state === 'waiting' && 'Getting ready…'}
        {runner.state === 'starting' &&
          `This classifier was made with ${model}, so that model is being loaded for it. This takes a moment…`}
        {runner.state === 'ready' &&
          (runner.own ? `Ready: running ${model}, which this classifier was made with.` : 'Ready to try photos.')}
      </p>
      {runner.state === 'failed' && (
        <p className="problem" role="alert">
          This classifier needs {model}, which could not be started here, so it cannot be used. {runner.message}
        </p>
      )}
      <h3>Try a photo</h3>
      <TryPanel
        key={opened.key}
        engine={runner.state === 'ready' ? runner.engine : undefined}
        backend={runner.state === 'ready' ? runner.backend : undefined}
        classifier={{ model: head.model, names, keys: names }}
        withoutClassifier=""
        pasteAnywhere
      />
    </section>
  );
}
