/** Per-browser settings: which backend to run the model on, and what the last measurement found. */
import { createStore, get, set } from 'idb-keyval';
import type { BackendChoice, BackendMeasurement, BackendName } from '../engine';

export interface EngineSettingsV1 {
  version: 1;
  /** What the user asked for; 'auto' means "the fastest one measured here". */
  preference: BackendChoice;
  measured?: { backend: BackendName; measurements: BackendMeasurement[]; at: string; userAgent: string };
}

const store = createStore('handful-settings', 'settings');
const key = 'engine';

const defaults: EngineSettingsV1 = { version: 1, preference: 'auto' };

export async function loadEngineSettings(): Promise<EngineSettingsV1> {
  try {
    const saved = await get<EngineSettingsV1>(key, store);
    return saved?.version === 1 ? saved : defaults;
  } catch {
    // Private windows and blocked storage still get a working app, just without memory.
    return defaults;
  }
}

export async function saveEngineSettings(settings: EngineSettingsV1): Promise<void> {
  try {
    await set(key, settings, store);
  } catch {
    // Not remembering the measurement only costs a few seconds at the next start.
  }
}

/**
 * The backend to ask the engine for: the user's explicit choice, else the one measured earlier in
 * this same browser, else 'auto' (measure now). A browser update invalidates the measurement.
 */
export function backendToRequest(settings: EngineSettingsV1, userAgent: string): BackendChoice {
  if (settings.preference !== 'auto') return settings.preference;
  if (settings.measured && settings.measured.userAgent === userAgent) return settings.measured.backend;
  return 'auto';
}

/**
 * Photos per second seen in this browser while the model looked at photos, by feature
 * configuration and backend: what the photo-features choice quotes. A plain cache of
 * observations, so anything unreadable simply reads as "not measured yet".
 */
export interface SpeedsV1 {
  version: 1;
  /** Keyed by speedKey(featuresId, backend). */
  photosPerSecond: Record<string, number>;
}

const speedsKey = 'speeds';

export const speedKey = (featuresId: string, backend: string) => `${featuresId} on ${backend}`;

export function migrateSpeeds(raw: unknown): SpeedsV1 {
  const empty: SpeedsV1 = { version: 1, photosPerSecond: {} };
  if (typeof raw !== 'object' || raw === null || (raw as SpeedsV1).version !== 1) return empty;
  const entries = Object.entries((raw as SpeedsV1).photosPerSecond ?? {}).filter(
    ([, v]) => typeof v === 'number' && Number.isFinite(v) && v > 0,
  );
  return { version: 1, photosPerSecond: Object.fromEntries(entries) };
}

export async function loadSpeeds(): Promise<SpeedsV1> {
  try {
    return migrateSpeeds(await get(speedsKey, store));
  } catch {
    return migrateSpeeds(undefined);
  }
}

export async function saveSpeed(featuresId: string, backend: string, photosPerSecond: number): Promise<void> {
  try {
    const speeds = await loadSpeeds();
    await set(
      speedsKey,
      { version: 1, photosPerSecond: { ...speeds.photosPerSecond, [speedKey(featuresId, backend)]: photosPerSecond } } satisfies SpeedsV1,
      store,
    );
  } catch {
    // Only the quoted speed is lost.
  }
}
