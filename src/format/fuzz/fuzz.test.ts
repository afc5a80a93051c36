/**
 * The fuzz corpus with a fixed seed, as part of the unit tests; `npm run fuzz` runs more cases,
 * with any seed. A failure names the case: `npm run fuzz -- --importer <head|backup> --seed
 * 20261130 --case <index>` replays it alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { saveProject } from '../../store/projects';
import { fuzz, prepare, runCase, summarise, type FuzzContext, type Importer } from './harness';

const SEED = 20261130;
const CASES: Record<Importer, number> = { head: 300, backup: 200 };

let context: FuzzContext;
beforeAll(async () => {
  context = await prepare();
}, 120_000);

const describeViolations = (importer: Importer, results: Awaited<ReturnType<typeof fuzz>>) =>
  summarise(importer, SEED, results).violations.map((v) => `#${v.index} (${v.kinds.join(' + ')}): ${v.violation}`);

describe('mutated files given to the importers', () => {
  it.each([['head'], ['backup']] as const)(
    '%s: each ends in a plain message or a correct import, in time, changing nothing already here',
    async (importer) => {
      const results = await fuzz(context, importer, SEED, CASES[importer]);
      expect(describeViolations(importer, results)).toEqual([]);
      // The cases reach past the first checks: some open, and the refusals are of many kinds.
      const { outcomes } = summarise(importer, SEED, results);
      const imported = importer === 'head' ? outcomes.opened : (outcomes.restored ?? 0) + (outcomes['restored-with-warnings'] ?? 0);
      expect(imported).toBeGreaterThan(CASES[importer] / 20);
      expect(Object.keys(outcomes).filter((outcome) => outcome.startsWith('refused:')).length).toBeGreaterThanOrEqual(7);
    },
    600_000,
  );

  it('notices a change to a project already here (so a passing run means something)', async () => {
    const original = context.corpus.existing.project;
    await saveProject({ ...original, name: 'Renamed behind the fuzzer’s back' });
    try {
      const result = await runCase(context, 'backup', SEED, 0);
      expect(result.outcome).toBe('VIOLATION');
      expect(result.violation).toMatch(/changed handful-projects\/projects\/"existing"/);
    } finally {
      await saveProject(original);
    }
  });
});
