import type { EngineClient } from '../engine';
import { useProjectContext } from './project/context';
import { TryPanel, type TrialClassifier } from './TryPanel';

/**
 * Step 3: a new photo in, the classifier's answer out. Tried photos are never added to training
 * by themselves; one click adds one to a class.
 */
export function TryIt({ engine, backend }: { engine: EngineClient | undefined; backend: string | undefined }) {
  const { state, actions, training } = useProjectContext();
  const project = state.project;
  const head = state.head;
  const nameOf = new Map(project?.classes.map((c) => [c.id, c.name]));
  const classifier: TrialClassifier | undefined =
    head && training && project
      ? { model: head.model, names: head.model.classes.map((id) => nameOf.get(id) ?? 'a deleted class'), keys: head.model.classes }
      : undefined;

  return (
    <section className="step" aria-labelledby="try-title">
      <h2 id="try-title">3. Try it</h2>
      <TryPanel
        engine={engine}
        backend={backend}
        classifier={classifier}
        withoutClassifier="Add photos to at least two classes to see what your classifier thinks."
        addTo={project && { classes: project.classes, add: (classId, file, embedding) => void actions.addTested(classId, file, embedding) }}
      />
    </section>
  );
}
