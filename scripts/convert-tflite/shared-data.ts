/**
 * Where the tests find the read-only models and photos beside the project (../shared). CI always has them,
 * so a missing folder fails the tests with this message instead of turning them into silent skips; set
 * HANDFUL_SKIP_SHARED_TESTS=1 to skip them on purpose (the suite names then say so).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const sharedDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared');
export const skipShared = process.env.HANDFUL_SKIP_SHARED_TESTS === '1';

/** The path of `relative` under ../shared; throws a plain message when it is missing (unless skipping). */
export function sharedPath(relative: string): string {
  const path = join(sharedDir, relative);
  if (!skipShared && !existsSync(path)) {
    throw new Error(
      `${path} is missing: these tests need the models and photos in ../shared beside the project. ` +
        'Put them there, or set HANDFUL_SKIP_SHARED_TESTS=1 to skip these tests on purpose.',
    );
  }
  return path;
}

/** Suite title: says when it is skipped on purpose. */
export const sharedSuite = (title: string) => (skipShared ? `${title} (skipped: HANDFUL_SKIP_SHARED_TESTS=1)` : title);
