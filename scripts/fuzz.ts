/**
 * `npm run fuzz -- [--cases 1000] [--seed S] [--importer head|backup|both] [--from I] [--case I]`
 *
 * Feeds mutated classifier files and project backups (src/format/fuzz) to the importers the page
 * uses, and prints what became of them: outcomes, outcomes per mutation kind, the slowest case,
 * and every violation with the command that replays it. Exits 1 on any violation.
 *
 * The cases run in a worker thread, so a case stuck in a synchronous loop (which no timer in its
 * own thread can interrupt) is noticed, reported as a hang, and the run goes on after it. The
 * worker loads the app's modules through Vite (they use import.meta.env), as Vitest does.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { HANG_MS, summarise, type CaseResult, type Importer } from '../src/format/fuzz/summary';

interface Job {
  importer: Importer;
  seed: number;
  from: number;
  count: number;
}

type Message =
  | { type: 'ready' }
  | { type: 'start'; index: number }
  | { type: 'result'; result: CaseResult }
  | { type: 'restart'; from: number }
  | { type: 'done' };

/** A case that has not finished after this long has its worker stopped and counts as a hang. */
const WATCHDOG_MS = 60_000;
const projectRoot = resolve(fileURLToPath(import.meta.url), '../..');

async function workerMain(job: Job) {
  const { createServer, createServerModuleRunner } = await import('vite');
  const server = await createServer({
    // Only the transforms (import.meta.env); the app's plugins are for the page.
    configFile: false,
    root: projectRoot,
    logLevel: 'warn',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
  const harness = (await runner.import('/src/format/fuzz/harness.ts')) as typeof import('../src/format/fuzz/harness');
  const context = await harness.prepare();
  const post = (message: Message) => parentPort!.postMessage(message);
  post({ type: 'ready' });
  for (let index = job.from; index < job.from + job.count; index++) {
    post({ type: 'start', index });
    const result = await harness.runCase(context, job.importer, job.seed, index);
    post({ type: 'result', result });
    // It may still be writing: the next cases need a fresh worker (and so fresh IndexedDB).
    if (result.abandoned) return post({ type: 'restart', from: index + 1 });
  }
  post({ type: 'done' });
  await runner.close();
  await server.close();
}

/** Runs cases [from, from + count) in workers, starting a new one after a hang. */
async function runCases(job: Job, onResult: (result: CaseResult) => void): Promise<void> {
  let next = job.from;
  const end = job.from + job.count;
  while (next < end) {
    next = await new Promise<number>((done, fail) => {
      // The worker runs this TypeScript file too, through tsx's loader.
      const start = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
      const worker = new Worker(start, { eval: true, workerData: { ...job, from: next, count: end - next } });
      let current = next;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          onResult({
            importer: job.importer,
            index: current,
            kinds: ['?'],
            outcome: 'VIOLATION',
            ms: WATCHDOG_MS,
            cpuMs: Number.NaN,
            violation: `no answer after ${WATCHDOG_MS / 1000} s (a synchronous hang); the worker was stopped`,
          });
          void worker.terminate().then(() => done(current + 1));
        }, WATCHDOG_MS);
      };
      worker.on('message', (message: Message) => {
        if (message.type === 'start') {
          current = message.index;
          arm();
        } else if (message.type === 'result') {
          clearTimeout(timer);
          onResult(message.result);
        } else if (message.type === 'restart') {
          clearTimeout(timer);
          void worker.terminate().then(() => done(message.from));
        } else if (message.type === 'done') {
          clearTimeout(timer);
          void worker.terminate().then(() => done(end));
        }
      });
      worker.on('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
    });
  }
}

function parseArgs(argv: string[]) {
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const number = (name: string, fallback: number) => {
    const text = value(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} wants a whole number, not “${text}”`);
    return n;
  };
  const importer = value('importer') ?? 'both';
  if (!['head', 'backup', 'both'].includes(importer)) throw new Error('--importer is head, backup or both');
  const single = value('case');
  return {
    importers: (importer === 'both' ? ['head', 'backup'] : [importer]) as Importer[],
    seed: number('seed', Math.floor(Math.random() * 2 ** 31)),
    from: single !== undefined ? number('case', 0) : number('from', 0),
    cases: single !== undefined ? 1 : number('cases', 1000),
    verbose: single !== undefined,
  };
}

function table(rows: [string, ...(string | number)[]][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  return rows
    .map((row) => row.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '))
    .join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `Fuzzing the importers: seed ${args.seed}, cases ${args.from} to ${args.from + args.cases - 1} of ${args.importers.join(' and ')}.`,
  );
  let violations = 0;
  for (const importer of args.importers) {
    const results: CaseResult[] = [];
    const started = performance.now();
    let shown = 0;
    await runCases({ importer, seed: args.seed, from: args.from, count: args.cases }, (result) => {
      results.push(result);
      if (args.verbose) console.log(JSON.stringify(result, null, 2));
      if (results.length - shown >= 100 || results.length === args.cases) {
        shown = results.length;
        process.stdout.write(`  ${importer}: ${results.length}/${args.cases}\r`);
      }
    });
    const summary = summarise(importer, args.seed, results);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`\n${importer === 'head' ? 'Classifier files' : 'Project backups'}: ${summary.cases} cases in ${seconds} s`);
    console.log(table([['outcome', 'cases'], ...Object.entries(summary.outcomes).sort((a, b) => b[1] - a[1])]));
    const outcomes = Object.keys(summary.outcomes).sort();
    console.log('\nby mutation kind:');
    console.log(
      table([
        ['kind', 'cases', ...outcomes.map((o) => o.replace('refused:', ''))],
        ...Object.entries(summary.byKind)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([kind, counts]): [string, ...number[]] => [
            kind,
            Object.values(counts).reduce((a, b) => a + b, 0),
            ...outcomes.map((o) => counts[o] ?? 0),
          ]),
      ]),
    );
    const slowest = summary.slowest;
    if (slowest)
      console.log(
        `\nslowest case: #${slowest.index} (${slowest.kinds.join(' + ')}), ${Math.round(slowest.cpuMs)} ms of CPU time (${Math.round(slowest.ms)} ms in all): ${slowest.outcome}` +
          `\nlongest wall-clock time of a case: ${Math.round(summary.longestMs)} ms (the limit, ${HANG_MS} ms, is on CPU time: see src/format/fuzz/summary.ts)`,
      );
    for (const v of summary.violations) {
      console.log(`\nVIOLATION in case #${v.index} (${v.kinds.join(' + ')}): ${v.violation}`);
      console.log(`  replay: npm run fuzz -- --importer ${importer} --seed ${args.seed} --case ${v.index}`);
    }
    violations += summary.violations.length;
  }
  console.log(violations === 0 ? '\nNo violations.' : `\n${violations} violation(s); seed ${args.seed}.`);
  process.exit(violations === 0 ? 0 : 1);
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error);
    process.exit(2);
  });
} else {
  // An error outside any case (loading, preparing) reaches the main thread as the worker's 'error'.
  void workerMain(workerData as Job);
}
