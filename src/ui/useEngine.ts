import { useCallback, useEffect, useState } from 'react';
import { createEngine, mobilenetV1, type BackendChoice, type EngineClient, type EngineReady } from '../engine';
import { backendToRequest, loadEngineSettings, saveEngineSettings, type EngineSettingsV1 } from '../store/settings';

export type EngineStatus =
  | { state: 'starting'; measuring: boolean }
  | { state: 'ready'; ready: EngineReady; settings: EngineSettingsV1 }
  | { state: 'failed'; message: string };

/** `?backend=wasm` in the address forces a backend for this visit (handy for tests and comparisons). */
function backendFromAddress(): BackendChoice | undefined {
  const asked = new URLSearchParams(location.search).get('backend');
  return asked === 'auto' || asked === 'wasm' || asked === 'webgl' || asked === 'webgpu' || asked === 'cpu' ? asked : undefined;
}

export function useEngine(): { engine: EngineClient | undefined; status: EngineStatus; choose(choice: BackendChoice): void } {
  const [engine, setEngine] = useState<EngineClient>();
  const [status, setStatus] = useState<EngineStatus>({ state: 'starting', measuring: false });

  const startWith = useCallback(async (client: EngineClient, settings: EngineSettingsV1) => {
    const backend = backendFromAddress() ?? backendToRequest(settings, navigator.userAgent);
    setStatus({ state: 'starting', measuring: backend === 'auto' });
    try {
      const ready = await client.start({ featuresId: mobilenetV1.id, backend, batchSize: 8 });
      const saved: EngineSettingsV1 = ready.measurements
        ? { ...settings, measured: { backend: ready.backend, measurements: ready.measurements, at: new Date().toISOString(), userAgent: navigator.userAgent } }
        : settings;
      if (saved !== settings) await saveEngineSettings(saved);
      setStatus({ state: 'ready', ready, settings: saved });
    } catch (error) {
      setStatus({ state: 'failed', message: (error as Error).message });
    }
  }, []);

  useEffect(() => {
    const client = createEngine();
    setEngine(client);
    void loadEngineSettings().then((settings) => startWith(client, settings));
    return () => client.dispose();
  }, [startWith]);

  const choose = useCallback(
    (preference: BackendChoice) => {
      if (!engine) return;
      void loadEngineSettings().then(async (settings) => {
        // Choosing "automatic" again means: measure afresh.
        const next: EngineSettingsV1 = preference === 'auto' ? { version: 1, preference } : { ...settings, preference };
        await saveEngineSettings(next);
        await startWith(engine, next);
      });
    },
    [engine, startWith],
  );

  return { engine, status, choose };
}
