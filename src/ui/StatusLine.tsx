import type { EngineStatus } from './useEngine';
import { faultLine, useWorkerFaults, type WorkerName } from './workerFaults';

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

/** A first visit fetches the model's weights once: how far that is. */
function downloadLine({ received, expected }: { received: number; expected: number }): string {
  const done = expected > 0 ? ` (${megabytes(Math.min(received, expected))} of ${megabytes(expected)} MB)` : ` (${megabytes(received)} MB)`;
  return `Getting ready: fetching the model${done}…`;
}

/** The line under the title: is the model ready, and has either worker crashed and been restarted. */
export function StatusLine({ status }: { status: EngineStatus }) {
  const faults = useWorkerFaults();
  const lines = (['model', 'learning'] as WorkerName[]).flatMap((worker) => {
    const fault = faults[worker];
    return fault ? [{ worker, ...faultLine(worker, fault) }] : [];
  });
  // A model that was not started again is not ready, whatever its last start said.
  const modelStopped = lines.some((line) => line.worker === 'model' && line.stopped);
  return (
    <p className="status" role="status" data-testid="engine-status">
      {!modelStopped && (
        <>
          {status.state === 'idle' && 'Getting ready…'}
          {status.state === 'starting' && (status.download ? downloadLine(status.download) : 'Getting ready…')}
          {status.state === 'ready' && 'Ready.'}
          {status.state === 'failed' && <span className="problem">The model could not start. {status.message}</span>}
        </>
      )}
      {lines.map((line) => (
        <span key={line.worker} className={line.stopped ? 'problem' : undefined} data-testid={`${line.worker}-fault`}>
          {' '}
          {line.text}
        </span>
      ))}
    </p>
  );
}
