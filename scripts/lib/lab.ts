/**
 * Drives the built app's engine lab page (dist/lab.html) in Debian's Chromium, so benchmarks and
 * the evaluation harness measure the exact worker, preprocessing and weights users run.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { preview, type PreviewServer } from 'vite';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { resolve } from 'node:path';
import { checkFile, parseManifest } from '../setup/manifest';
import { chromiumArgs, chromiumPath } from '../../e2e/chromium';

export const projectRoot = resolve(import.meta.dirname, '..', '..');
export const sharedDatasets = resolve(projectRoot, '..', 'shared', 'datasets');
const sharedModels = resolve(projectRoot, '..', 'shared', 'models');
/** Backbones for comparison only: the app never serves them, so the lab gets them from ../shared. */
const evaluationOnlyModels = ['teachable_machine_mobilenet_v2_0.35_224'];

export interface Lab {
  page: Page;
  close(): Promise<void>;
}

/**
 * Serves a build of the app (dist/, or $E2E_DIST: an engineer's own) on a free local port, or on
 * `port` (a kept browser profile's data belongs to the origin it was made on).
 */
export async function servePreview(outDir = process.env.E2E_DIST ?? 'dist', port = 0): Promise<{ server: PreviewServer; address: string }> {
  const server = await preview({
    root: projectRoot,
    logLevel: 'warn',
    preview: { port, strictPort: port !== 0, host: '127.0.0.1' },
    build: { outDir },
  });
  const address = server.resolvedUrls?.local[0];
  if (!address) throw new Error('the preview server did not report its address');
  return { server, address };
}

/**
 * Serves the build (`outDir`, else as servePreview) and opens lab.html; files under `servedRoot`
 * are reachable at /files/<relative path>.
 */
export async function openLab(servedRoot: string, outDir?: string): Promise<Lab> {
  const { server, address } = await servePreview(outDir);
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const page = await browser.newPage();
  await page.route('**/files/**', (route) => {
    const relative = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/files\//, ''));
    return route.fulfill({ path: resolve(servedRoot, relative) });
  });
  for (const dir of evaluationOnlyModels) {
    const manifest = parseManifest(await readFile(resolve(projectRoot, 'scripts', 'setup', `${dir}.sha256`), 'utf8'));
    await page.route(`**/models/${dir}/*`, async (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      const entry = manifest.find((e) => e.file === name);
      const bytes = entry && new Uint8Array(await readFile(resolve(sharedModels, dir, name)));
      const problem = entry ? checkFile(entry, bytes) : `${name} is not in the manifest`;
      if (problem) throw new Error(`${dir}: ${problem}`);
      return route.fulfill({ body: Buffer.from(bytes!) });
    });
  }
  await page.goto(new URL('lab.html', address).href);
  await page.waitForFunction(() => 'handfulLab' in window);
  return {
    page,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * The machine in a line, as this run found it. `graphics`: what the browser reported (see the lab's
 * gpuAdapter()); runs that did not ask say so rather than guess.
 */
export function machineDescription(graphics = 'graphics not checked in this run'): string {
  return `${process.env.HANDFUL_MACHINE ?? 'this machine'}: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${graphics}, Chromium via Playwright, Node ${process.version}`;
}

/** Replaces the part of BENCHMARKS.md between this section's markers, keeping everything else. */
export async function writeBenchmarkSection(name: string, markdown: string): Promise<void> {
  const file = resolve(projectRoot, 'BENCHMARKS.md');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = '# Benchmarks\n\nWritten by `npm run bench` and `npm run eval`; each section says when and where it was measured.\n';
  }
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  text = pattern.test(text) ? text.replace(pattern, block) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
}
