import { useEffect, useState } from 'react';
import type { ImportProgress } from './project/state';

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  return `${Math.round(seconds / 60)} min`;
}

/** Count, photos per second and time left while the model looks at new photos; and a way to stop. */
export function ImportProgressBar({ progress, onCancel }: { progress: ImportProgress; onCancel(): void }) {
  const { done, total, embedded, startedAt, reason } = progress;
  // Re-rendered each second so speed and time left stay current between photos.
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = (Math.max(now, performance.now()) - startedAt) / 1000;
  const perSecond = embedded >= 2 && seconds > 0 ? embedded / seconds : undefined;
  const left = perSecond ? (total - done) / perSecond : undefined;
  return (
    <div className="progress" data-testid="import-progress">
      <label htmlFor="import-progress">
        {reason === 'features'
          ? 'Looking at the photos again with the new photo features'
          : reason === 'pile'
            ? 'Looking at the unsorted photos'
            : reason === 'resume'
              ? `Resuming ${total === 1 ? '1 photo' : `${total} photos`}`
              : 'Looking at photos'}
        : {done} of {total}
        {perSecond !== undefined && ` · ${perSecond.toFixed(1)} photos a second · about ${duration(left!)} left`}
      </label>
      <progress id="import-progress" value={done} max={total} />
      <button type="button" onClick={onCancel}>
        Stop
      </button>
    </div>
  );
}
