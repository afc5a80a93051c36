/**
 * `npx tsx scripts/bench-review.ts` (after `vite build`; E2E_DIST for another build): how quickly
 * "Check these next" moves on with a large pile. A project of 2,000 unsorted photos and 3 classes of
 * 5 is written straight into the app's IndexedDB (synthetic photos and embeddings, so no model
 * run), the app opens it, and the review is answered 30 times by key. For each answer: the time
 * from the key to the frame that shows the next photo, decoded. Meanwhile, every main-thread task
 * over 50 ms the browser reports (the classifier relearns and the pile is re-suggested after each
 * answer, in workers). Writes BENCHMARKS.md (section bench:review) unless --no-write; --baseline
 * DIR measures another build in turn with this one; --profile FILE records where the page's main
 * thread spent its time while answering (a .cpuprofile, summarised on the console).
 */
import { chromium, type Page } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { chromiumArgs, chromiumPath } from '../e2e/chromium';
import { machineDescription, servePreview, writeBenchmarkSection } from './lib/lab';
import { summariseProfile, type CpuProfile } from './lib/cpuProfile';

const pileSize = Number(process.env.PILE_SIZE ?? 2000);
const answers = 30;
const dim = 2048;
/** `--profile FILE`: a CPU profile of the page's main thread while answering, saved as FILE (.cpuprofile) and summarised. */
const profileFile = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;

/**
 * `--baseline DIR`: the same measurement on another build (for example the code before a change),
 * run in turn with this one, `rounds` times each, so both see the same machine.
 */
const baseline = process.argv.includes('--baseline') ? process.argv[process.argv.indexOf('--baseline') + 1] : undefined;
const rounds = baseline ? 2 : 1;

interface Measured {
  build: string;
  /** From the key to the start of the frame after the one that shows the next photo. */
  times: number[];
  /** From the key to the animation frame whose paint shows the next photo, decoded. */
  framed: number[];
  longTasks: number[];
  openSeconds: number;
}

/** Opens the generated project in `outDir`'s build and answers the review `answers` times. */
async function measure(outDir: string, profile: string | undefined): Promise<Measured> {
  const { server, address } = await servePreview(outDir);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    return await answerReview(await browser.newPage(), address, outDir, profile);
  } finally {
    await browser.close();
    await server.close();
  }
}

