/**
 * What the status line says about the two workers' crashes (the model's and the one that learns):
 * the latest fault of each, kept here because the workers outlive the components that show them.
 */
import { useSyncExternalStore } from 'react';
import type { WorkerFault } from '../engine';

export type WorkerName = 'model' | 'learning';

let latest: Readonly<Partial<Record<WorkerName, WorkerFault>>> = {};
const listeners = new Set<() => void>();

export function noteWorkerFault(worker: WorkerName, fault: WorkerFault): void {
  latest = { ...latest, [worker]: fault };
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useWorkerFaults(): Partial<Record<WorkerName, WorkerFault>> {
  return useSyncExternalStore(subscribe, () => latest);
}

const spanOf = (ms: number) => (ms === 60_000 ? 'a minute' : `${Math.round(ms / 1000)} seconds`);
const subjects: Record<WorkerName, string> = { model: 'The model', learning: 'Learning' };

/** One plain sentence; `stopped` when the worker is not running and will not be without a reload. */
export function faultLine(worker: WorkerName, fault: WorkerFault): { text: string; stopped: boolean } {
  const subject = subjects[worker];
  switch (fault.type) {
    case 'restarting':
      return { text: `${subject} stopped and is being restarted (${fault.restarts})…`, stopped: false };
    case 'restarted':
      return { text: `${subject} stopped and was restarted (${fault.restarts}).`, stopped: false };
    case 'restart-failed':
      return { text: `${subject} stopped and could not be started again: ${fault.message} Reload the page to try again.`, stopped: true };
    case 'gave-up':
      return {
        text: `${subject} stopped ${fault.crashes} times within ${spanOf(fault.windowMs)}, so it was not started again. Reload the page to try again.`,
        stopped: true,
      };
  }
}
