import { EngineDetails } from './EngineDetails';
import { PhotoProbe } from './PhotoProbe';
import { useEngine } from './useEngine';
import { UpdateBanner } from '../offline/UpdateBanner';

export function App() {
  const { engine, status, choose } = useEngine();
  return (
    <main>
      <header>
        <h1>Handful</h1>
        <p className="tagline">Teach your computer to recognise things from a handful of photos. Everything stays on this device.</p>
      </header>
      <p className="status" role="status" data-testid="engine-status">
        {status.state === 'starting' &&
          (status.measuring ? 'Getting ready: finding the fastest way to run the model on this computer…' : 'Getting ready…')}
        {status.state === 'ready' && 'Ready.'}
        {status.state === 'failed' && <span className="problem">The model could not start. {status.message}</span>}
      </p>
      {engine && status.state === 'ready' && <PhotoProbe engine={engine} backend={status.ready.backend} />}
      <EngineDetails status={status} choose={choose} />
      <UpdateBanner />
    </main>
  );
}