async function answerReview(page: Page, address: string, build: string, profileFile: string | undefined): Promise<Measured> {
  // tsx names the functions it compiles with a helper the page does not have.
  await page.addInitScript('window.__name = (f) => f');
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => w.longTasks.push(entry.duration))).observe({
      type: 'longtask',
      buffered: true,
    });
  });
  // Today's features, as the build has them: embeddings of another id would make the app look at all 2,000 photos again.
  await page.goto(new URL('lab.html', address).href);
  const featuresId = await page.waitForFunction(() => window.handfulLab?.defaultFeaturesId).then((handle) => handle.jsonValue());
  // Same origin as the app, before it runs: the project goes into its stores as the app writes them.
  await page.goto(new URL('manifest.webmanifest', address).href);
  await page.evaluate(
    async ({ pileSize, dim, featuresId }) => {
      const put = (db: string, store: string, entries: [string, unknown][]) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(db);
          open.onupgradeneeded = () => open.result.createObjectStore(store);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const transaction = open.result.transaction(store, 'readwrite');
            for (const [key, value] of entries) transaction.objectStore(store).put(value, key);
            transaction.oncomplete = () => resolve();
            transaction.onerror = () => reject(transaction.error);
          };
        });
      // Three clusters with overlap, so the classifier has doubts to ask about.
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
      const centres = [0, 1, 2].map(() => Float32Array.from({ length: dim }, () => random()));
      const colours = ['#c33', '#3a3', '#33c'];
      const photos: [string, unknown][] = [];
      const embeddings: [string, unknown][] = [];
      const make = async (hash: string, cls: number) => {
        const canvas = new OffscreenCanvas(64, 48);
        const context = canvas.getContext('2d')!;
        context.fillStyle = colours[cls];
        context.fillRect(0, 0, 64, 48);
        context.fillStyle = '#fff';
        context.fillText(hash.slice(-4), 8, 28);
        const image = await canvas.convertToBlob({ type: 'image/jpeg' });
        photos.push([hash, { version: 1, hash, image, thumbnail: image, width: 64, height: 48 }]);
        const embedding = Float32Array.from(centres[cls], (c) => Math.max(0, c + 1.6 * random()));
        embeddings.push([`${featuresId}:${hash}`, { version: 1, featuresId, hash, embedding }]);
      };
      const classes = [0, 1, 2].map((c) => ({ id: `class-${c}`, name: ['Red', 'Green', 'Blue'][c], photos: [] as object[] }));
      for (const [c, cls] of classes.entries())
        for (let i = 0; i < 5; i++) {
          const hash = `labelled-${c}-${i}`;
          await make(hash, c);
          cls.photos.push({ hash, name: `${hash}.jpg` });
        }
      const pile: object[] = [];
      for (let i = 0; i < pileSize; i++) {
        const hash = `pile-${String(i).padStart(5, '0')}`;
        await make(hash, i % 3);
        pile.push({ hash, name: `${hash}.jpg`, path: `pile/${hash}.jpg` });
      }
      const project = { version: 2, id: 'bench-pile', name: 'Bench pile', createdAt: 1, updatedAt: 1, featuresId, classes, pile };
      await put('handful-photos', 'photos', photos);
      await put('handful-embeddings', 'embeddings', embeddings);
      await put('handful-projects', 'projects', [[project.id, project]]);
      localStorage.setItem('handful:last-project', project.id);
    },
    { pileSize, dim, featuresId },
  );

  const opened = Date.now();
  await page.goto(new URL('?sw=off&backend=wasm', address).href);
  const review = page.getByTestId('review');
  await page
    .getByTestId('pile-count')
    .filter({ hasText: `${pileSize} unsorted photos` })
    .waitFor({ timeout: 120_000 });
  await page
    .getByTestId('review-suggestion')
    .filter({ hasText: /^Suggestion:/ })
    .waitFor({ timeout: 120_000 });
  const openSeconds = (Date.now() - opened) / 1000;
  // Thumbnails keep loading in stages after the names show: measure once the page has been quiet for 2 s.
  const longTaskCount = () => page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.length);
  for (let quiet = false, waited = 0; !quiet && waited < 60; waited += 2) {
    const count = await longTaskCount();
    await page.waitForTimeout(2000);
    quiet = (await longTaskCount()) === count;
  }
  await review.focus();
  const longTasksBefore = await longTaskCount();
  const cdp = profileFile ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }

  const times: number[] = [];
  const framed: number[] = [];
  for (let i = 0; i < answers; i++) {
    const [framedMs, ms] = await page.evaluate(
      async (key) => {
        const panel = document.querySelector('[data-testid="review"]')!;
        const before = panel.querySelector('.review-name')?.textContent;
        const started = performance.now();
        panel.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
        // Until a frame shows another photo, fully decoded.
        for (;;) {
          await new Promise(requestAnimationFrame);
          const image = panel.querySelector<HTMLImageElement>('[data-testid="review-photo"]');
          if (panel.querySelector('.review-name')?.textContent !== before && image?.complete) break;
        }
        // The frame being drawn now shows it; the next frame starts after whatever ran after that paint.
        const framed = performance.now() - started;
        await new Promise(requestAnimationFrame);
        return [framed, performance.now() - started];
      },
      String(1 + (i % 3)),
    );
    times.push(ms);
    framed.push(framedMs);
    // A person takes a moment per photo; learning and re-suggesting run meanwhile.
    await page.waitForTimeout(400);
  }
  await page.waitForTimeout(2000);
  if (cdp && profileFile) {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    await writeFile(profileFile, JSON.stringify(profile));
    console.log(`CPU profile of the main thread while answering: ${profileFile}\n${summariseProfile(profile, 25)}`);
  }
  const longTasks = await page.evaluate((from) => (window as unknown as { longTasks: number[] }).longTasks.slice(from), longTasksBefore);
  const measured = { build, times, framed, longTasks, openSeconds };
  console.log(summaryOf(measured));
  console.log(`per answer (ms): ${times.map((t) => t.toFixed(0)).join(', ')}`);
  console.log(`long tasks (ms): ${JSON.stringify(longTasks.map(Math.round))}`);
  return measured;
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const statsOf = ({ times, framed, longTasks }: Measured) => ({
  median: medianOf(times),
  worst: Math.max(...times),
  framedMedian: medianOf(framed),
  framedWorst: Math.max(...framed),
  longest: Math.round(Math.max(0, ...longTasks)),
});

