import { useCallback, useEffect, useRef, useState } from 'react';
import {
  createEngine,
  currentFeaturesId,
  defaultFeaturesId,
  EngineCrashedError,
  type BackendChoice,
  type BackendMeasurement,
  type EngineClient,
  type EngineMeasured,
  type EngineReady,
} from '../engine';
import { noteWorkerFault } from './workerFaults';
import { backendToRequest, loadEngineSettings, saveEngineSettings, type EngineSettingsV1 } from '../store/settings';

/**
 * `featuresId`: the feature configuration the engine was last asked to run (absent only until the
 * engine settings are read). Embeds sent from then on are computed with it, even while it starts.
 */
export type EngineStatus =
  | { state: 'idle' }
  /** `download`: the weights download's progress in bytes, while there is one (a first visit). */
  | { state: 'starting'; featuresId: string; download?: { received: number; expected: number } }
  | { state: 'ready'; featuresId: string; ready: EngineReady; settings: EngineSettingsV1 }
  | { state: 'failed'; featuresId: string; message: string };

/** Photos the engine takes at once. */
export const engineBatchSize = 8;
const batchSize = engineBatchSize;

/** `?backend=wasm` in the address forces a backend for this visit (handy for tests and comparisons). */
function backendFromAddress(): BackendChoice | undefined {
  const asked = new URLSearchParams(location.search).get('backend');
  return asked === 'auto' || asked === 'wasm' || asked === 'webgl' || asked === 'webgpu' || asked === 'cpu' ? asked : undefined;
}

/**
 * The features the engine last started with (kept in localStorage, which reads at once): started
 * when the engine may start before a project has named its own (see useEngine's `mayStart`); on
 * a first visit the default ones, which its new project gets.
 */
const lastFeaturesKey = 'handful:engine-features';

function expectedFeatures(): string {
  let remembered: string | null = null;
  try {
    remembered = localStorage.getItem(lastFeaturesKey);
  } catch {
    // Blocked storage: the default features are the likely ones anyway.
  }
  return currentFeaturesId(remembered ?? defaultFeaturesId);
}

function rememberFeatures(featuresId: string): void {
  try {
    localStorage.setItem(lastFeaturesKey, featuresId);
  } catch {
    // Not remembering them only means the next visit waits for its project before starting.
  }
}

/**
 * The engine, running the feature configuration `featuresId` (the open project's): it is
 * restarted whenever that changes, on the backend measured earlier, which is not measured again.
 * A first start ('auto') is ready as soon as the model runs on the backend most likely fastest;
 * what the background measurement then finds is remembered for the next visit. Until a project
 * names its features, the engine starts the ones it most likely will (expectedFeatures), and is
 * restarted only if the project's turn out to be others. Nothing starts before `mayStart`: the
 * start (compiling the runtime and the models) keeps both cores of a small machine busy, which
 * made the first screen of a large project wait for them.
 */
export function useEngine(
  featuresId: string | undefined,
  mayStart: boolean,
): {
  engine: EngineClient | undefined;
  status: EngineStatus;
  choose(choice: BackendChoice): void;
} {
  const [engine, setEngine] = useState<EngineClient>();
  /** Loaded once; kept up to date with what is saved. */
  const settings = useRef<EngineSettingsV1>(undefined);
  const [settingsLoaded, setSettingsLoaded] = useState(false);
  const [status, setStatus] = useState<EngineStatus>({ state: 'idle' });
  /** Counts starts, so the answer of one overtaken by a later start is not shown. */
  const attempts = useRef(0);

  const startWith = useCallback(async (client: EngineClient, known: EngineSettingsV1, featuresId: string) => {
    const attempt = ++attempts.current;
    const forced = backendFromAddress();
    const backend = forced ?? backendToRequest(known, navigator.userAgent);
    rememberFeatures(featuresId);
    // Nothing is awaited before client.start: the status names these features from the moment
    // the worker has been told, so nothing embeds with them too early.
    setStatus({ state: 'starting', featuresId });
    const remember = async (measured: EngineMeasured | EngineReady, measurements: BackendMeasurement[]) => {
      const saved: EngineSettingsV1 = {
        ...known,
        measured: { backend: measured.backend, measurements, at: new Date().toISOString(), userAgent: navigator.userAgent },
      };
      settings.current = saved;
      await saveEngineSettings(saved);
      return saved;
    };
    const start = (backend: BackendChoice) =>
      client.start(
        { featuresId, backend, batchSize },
        {
          onProgress: (received, expected) => {
            if (attempt === attempts.current) setStatus({ state: 'starting', featuresId, download: { received, expected } });
          },
          // Only a newer measurement than the one shown is taken: the engine may have switched.
          onMeasured: (measured) =>
            void remember(measured, measured.measurements).then((saved) => {
              if (attempt === attempts.current) {
                setStatus({
                  state: 'ready',
                  featuresId,
                  ready: { ...readyNow!, backend: measured.backend, runtime: measured.runtime },
                  settings: saved,
                });
              }
            }),
        },
      );
    // A crash while starting: the client starts a new worker with these settings, and the start
    // is asked again behind it; only restarts spent (EngineStoppedError) make it fail.
    const startThroughCrashes = async (backend: BackendChoice): Promise<EngineReady> => {
      for (;;) {
        try {
          return await start(backend);
        } catch (error) {
          if (!(error instanceof EngineCrashedError)) throw error;
        }
      }
    };
    let readyNow: EngineReady | undefined;
    try {
      let asked = backend;
      try {
        readyNow = await startThroughCrashes(backend);
      } catch (error) {
        // The backend measured with other features may not manage these (a bigger model, a
        // small graphics card): only then is it chosen afresh.
        if (forced || known.preference !== 'auto' || backend === 'auto' || attempt !== attempts.current) throw error;
        asked = 'auto';
        readyNow = await startThroughCrashes('auto');
      }
      // A first start with nothing else to measure remembers its backend at once.
      const saved = asked === 'auto' && !readyNow.measuring ? await remember(readyNow, []) : known;
      if (attempt === attempts.current) setStatus({ state: 'ready', featuresId, ready: readyNow, settings: saved });
    } catch (error) {
      if (attempt === attempts.current) setStatus({ state: 'failed', featuresId, message: (error as Error).message });
    }
  }, []);

  useEffect(() => {
    const client = createEngine((fault) => noteWorkerFault('model', fault));
    setEngine(client);
    void loadEngineSettings().then((loaded) => {
      settings.current = loaded;
      setSettingsLoaded(true);
    });
    return () => client.dispose();
  }, []);

  useEffect(() => {
    const wanted = featuresId ?? expectedFeatures();
    if (!mayStart || !engine || !settingsLoaded || !settings.current || engine.featuresId === wanted) return;
    void startWith(engine, settings.current, wanted);
  }, [mayStart, engine, settingsLoaded, featuresId, startWith]);

  const choose = useCallback(
    (preference: BackendChoice) => {
      const running = engine?.featuresId;
      if (!engine || !running) return;
      void loadEngineSettings().then(async (saved) => {
        // Choosing "automatic" again means: measure afresh.
        const next: EngineSettingsV1 = preference === 'auto' ? { version: 1, preference } : { ...saved, preference };
        settings.current = next;
        await saveEngineSettings(next);
        // The features are read again here: they may have changed while the settings loaded.
        await startWith(engine, next, engine.featuresId ?? running);
      });
    },
    [engine, startWith],
  );

  return { engine, status, choose };
}
