import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../scripts/setup/manifest';
import { backbones, currentFeaturesId, defaultFeaturesId, featureIds, featuresById, mobilenetV1, mobilenetV2 } from './backbones';

const setupDir = resolve(import.meta.dirname, '..', '..', 'scripts', 'setup');

describe('backbone registry', () => {
  it.each(backbones.map((spec) => [spec.id, spec] as const))('%s names the sha256 of its committed weights manifest', (_, spec) => {
    const manifest = readFileSync(resolve(setupDir, `${spec.weightsDir}.sha256`));
    const actual = createHash('sha256').update(manifest).digest('hex');
    expect(spec.weightsManifestSha256, `update weightsManifestSha256 of ${spec.id} to ${actual}`).toBe(actual);
    // The files the engine fetches are among those setup installs and checks.
    const listed = parseManifest(manifest.toString()).map((entry) => entry.file);
    const modelFile = spec.format === 'tflite' ? 'embedding.tflite' : 'model.json';
    expect(listed).toContain(modelFile);
    expect(spec.modelUrl).toBe(`/models/${spec.weightsDir}/${modelFile}`);
    // Files of another backbone's folder (a borrowed classifier) are listed in that folder's manifest.
    const installed = (url: string) => {
      const [, , dir, file] = url.split('/');
      return parseManifest(readFileSync(resolve(setupDir, `${dir}.sha256`)).toString()).some((entry) => entry.file === file);
    };
    if (spec.classifier) expect(installed(spec.classifier.url), spec.classifier.url).toBe(true);
    // A backbone without ImageNet labels (Teachable Machine's) has its embedding as its output.
    if (spec.labelsUrl) {
      expect(installed(spec.labelsUrl), spec.labelsUrl).toBe(true);
      expect(spec.labelsUrl).toMatch(/\/metadata\.json$/);
    } else {
      expect(spec.embeddingLayer).toBeUndefined();
    }
  });

  it('has unique ids that cannot be mistaken for the parts of a feature id', () => {
    const ids = backbones.map((spec) => spec.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).not.toMatch(/\+|^flip$/);
  });

  it('describes MobileNet V2 1.0 as converted from TFLite', () => {
    expect(mobilenetV2).toMatchObject({
      id: 'v2-1.0',
      embeddingLayer: 'global_average_pooling2d',
      embeddingSize: 1280,
      inputSize: 224,
      scaling: { divisor: 128 },
      backgroundClass: 0,
    });
  });
});

describe('feature configurations', () => {
  it('a backbone id alone is the backbone, unflipped', () => {
    expect(featuresById('v1-0.75')).toEqual({ id: 'v1-0.75', backbones: [mobilenetV1], flip: false, embeddingSize: 768, inputSize: 224 });
    expect(featuresById('v2-1.0')).toMatchObject({ backbones: [mobilenetV2], flip: false, embeddingSize: 1280 });
  });

  it('joins backbones with + in order (the first gives the guesses), and +flip comes last', () => {
    expect(featuresById('v1-0.75+v2-1.0')).toMatchObject({ backbones: [mobilenetV1, mobilenetV2], flip: false, embeddingSize: 2048 });
    expect(featuresById('v2-1.0+v1-0.75').backbones).toEqual([mobilenetV2, mobilenetV1]);
    expect(featuresById('v2-1.0+flip')).toMatchObject({ id: 'v2-1.0+flip', backbones: [mobilenetV2], flip: true, embeddingSize: 1280 });
    expect(featuresById('v1-0.75+v2-1.0+flip')).toMatchObject({ flip: true, embeddingSize: 2048 });
  });

  it('refuses ids that name nothing, an unknown backbone, a backbone twice or flip out of place', () => {
    expect(() => featuresById('')).toThrow(/no backbone/);
    expect(() => featuresById('flip')).toThrow(/no backbone/);
    expect(() => featuresById('v3-1.0')).toThrow(/unknown backbone "v3-1.0"/);
    expect(() => featuresById('v1-0.75+v1-0.75')).toThrow(/twice/);
    expect(() => featuresById('flip+v1-0.75')).toThrow(/goes last/);
    expect(() => featuresById('v1-0.75+flip+flip')).toThrow(/goes last/);
  });

  it('refuses to mix LiteRT and TF.js models in one configuration', () => {
    expect(() => featuresById('v2-1.0-int8+v1-0.75')).toThrow(/mixes LiteRT and TF.js/);
  });

  it('moves a project of the earlier engine to the same choice today, anything unknown to the default', () => {
    const [fast, accurate, both] = featureIds;
    expect(currentFeaturesId('v1-0.75')).toBe(fast);
    expect(currentFeaturesId('v2-1.0+flip')).toBe(`${accurate}+flip`);
    expect(currentFeaturesId('v1-0.75+v2-1.0')).toBe(both);
    expect(currentFeaturesId(both)).toBe(both);
    expect(currentFeaturesId('v9-from-a-newer-release')).toBe(defaultFeaturesId);
    // Never to features whose embeddings are the old ones: the successors run on LiteRT.
    for (const id of ['v1-0.75', 'v2-1.0', 'v1-0.75+v2-1.0']) expect(currentFeaturesId(id)).not.toBe(id);
  });

  it('every named configuration is valid', () => {
    for (const id of featureIds) expect(featuresById(id).id).toBe(id);
  });
});
