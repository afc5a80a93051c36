import type { EngineStatus } from './useEngine';
import { faultLine, useWorkerFaults, type WorkerName } from './workerFaults';

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
          {status.state === 'starting' &&
            (status.measuring ? 'Getting ready: finding the fastest way to run the model on this computer…' : 'Getting ready…')}
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
