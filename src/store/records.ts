/**
 * What every stored record shares: a `version`, so a later release can recognise and migrate
 * what an earlier one wrote, and one plain error for a full disk.
 */

export interface Versioned {
  version: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The browser ran out of the space it lets this site use. Whatever was saved before the failed
 * write is untouched: each write is one IndexedDB transaction, which either lands whole or not at all.
 */
export class StorageFullError extends Error {
  constructor() {
    super(
      'This device has no room left for more photos, so the latest changes could not be saved. Everything saved before is safe. Delete a project or some photos to make room.',
    );
    this.name = 'StorageFullError';
  }
}

function isQuotaError(error: unknown): boolean {
  if (!isRecord(error)) return false;
  // Chromium reports a full disk as QuotaExceededError; Firefox's older builds used this code name.
  return error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/**
 * Runs a write, turning the browser's quota error into StorageFullError. A full disk rarely fails
 * the put itself: the transaction aborts later, as it commits, and its `error` (what idb-keyval
 * rejects with) is the QuotaExceededError; a transaction aborted without a reason rejects with null.
 */
export async function guardedWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError();
    throw error ?? new Error('The browser stopped the write without saying why.');
  }
}
