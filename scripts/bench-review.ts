/**
 * `npx tsx scripts/bench-review.ts` (after `vite build`; E2E_DIST for another build): how quickly
 * "Check these next" moves on with a large pile. A project of 2,000 unsorted photos and 3 classes of
 * 5 is written straight into the app's IndexedDB (synthetic photos and embeddings, so no model
 * run), the app opens it, and the review is answered 30 times by key. For each answer: the time
 * from the key to the frame that shows the next photo, decoded. Meanwhile, every main-thread task
 * over 50 ms the browser reports (the classifier relearns and the pile is re-suggested after each
 * answer, in workers). Writes BENCHMARKS.md (section bench:pile).
 */
import { chromium } from '@playwright/test';
import os from 'node:os';
import { defaultFeaturesId } from '../src/engine/backbones';
import { chromiumArgs, chromiumPath } from '../e2e/chromium';
import { machineDescription, servePreview, writeBenchmarkSection } from './lib/lab';

const pileSize = Number(process.env.PILE_SIZE ?? 2000);
const answers = 30;
const dim = 2048;
// Today's features: embeddings of another id would make the app look at all 2,000 photos again.
const featuresId = defaultFeaturesId;

const loadBefore = os.loadavg()[0];
const { server, address } = await servePreview();
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  const page = await browser.newPage();
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

  const times: number[] = [];
  for (let i = 0; i < answers; i++) {
    const ms = await page.evaluate(
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
        await new Promise(requestAnimationFrame);
        return performance.now() - started;
      },
      String(1 + (i % 3)),
    );
    times.push(ms);
    // A person takes a moment per photo; learning and re-suggesting run meanwhile.
    await page.waitForTimeout(400);
  }
  await page.waitForTimeout(2000);
  const longTasks = await page.evaluate((from) => (window as unknown as { longTasks: number[] }).longTasks.slice(from), longTasksBefore);
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const worst = sorted.at(-1)!;
  const summary = `${answers} answers with ${pileSize} photos in the pile: next photo shown after median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms; main-thread tasks over 50 ms meanwhile: ${longTasks.length} (longest ${Math.round(Math.max(0, ...longTasks))} ms); the project opened and suggested in ${openSeconds.toFixed(1)} s`;
  console.log(summary);
  console.log(`per answer (ms): ${times.map((t) => t.toFixed(0)).join(', ')}`);
  console.log(`long tasks (ms): ${JSON.stringify(longTasks.map(Math.round))}`);
  if (!process.argv.includes('--no-write'))
    await writeBenchmarkSection(
      'bench:review',
      `## Sorting a pile: "Check these next" with ${pileSize} photos

Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}, load average ${loadBefore.toFixed(1)} at the start
(a busy shared machine makes every number larger), by \`npx tsx scripts/bench-review.ts\`:
a project of 3 classes of 5 photos and ${pileSize} unsorted ones (synthetic photos and ${dim}-number embeddings
written straight into IndexedDB), ${answers} answers by key, 0.4 s apart. Time from the key to the frame
that shows the next photo, decoded; main-thread tasks over 50 ms as Chromium reports them, while the
classifier relearns after each answer and the pile is suggested again (both in workers).

| pile | next photo shown, median | worst | tasks over 50 ms | longest task |
|---|---|---|---|---|
| ${pileSize} | ${median.toFixed(0)} ms | ${worst.toFixed(0)} ms | ${longTasks.length} | ${Math.round(Math.max(0, ...longTasks))} ms |
`,
    );
} finally {
  await browser.close();
  await server.close();
}
