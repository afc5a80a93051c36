/**
 * `npm run bench`: the app's own engine in headless Chromium, old engine next to new in the same
 * run. Writes BENCHMARKS.md (section bench:engine) with only what this run measured:
 *
 * - photos per second end to end (decode, stored copy and thumbnail, crop, resize, scale, every
 *   backbone), per feature configuration and backend, on real JPEGs of ~500x375, in interleaved
 *   rounds so a busy machine slows every row alike;
 * - cold start: how long after opening the app a dropped photo has been looked at, on a first
 *   visit (nothing cached), a repeat visit and a later one in the same browser session, and a
 *   repeat visit after the browser was closed and started again (same profile);
 * - the download: bytes of the default features' weights and of the runtime.
 *
 * `npx tsx scripts/bench.ts --startup [--repeats=N] [--trace=<file>]` measures only the start-up,
 * N fresh profiles (first, repeat, later visit and the visit after a browser restart in each), and
 * writes nothing; with --trace, a Chrome trace of the last visit after a restart (open it in
 * chrome://tracing or the Performance panel; v8.wasm.moduleCacheHit says Chrome's code cache was used).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../e2e/chromium';
import { machineDescription, openLab, projectRoot, servePreview, sharedDatasets, writeBenchmarkSection } from './lib/lab';
import { startTrace, traceCategories } from './lib/traceTasks';

/** Today's feature configurations and the ones they replace (TF.js models, kept for older projects). */
const pairs = [
  { name: 'Fast', before: 'v1-0.75', after: 'v1-0.75-int8' },
  { name: 'More accurate', before: 'v2-1.0', after: 'v2-1.0-int8' },
  { name: 'Both models', before: 'v1-0.75+v2-1.0', after: 'v1-0.75-int8+v2-1.0-int8' },
];
const photoCount = 32;
const rounds = 3;
const batchSize = 8;
/** How long each start-up visit stays open once measured: a person stays a while, and the browser caches compiled code a few seconds after it is made. */
const lingerMs = 5000;
/** The start-up visit after the browser was closed and started again on the same profile. */
const restartVisit = 'repeat visit after a browser restart';
/** How long after the browser starts again the restart visit opens the app. */
const browserStartUpMs = 3000;

