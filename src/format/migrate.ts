/**
 * Format versions. Every file names its format and an integer version. A reader knows the
 * version it writes (`current`) and a chain of migrations, each lifting a document from one
 * version to the next, so an old file is brought up to `current` step by step and only then
 * validated, by the one validator of the current version. A newer file is refused with a message
 * that says to update Handful: guessing at fields from the future would be worse.
 *
 * To change a format: bump its current version, add the migration from the previous version to
 * its list, and keep a test file of the previous version that must still open.
 */

import { isPlainObject } from './safeJson';

export interface Migration {
  /** The version this migration reads; it returns a document of version `from + 1`. */
  from: number;
  /** Gets a plain object whose `version` is `from` (shape otherwise unchecked: be defensive). */
  up(document: Record<string, unknown>): Record<string, unknown>;
}

export type VersionCheck =
  | { kind: 'current'; document: Record<string, unknown>; migratedFrom?: number }
  | { kind: 'newer'; version: number }
  | { kind: 'unsupported'; version: number; oldest: number }
  | { kind: 'bad-version'; value: unknown };

/**
 * Brings `document` to version `current` with `migrations`, or says why it cannot. A migration
 * that throws or returns something that is not the next version is a bug in the app, and throws.
 */
export function migrateToCurrent(document: Record<string, unknown>, current: number, migrations: readonly Migration[]): VersionCheck {
  const version = document.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return { kind: 'bad-version', value: version };
  if (version > current) return { kind: 'newer', version };
  if (version === current) return { kind: 'current', document };

  const byFrom = new Map(migrations.map((migration) => [migration.from, migration]));
  let oldest = current;
  while (byFrom.has(oldest - 1)) oldest--;
  if (version < oldest) return { kind: 'unsupported', version, oldest };

  let migrated = document;
  for (let from = version; from < current; from++) {
    const next = byFrom.get(from)!.up(migrated);
    if (!isPlainObject(next) || next.version !== from + 1) {
      throw new Error(`migration from version ${from} did not produce version ${from + 1}`);
    }
    migrated = next;
  }
  return { kind: 'current', document: migrated, migratedFrom: version };
}
