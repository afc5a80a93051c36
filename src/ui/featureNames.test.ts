import { describe, expect, it } from 'vitest';
import { defaultFeaturesId, featureIds, teachableMachineBackbone } from '../engine/backbones';
import { featuresName, joinFeatures, modelsChoices, splitFeatures } from './featureNames';

describe('photo features on screen', () => {
  it('offers exactly the feature configurations the engine offers, the default among them', () => {
    const onScreen = modelsChoices.flatMap((choice) => [false, true].map((mirrored) => joinFeatures(choice.id, mirrored)));
    expect([...onScreen].sort()).toEqual([...featureIds].sort());
    expect(onScreen).toContain(defaultFeaturesId);
    expect(onScreen.some((id) => id.includes(teachableMachineBackbone.id))).toBe(false);
  });

  it('splits and joins the mirror option, and names each in words', () => {
    for (const id of featureIds) {
      const { models, mirrored } = splitFeatures(id);
      expect(joinFeatures(models, mirrored)).toBe(id);
    }
    const [fast, , both] = modelsChoices.map((choice) => choice.id);
    expect(splitFeatures(`${both}+flip`)).toEqual({ models: both, mirrored: true });
    expect(featuresName(fast)).toBe('Fast');
    expect(featuresName(`${both}+flip`)).toBe('Both models, mirrored too');
  });
});