function jpegs(folder: string, count: number): string[] {
  const files: string[] = [];
  for (const cls of readdirSync(`${sharedDatasets}/${folder}`).sort()) {
    for (const file of readdirSync(`${sharedDatasets}/${folder}/${cls}`).sort()) files.push(`/files/${folder}/${cls}/${file}`);
  }
  // Every k-th file, so all classes are represented.
  const step = Math.max(1, Math.floor(files.length / count));
  return files.filter((_, i) => i % step === 0).slice(0, count);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
if (process.argv.includes('--startup')) {
  const repeats = Number(option('repeats') ?? 3);
  const byVisit = new Map<string, StartUp[]>();
  for (let i = 0; i < repeats; i++) {
    for (const start of await coldStarts(i === repeats - 1 ? option('trace') : undefined)) {
      byVisit.set(start.visit, [...(byVisit.get(start.visit) ?? []), start]);
    }
  }
  const s = (values: number[]) =>
    `${values.map((ms) => (ms / 1000).toFixed(2)).join(', ')} (median ${(median(values) / 1000).toFixed(2)} s)`;
  for (const [visit, starts] of byVisit) {
    console.log(
      `${visit}: drop possible ${s(starts.map((x) => x.dropAt))}; ready ${s(starts.map((x) => x.ready))}; looked at ${s(starts.map((x) => x.looked))}`,
    );
  }
  process.exit(0);
}

const loadBefore = os.loadavg()[0];
const lab = await openLab(sharedDatasets);
const { page } = lab;
const throughput: string[] = [];
const stageRows: string[] = [];
let cores = 1;
let gpu = '';
let defaultId = '';
let weights: { backbone: string; files: string[] }[] = [];
try {
  gpu = await page.evaluate(() => window.handfulLab.gpuAdapter());
  defaultId = await page.evaluate(() => window.handfulLab.defaultFeaturesId);
  weights = await page.evaluate((id) => window.handfulLab.weightsOf(id), defaultId);
  // WebGPU is measured only on a real graphics card: SwiftShader emulates one on this same processor.
  const gpuBackends = gpu.startsWith('WebGPU adapter') && !gpu.includes('fallback') ? ['webgpu'] : [];
  cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // LiteRT on WASM also runs with one core left to the decoding thread, to compare with the
  // default of every core on the model.
  const runs = pairs.flatMap((pair) => [
    ...['wasm', ...gpuBackends].map((backend) => ({ pair, engine: 'before (TF.js)', features: pair.before, backend, threads: undefined })),
    ...['wasm', ...gpuBackends].map((backend) => ({ pair, engine: 'now (LiteRT)', features: pair.after, backend, threads: undefined })),
    ...(cores > 1 ? [{ pair, engine: 'now, one core left to decoding', features: pair.after, backend: 'wasm', threads: cores - 1 }] : []),
  ]);
  const urls = jpegs('hymenoptera/val', photoCount);
  const rates = new Map<(typeof runs)[number], number[]>(runs.map((run) => [run, []]));
  const runtimes = new Map<(typeof runs)[number], string>();
  /** Milliseconds per photo in each stage of the pipeline, summed over rounds (stages overlap). */
  const stageTimes = new Map<(typeof runs)[number], Map<string, number>>(runs.map((run) => [run, new Map()]));
  for (let round = 1; round <= rounds; round++) {
    for (const run of runs) {
      const ready = await page.evaluate(({ f, b, size, t }) => window.handfulLab.start(f, b as 'wasm', size, t), {
        f: run.features,
        b: run.backend,
        size: batchSize,
        t: run.threads,
      });
      runtimes.set(run, ready.runtime);
      // Warm-up: kernels compile on first use; users pay that once per session, not per photo.
      await page.evaluate((warm) => window.handfulLab.embedUrls(warm, 0, undefined, true), urls.slice(0, batchSize));
      await page.evaluate(() => window.handfulLab.stats());
      const { seconds, results } = await page.evaluate((all) => window.handfulLab.embedUrls(all, 0, undefined, true), urls);
      const { stages } = await page.evaluate(() => window.handfulLab.stats());
      for (const [stage, { ms }] of Object.entries(stages)) {
        stageTimes.get(run)!.set(stage, (stageTimes.get(run)!.get(stage) ?? 0) + ms / urls.length / rounds);
      }
      const failed = results.filter((r) => r.problem).length;
      if (failed > 0) throw new Error(`${run.features} on ${run.backend}: ${failed} photos failed`);
      rates.get(run)!.push(urls.length / seconds);
      console.log(`round ${round}: ${run.features} on ${ready.runtime}: ${(urls.length / seconds).toFixed(1)} photos/s`);
    }
  }
  for (const pair of pairs) {
    const ofPair = runs.filter((run) => run.pair === pair);
    for (const run of ofPair) {
      const rate = median(rates.get(run)!);
      const before = ofPair.find((other) => other.engine.startsWith('before') && other.backend === run.backend);
      const speedUp = !run.engine.startsWith('before') && before ? ` (${(rate / median(rates.get(before)!)).toFixed(1)}x)` : '';
      throughput.push(
        `| ${pair.name}${run.features === defaultId ? ' (default)' : ''} | ${run.engine}: \`${run.features}\` | ${runtimes.get(run)} | ${rates
          .get(run)!
          .map((r) => r.toFixed(1))
          .join(', ')} | **${rate.toFixed(1)}**${speedUp} |`,
      );
      if (run.engine.startsWith('now')) {
        const times = [...stageTimes.get(run)!].map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`).join(', ');
        stageRows.push(`| \`${run.features}\` | ${runtimes.get(run)} | ${times} |`);
      }
    }
  }
} finally {
  await lab.close();
}

/** One visit's start-up, in ms since the page's navigation started (its performance.timeOrigin). */
interface StartUp {
  visit: string;
  dropAt: number;
  ready: number;
  looked: number;
}

