/**
 * The progress bar of photos being looked at by the model (an import, a resume, a change of
 * features), its Stop, and the photos per second seen here, remembered when the bar ends.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EngineClient } from '../../engine';
import { loadSpeeds, saveSpeed, speedKey } from '../../store/settings';
import { takeSpeed } from '../embedCount';
import type { ProjectCore } from './core';
import { oncePerFrame } from './perFrame';
import type { ImportProgress } from './state';

/** Fewer photos timed than this give too noisy a speed to quote. */
const minPhotosForSpeed = 4;

export function useImportProgress({ dispatch, latest }: ProjectCore, engine: EngineClient | undefined) {
  const progress = useRef<ImportProgress | undefined>(undefined);
  /** Stop aborts everything queued or running under this signal, a features change included. */
  const abort = useRef(new AbortController());
  /** Photos per second seen here, by speedKey(features, backend). */
  const [speeds, setSpeeds] = useState<Record<string, number>>({});
  useEffect(() => void loadSpeeds().then((saved) => setSpeeds(saved.photosPerSecond)), []);

  /** The bar follows progress.current at most once a frame. */
  const showProgress = useMemo(() => oncePerFrame(() => dispatch({ type: 'progress', progress: progress.current })), []);

  const grow = useCallback(
    (count: number, reason?: ImportProgress['reason']) => {
      progress.current = progress.current
        ? { ...progress.current, total: progress.current.total + count, reason: progress.current.reason ?? reason }
        : { done: 0, total: count, embedded: 0, startedAt: performance.now(), reason };
      showProgress();
    },
    [showProgress],
  );

  /** Counts handled photos; when all are, the bar goes and the speed seen is remembered. */
  const advance = useCallback(
    (done: number, embedded: number) => {
      const current = progress.current;
      if (!current) return;
      const next = { ...current, done: current.done + done, embedded: current.embedded + embedded };
      if (next.done < next.total) {
        progress.current = next;
        showProgress();
        return;
      }
      progress.current = undefined;
      showProgress();
      const featuresId = latest.current.project?.featuresId;
      const backend = engine?.backend;
      if (!featuresId || !backend || backend === 'auto') return;
      const perSecond = takeSpeed(featuresId, backend, minPhotosForSpeed);
      if (perSecond === undefined) return;
      setSpeeds((known) => ({ ...known, [speedKey(featuresId, backend)]: perSecond }));
      void saveSpeed(featuresId, backend, perSecond);
    },
    [engine, showProgress],
  );

  /** Aborts what runs and is queued, and the bar goes at once; work started afterwards gets a fresh signal. */
  const stop = useCallback(() => {
    abort.current.abort();
    abort.current = new AbortController();
    progress.current = undefined;
    dispatch({ type: 'progress', progress: undefined });
  }, []);

  /** The signal Stop aborts, as of now: taken when work is queued. */
  const stopSignal = useCallback(() => abort.current.signal, []);
  /** Whether photos are being looked at (the bar shows). */
  const busy = useCallback(() => progress.current !== undefined, []);

  return { speeds, grow, advance, stop, stopSignal, busy };
}

export type ImportProgressControl = ReturnType<typeof useImportProgress>;