function summaryOf(measured: Measured): string {
  const { median, worst, framedMedian, framedWorst, longest } = statsOf(measured);
  return `${measured.build}: ${answers} answers with ${pileSize} photos in the pile: next photo in the frame drawn after median ${framedMedian.toFixed(0)} ms (worst ${framedWorst.toFixed(0)} ms), and the frame after it after median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms; main-thread tasks over 50 ms meanwhile: ${measured.longTasks.length} (longest ${longest} ms); the project opened and suggested in ${measured.openSeconds.toFixed(1)} s`;
}

const build = process.env.E2E_DIST ?? 'dist';
const loads: number[] = [];
const results: Measured[] = [];
for (let round = 0; round < rounds; round++)
  for (const outDir of baseline ? [baseline, build] : [build]) {
    loads.push(os.loadavg()[0]);
    results.push(await measure(outDir, outDir === build && round === 0 ? profileFile : undefined));
  }
const row = (measured: Measured) => {
  const { median, worst, framedMedian, framedWorst, longest } = statsOf(measured);
  const label =
    measured.build === build ? `${pileSize}` : `${pileSize}, ${measured.build === baseline ? 'before (--baseline)' : measured.build}`;
  return `| ${label} | ${framedMedian.toFixed(0)} ms | ${framedWorst.toFixed(0)} ms | ${median.toFixed(0)} ms | ${worst.toFixed(0)} ms | ${measured.longTasks.length} | ${longest} ms |`;
};
function pooledRow(outDir: string, runs: Measured[]): string {
  const { median, worst, framedMedian, framedWorst, longest } = statsOf({
    build: outDir,
    times: runs.flatMap((run) => run.times),
    framed: runs.flatMap((run) => run.framed),
    longTasks: runs.flatMap((run) => run.longTasks),
    openSeconds: 0,
  });
  const tasks = runs.reduce((sum, run) => sum + run.longTasks.length, 0);
  const label = outDir === build ? 'this one' : 'before (--baseline)';
  return `| ${label} | ${framedMedian.toFixed(0)} ms | ${framedWorst.toFixed(0)} ms | ${median.toFixed(0)} ms | ${worst.toFixed(0)} ms | ${tasks} | ${longest} ms |`;
}
for (const outDir of baseline ? [baseline, build] : [])
  console.log(
    pooledRow(
      outDir,
      results.filter((measured) => measured.build === outDir),
    ),
  );
if (!process.argv.includes('--no-write'))
  await writeBenchmarkSection(
    'bench:review',
    `## Sorting a pile: "Check these next" with ${pileSize} photos

Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}, load average ${loads.map((load) => load.toFixed(1)).join(', ')} at the start
of each run (a busy shared machine makes every number larger), by \`npx tsx scripts/bench-review.ts${baseline ? ' --baseline <build before>' : ''}\`:
a project of 3 classes of 5 photos and ${pileSize} unsorted ones (synthetic photos and ${dim}-number embeddings
written straight into IndexedDB), ${answers} answers by key, 0.4 s apart. Time from the key to the
animation frame whose paint shows the next photo, decoded, and to the start of the frame after
that one (earlier runs reported only this; it also counts whatever the page did after the paint); main-thread tasks over 50 ms as Chromium reports them, while the
classifier relearns after each answer and the pile is suggested, queued and offered again (in workers).${
      baseline ? ` Each build was run ${rounds} times, in turn with the other.` : ''
    }

| pile | frame with the next photo, median | worst | the frame after it, median | worst | tasks over 50 ms | longest task |
|---|---|---|---|---|---|---|
${results.map(row).join('\n')}
${
  baseline
    ? `
All ${answers * rounds} answers of each build together:

| build | frame with the next photo, median | worst | the frame after it, median | worst | tasks over 50 ms | longest task |
|---|---|---|---|---|---|---|
${[baseline, build]
  .map((outDir) =>
    pooledRow(
      outDir,
      results.filter((measured) => measured.build === outDir),
    ),
  )
  .join('\n')}
`
    : ''
}`,
  );