/**
 * Opens the app in a fresh browser profile and drops a photo on "Try it" the moment there is a
 * place to drop it; the time is until its ImageNet guesses show, i.e. the model has looked at it.
 * Then the same again in the same browser, twice: the repeat visit (weights and runtime cached,
 * backend remembered) and a later one. Both are returns within one browser session, where V8 still
 * holds the runtime's compiled code in memory (it finds a module with the same bytes in the same
 * renderer process). Last, the browser is closed and started again on the same profile, as a
 * person coming back another day does: that visit has the files, the remembered backend and
 * whatever Chrome wrote to its code cache on disk, but nothing in memory.
 *
 * Times are taken inside the page (a MutationObserver, performance.now() from the navigation's
 * start), not by polling from here: Playwright's waits poll every 500 ms after the first few
 * tries, which would add up to half a second to each figure. Chromium's omnibox popup is a WebUI
 * page it loads with every new window, a headless one too; it is switched off (seconds of CPU
 * beside the visit on a 2-core machine, which a person opening the app in a browser already
 * open does not pay).
 */
async function coldStarts(tracePath?: string): Promise<StartUp[]> {
  const { server, address } = await servePreview();
  const profile = mkdtempSync(join(os.tmpdir(), 'handful-bench-profile-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      args: [...chromiumArgs, '--disable-features=WebUIOmniboxPopup'],
      serviceWorkers: 'allow',
    });
  const photo = (await readFile(resolve(sharedDatasets, 'photos', 'hot_dog.jpg'))).toString('base64');
  const results: StartUp[] = [];
  let context = await launch();
  try {
    for (const visit of ['first visit', 'repeat visit', 'later visit', restartVisit]) {
      if (visit === restartVisit) {
        await context.close();
        context = await launch();
        // A person starts the browser, then types the address: the browser's own start-up (its
        // omnibox popup WebUI alone is about a second of CPU here) is over before the visit.
        await new Promise((settled) => setTimeout(settled, browserStartUpMs));
      }
      const start = await visitOnce(context, address, photo, visit, tracePath && visit === restartVisit ? tracePath : undefined);
      results.push(start);
      console.log(
        `${visit}: drop possible after ${Math.round(start.dropAt)} ms, ready after ${Math.round(start.ready)} ms, photo looked at after ${Math.round(start.looked)} ms`,
      );
    }
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return results;
}

/** One visit in a new tab of `context`, which stays open a few seconds once measured. */
async function visitOnce(context: BrowserContext, address: string, photo: string, visit: string, tracePath?: string): Promise<StartUp> {
  const page = await context.newPage();
  const stopTrace = tracePath ? await startTrace(await context.newCDPSession(page), [...traceCategories, 'v8.wasm']) : undefined;
  await page.addInitScript((base64) => {
    const times: Partial<Record<'dropAt' | 'ready' | 'looked', number>> & { problem?: string } = {};
    (window as unknown as { startUp: typeof times }).startUp = times;
    // No named functions in here: tsx would wrap them in a helper the page does not have.
    const observer = new MutationObserver(() => {
      const dropzone = document.querySelector('[data-testid="try-dropzone"]');
      if (dropzone && times.dropAt === undefined) {
        times.dropAt = performance.now();
        try {
          const transfer = new DataTransfer();
          const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
          transfer.items.add(new File([bytes], 'hot_dog.jpg', { type: 'image/jpeg' }));
          dropzone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
          dropzone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        } catch (error) {
          times.problem = String(error);
        }
      }
      const status = document.querySelector('[data-testid="engine-status"]');
      if (times.ready === undefined && status?.textContent?.includes('Ready.')) times.ready = performance.now();
      if (times.looked === undefined && document.querySelector('[data-testid="embedding-length"]')) times.looked = performance.now();
      if (times.looked !== undefined && times.ready !== undefined) observer.disconnect();
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true });
  }, photo);
  await page.goto(address);
  const handle = await page.waitForFunction(
    () => {
      const times = (window as unknown as { startUp?: { ready?: number; looked?: number; problem?: string } }).startUp;
      return times && (times.problem || (times.ready !== undefined && times.looked !== undefined)) ? times : undefined;
    },
    undefined,
    { timeout: 120_000, polling: 100 },
  );
  const times = (await handle.jsonValue()) as { dropAt: number; ready: number; looked: number; problem?: string };
  if (times.problem) throw new Error(`${visit}: the photo could not be dropped (${times.problem})`);
  // The service worker precaches the app during the first visit; the repeat visit starts after that.
  if (visit === 'first visit') await page.evaluate(() => navigator.serviceWorker?.ready);
  await page.waitForTimeout(lingerMs);
  if (stopTrace) await stopTrace(tracePath!);
  await page.close();
  return { visit, dropAt: times.dropAt, ready: times.ready, looked: times.looked };
}

const starts = await coldStarts();
const loadAfter = os.loadavg()[0];

const weightRows: string[] = [];
let weightTotal = 0;
for (const { backbone, files } of weights) {
  const bytes = files.reduce(
    (sum, url) => sum + statSync(resolve(projectRoot, process.env.E2E_DIST ?? 'dist', url.replace(/^\//, ''))).size,
    0,
  );
  weightTotal += bytes;
  weightRows.push(`${backbone} ${mb(bytes)}`);
}
const assets = resolve(projectRoot, process.env.E2E_DIST ?? 'dist', 'assets');
const runtimeBytes = readdirSync(assets)
  .filter((file) => file.startsWith('litert_wasm_threaded_internal'))
  .reduce((sum, file) => sum + statSync(resolve(assets, file)).size, 0);

const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
await writeBenchmarkSection(
  'bench:engine',
  `## Engine: photos per second, start-up and download (\`npm run bench\`)

Measured ${date} UTC on ${machineDescription(gpu)}; 1-minute load average ${loadBefore.toFixed(1)} before
and ${loadAfter.toFixed(1)} after the run (other work on the machine slows every row alike: rounds are
interleaved).

**Photos per second, end to end**: what adding a photo costs in the app's own worker (decode, the stored
copy and thumbnail, centre crop, resize to 224, scaling, every backbone of the features), ${photoCount}
JPEGs of ~500x375 (hymenoptera), batches of ${batchSize}, after a warm-up batch; each round's figure, then
the median, with the speed-up over the earlier engine on the same backend. Photos are decoded on a thread of
their own while LiteRT runs the models on every core; "one core left to decoding" is the same engine
with LiteRT on ${cores - 1} of the ${cores} cores, for comparison.

| photo features | engine: feature id | runs on | photos/s per round | median |
|---|---|---|---|---|
${throughput.join('\n')}

**Where the time goes** (LiteRT rows): milliseconds per photo in each stage, mean over rounds. The
decoding thread decodes, makes the model's 224 px square (\`model square\`) and the stored copy and
thumbnail (\`copies\`: JPEG encodes, only the thumbnail for a JPEG stored as it is) while the
engine's thread scales pixels (\`model input\`) and runs each model; \`waiting for decoding\` is the
engine's thread idle for want of a decoded photo. Stages on the two threads overlap, so they add up to more than the time per photo.
Stage times are wall-clock: they include time a thread waits for a core while the other thread (or
anything else on the machine) runs, so a model's stage here is longer than its CPU time alone (in
one same-run check, V2 8-bit: 45.9 ms of stage time, 27.8 ms of the engine thread's CPU).

| feature id | runs on | ms per photo by stage |
|---|---|---|
${stageRows.join('\n')}

**Start-up** (the app's page in a fresh browser profile, then twice more in the same browser, then
once more after the browser was closed and started again on that profile; each visit a few seconds
long; a photo is dropped on "Try it" the moment the page has a place for it, and the time, taken in
the page from the navigation's start, is until the model has looked at it. The repeat and later
visits are returns within one browser session, where V8 still holds the runtime's compiled code in
memory; the visit after a restart is a person coming back another day: files, weights and the
remembered backend are cached, but the runtime's functions are compiled again as they are first
called, and optimised again: Chromium writes no code cache of the runtime, see src/offline/isolation.ts):

| visit | drop possible after | engine ready after | dropped photo looked at after |
|---|---|---|---|
${starts.map((s) => `| ${s.visit} | ${(s.dropAt / 1000).toFixed(1)} s | ${(s.ready / 1000).toFixed(1)} s | ${(s.looked / 1000).toFixed(1)} s |`).join('\n')}

**Download** for the default photo features (\`${defaultId}\`): weights ${mb(weightTotal)} (${weightRows.join(', ')}: every file the engine fetches),
plus the LiteRT runtime ${mb(runtimeBytes)} (threaded WASM and its script); both are cached by the
service worker after the first visit.`,
);
