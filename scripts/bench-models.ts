/**
 * `npx tsx scripts/bench-models.ts`: each backbone's model alone, as issue 9 measured it: LiteRT.js
 * (the app's threaded WASM build) in a bare page of headless Chromium, one invoke per photo on a fixed
 * input, no decoding, no copies, no worker messages. Compares 1 thread with every core, for the
 * app's 8-bit files (public/models, made by `npm run setup`) and Google's unmodified int8 V2
 * (../shared/models/tflite), each model's two in interleaved rounds. Prints only: it says what the
 * end-to-end figures of `npm run bench` are bounded by, and is not one of them.
 *
 * Options: --rounds R (default 6), --runs N per model and round (default 10).
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../e2e/chromium';
import { isolationHeaders } from '../src/offline/isolation';
import { machineDescription, projectRoot } from './lib/lab';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const rounds = option('rounds', 6);
const runs = option('runs', 10);

const litert = join(projectRoot, 'node_modules', '@litertjs');
const sharedModels = join(projectRoot, '..', 'shared', 'models');
const models: Record<string, string> = {
  'v1-0.75-int8': join(projectRoot, 'public/models/mobilenet_v1_0.75_224_int8/embedding.tflite'),
  'v2-1.0-int8': join(projectRoot, 'public/models/mobilenet_v2_1.0_224_int8/embedding.tflite'),
  "Google's int8 V2 1.0, uncut": join(sharedModels, 'tflite/tf2_mobilenet_v2_1.0_224_ptq.tflite'),
};
const routes: Record<string, string> = {
  '/core.js': join(litert, 'core/dist/index.js'),
  '/wasm-utils.js': join(litert, 'wasm-utils/dist/index.js'),
  ...Object.fromEntries(Object.values(models).map((path, i) => [`/model-${i}.tflite`, path])),
};
const page = `<!doctype html><script type="importmap">{"imports":{"@litertjs/wasm-utils":"/wasm-utils.js"}}</script>`;

// Cross-origin isolated, as the app is: LiteRT's threads need SharedArrayBuffer.
const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0];
  const file = path.startsWith('/wasm/') ? join(litert, 'core/wasm', path.slice('/wasm/'.length)) : routes[path];
  if (path === '/') {
    response.writeHead(200, { 'content-type': 'text/html', ...isolationHeaders }).end(page);
  } else if (file && statSync(file, { throwIfNoEntry: false })?.isFile()) {
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, ...isolationHeaders }).end(readFileSync(file));
  } else {
    response.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  const tab = await browser.newPage();
  await tab.goto(address);
  const names = Object.keys(models);
  const results = await tab.evaluate(
    async ({ count, rounds, runs }) => {
      const { loadLiteRt, loadAndCompile, Tensor } = await import('/core.js' as string);
      await loadLiteRt('/wasm/', { threads: true });
      const cores = navigator.hardwareConcurrency;
      interface Compiled {
        i: number;
        threads: number;
        model: { run(input: unknown): Promise<{ delete(): void }[]>; delete(): void };
        data: Uint8Array | Float32Array;
        shape: number[];
        ms: number[];
      }
      const compiled: Compiled[] = [];
      // One model at a time, at 1 thread and at every core, in interleaved rounds: LiteRT's
      // pthread pool has one worker a core, so a third model at every core would get none.
      for (let i = 0; i < count; i++) {
        const bytes = new Uint8Array(await (await fetch(`/model-${i}.tflite`)).arrayBuffer());
        const pair: Compiled[] = [];
        for (const threads of [1, cores]) {
          const model = await loadAndCompile(bytes.slice(), { accelerator: 'wasm', cpuOptions: { numThreads: threads } });
          const [input] = model.getInputDetails();
          const size = input.shape.reduce((a: number, b: number) => a * b, 1);
          const data =
            input.dtype === 'uint8'
              ? new Uint8Array(size).map((_, j) => j % 251)
              : new Float32Array(size).map((_, j) => (j % 251) / 125 - 1);
          pair.push({ i, threads, model, data, shape: Array.from(input.shape), ms: [] });
        }
        // Warm-up runs first (written out inline: a named helper would be rewritten by tsx into
        // a call the page does not have).
        for (let round = -1; round < rounds; round++) {
          for (const entry of pair) {
            for (let k = 0; k < (round < 0 ? 3 : runs); k++) {
              const input = new Tensor(entry.data, entry.shape);
              const start = performance.now();
              const outputs = await entry.model.run(input);
              if (round >= 0) entry.ms.push(performance.now() - start);
              outputs.forEach((output) => output.delete());
              input.delete();
            }
          }
        }
        pair.forEach((entry) => entry.model.delete());
        compiled.push(...pair);
      }
      return compiled.map(({ i, threads, ms }) => ({ i, threads, ms }));
    },
    { count: names.length, rounds, runs },
  );
  console.log(`Models alone (LiteRT WASM, bare page), per model ${rounds} interleaved rounds of ${runs} runs; ${machineDescription()}`);
  console.log('| model | threads | ms per photo, median (10th percentile) | photos/s at the median |');
  console.log('|---|---|---|---|');
  for (const { i, threads, ms } of results) {
    const sorted = [...ms].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1];
    const low = sorted[Math.floor(sorted.length / 10)];
    console.log(`| ${names[i]} | ${threads} | ${median.toFixed(1)} (${low.toFixed(1)}) | ${(1000 / median).toFixed(0)} |`);
  }
} finally {
  await browser.close();
  server.close();
}
