/**
 * Embeddings for the harness, computed by the app's own engine (lab.html in Chromium, WASM) and
 * cached on disk by file content hash and feature id, so a re-run takes seconds.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeFeatures } from '../../src/engine/features';
import { openLab, projectRoot, type Lab } from '../lib/lab';
import { cosine } from '../../src/head/normalize';

const cacheRoot = join(projectRoot, '.cache', 'embeddings');
const chunk = 48;

export interface EmbeddingSource {
  /** One embedding per path (relative to `root`), in order. */
  embed(features: string, root: string, paths: string[]): Promise<Float32Array[]>;
  /** The feature configuration the app uses unless the user picks another. */
  defaultFeaturesId(): Promise<string>;
  close(): Promise<void>;
}

export function createEmbeddingSource(log: (line: string) => void): EmbeddingSource {
  let lab: Lab | undefined;
  let labRoot = '';
  let started = '';

  async function engineFor(features: string, root: string, batchSize: number): Promise<Lab> {
    if (lab && labRoot !== root) {
      await lab.close();
      lab = undefined;
    }
    if (!lab) {
      lab = await openLab(root);
      labRoot = root;
      started = '';
    }
    const key = `${features}/${batchSize}`;
    if (started !== key) {
      await lab.page.evaluate(({ f, b }) => window.handfulLab.start(f, 'wasm', b), { f: features, b: batchSize });
      started = key;
    }
    return lab;
  }

  async function compute(features: string, root: string, paths: string[], batchSize: number): Promise<Float32Array[]> {
    const { page } = await engineFor(features, root, batchSize);
    const { results } = await page.evaluate(
      (urls) => window.handfulLab.embedUrls(urls),
      paths.map((p) => `/files/${p.split('/').map(encodeURIComponent).join('/')}`),
    );
    return paths.map((path, i) => {
      const result = results.find((r) => r.index === i);
      if (!result?.embedding) throw new Error(`${path}: ${result?.problem ?? 'no embedding came back'}`);
      return Float32Array.from(result.embedding);
    });
  }

  async function embed(features: string, root: string, paths: string[]): Promise<Float32Array[]> {
    // Keyed by the exact weights too: new weights under an old name never reuse old embeddings.
    const { page } = await engineFor(features, root, 8);
    const weights = await page.evaluate((f) => window.handfulLab.weightsOf(f), features);
    const weightsKey = createHash('sha256')
      .update(weights.map((w) => w.weightsManifestSha256).join())
      .digest('hex')
      .slice(0, 12);
    const dir = join(cacheRoot, `${features}@${weightsKey}`);
    await mkdir(dir, { recursive: true });
    const hashes = await Promise.all(
      paths.map(async (p) =>
        createHash('sha256')
          .update(await readFile(join(root, p)))
          .digest('hex'),
      ),
    );
    const cached = new Map<number, Float32Array>();
    for (const [i, hash] of hashes.entries()) {
      const file = join(dir, `${hash}.f32`);
      if (existsSync(file)) {
        // A Buffer may be a view into a larger shared pool: copy exactly its own bytes.
        const bytes = await readFile(file);
        cached.set(i, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
      }
    }
    const missing = paths.map((_, i) => i).filter((i) => !cached.has(i));
    if (missing.length > 0) log(`embedding ${missing.length} of ${paths.length} photos with ${features} in Chromium (WASM)…`);
    for (let start = 0; start < missing.length; start += chunk) {
      const indices = missing.slice(start, start + chunk);
      const embeddings = await compute(
        features,
        root,
        indices.map((i) => paths[i]),
        8,
      );
      for (const [j, i] of indices.entries()) {
        cached.set(i, embeddings[j]);
        await writeFile(join(dir, `${hashes[i]}.f32`), new Uint8Array(embeddings[j].buffer));
      }
      log(`  ${Math.min(start + chunk, missing.length)} / ${missing.length}`);
    }
    // Proof that the cache holds what the app computes today: re-embed a few photos live, one at
    // a time (a different batch size from the cached run), and compare.
    const probe = paths.slice(0, 3);
    const live = await compute(features, root, probe, 1);
    live.forEach((embedding, i) => {
      const similarity = cosine(embedding, cached.get(i)!);
      if (!(similarity > 0.999))
        throw new Error(`cached embedding of ${probe[i]} differs from the app's (cosine ${similarity}); delete .cache/embeddings`);
    });
    log(`checked: ${probe.length} cached embeddings equal the app's live ones (cosine > 0.999)`);
    return paths.map((_, i) => cached.get(i)!);
  }

  /**
   * An ensemble is composed from its backbones' cached embeddings with the engine's own
   * composeFeatures, rather than run again; the live check below compares with the engine's result.
   */
  async function embedComposed(features: string, root: string, paths: string[]): Promise<Float32Array[]> {
    const parts = features.split('+');
    const flip = parts.at(-1) === 'flip';
    const backbones = flip ? parts.slice(0, -1) : parts;
    if (backbones.length === 1) return embed(features, root, paths);
    const perBackbone: Float32Array[][] = [];
    for (const backbone of backbones) perBackbone.push(await embed(flip ? `${backbone}+flip` : backbone, root, paths));
    const composed = paths.map((_, i) => composeFeatures(perBackbone.map((embeddings) => [embeddings[i]])));
    const probe = paths.slice(0, 3);
    const live = await compute(features, root, probe, 1);
    live.forEach((embedding, i) => {
      const similarity = cosine(embedding, composed[i]);
      if (!(similarity > 0.999))
        throw new Error(`composed ${features} embedding of ${probe[i]} differs from the app's (cosine ${similarity})`);
    });
    log(`checked: ${probe.length} composed ${features} embeddings equal the app's live ones (cosine > 0.999)`);
    return composed;
  }

  return {
    embed: embedComposed,
    async defaultFeaturesId() {
      if (!lab) {
        lab = await openLab(projectRoot);
        labRoot = projectRoot;
      }
      return lab.page.evaluate(() => window.handfulLab.defaultFeaturesId);
    },
    async close() {
      await lab?.close();
    },
  };
}
