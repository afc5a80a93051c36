import { backendsFor, type BackendChoice } from '../engine';
import type { EngineStatus } from './useEngine';

const names: Record<BackendChoice, string> = {
  auto: 'Automatic (fastest measured)',
  webgpu: 'WebGPU (graphics card, newest)',
  webgl: 'WebGL (graphics card)',
  wasm: 'WebAssembly (processor)',
  cpu: 'Plain JavaScript (slowest)',
};

/** The "details" fold: how the model runs here, and a way to override the measured choice. */
export function EngineDetails({ status, choose }: { status: EngineStatus; choose(choice: BackendChoice): void }) {
  if (status.state !== 'ready') return null;
  const { ready, settings } = status;
  return (
    <details className="details">
      <summary>Details</summary>
      <p>
        Model: {ready.featuresId}, {ready.embeddingSize}-number embedding. Running on <strong data-testid="backend">{ready.backend}</strong>{' '}
        ({ready.runtime}).
      </p>
      <label>
        Run the model with{' '}
        <select value={settings.preference} onChange={(event) => choose(event.target.value as BackendChoice)} data-testid="backend-choice">
          {(['auto', ...backendsFor(ready.featuresId)] as const).map((choice) => (
            <option key={choice} value={choice}>
              {names[choice]}
            </option>
          ))}
        </select>
      </label>
      {settings.measured && (
        <table className="measurements">
          <caption>Measured in this browser on {new Date(settings.measured.at).toLocaleString()}</caption>
          <thead>
            <tr>
              <th scope="col">Backend</th>
              <th scope="col">Photos per second</th>
            </tr>
          </thead>
          <tbody>
            {settings.measured.measurements.map((m) => (
              <tr key={m.backend}>
                <td>{m.backend}</td>
                <td>{m.imagesPerSecond !== undefined ? m.imagesPerSecond.toFixed(1) : `not available: ${m.problem}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
