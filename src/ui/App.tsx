import { Classes } from './Classes';
import { EngineDetails } from './EngineDetails';
import { Feedback } from './Feedback';
import { Notices } from './Notices';
import { ProjectBar } from './ProjectBar';
import { TryIt } from './TryIt';
import { ProjectContext } from './project/context';
import { useProject } from './project/useProject';
import { useEngine } from './useEngine';
import { UpdateBanner } from '../offline/UpdateBanner';

export function App() {
  const { engine, status, choose } = useEngine();
  const controller = useProject(engine);
  return (
    <ProjectContext.Provider value={controller}>
      <header className="top">
        <div>
          <h1>Handful</h1>
          <p className="tagline">Teach your computer to recognise things from a handful of photos. Everything stays on this device.</p>
        </div>
        <ProjectBar />
      </header>
      <main>
        <p className="status" role="status" data-testid="engine-status">
          {status.state === 'starting' &&
            (status.measuring ? 'Getting ready: finding the fastest way to run the model on this computer…' : 'Getting ready…')}
          {status.state === 'ready' && 'Ready.'}
          {status.state === 'failed' && <span className="problem">The model could not start. {status.message}</span>}
        </p>
        <Notices />
        {controller.state.project ? (
          <>
            <Classes />
            <div className="results">
              <Feedback />
              <TryIt engine={engine} backend={status.state === 'ready' ? status.ready.backend : undefined} />
            </div>
          </>
        ) : (
          <p className="status">Opening your project…</p>
        )}
        <EngineDetails status={status} choose={choose} />
        <UpdateBanner />
      </main>
    </ProjectContext.Provider>
  );
}
