/**
 * The photo features a person can choose, in their words: which models look at each photo, and
 * whether its mirror image is looked at too. Together they name one of the engine's offered
 * feature configurations (featureIds in src/engine/backbones.ts).
 */
export interface ModelsChoice {
  /** Backbone ids joined by '+': a feature configuration without '+flip'. */
  id: string;
  name: string;
  /** How many models, and the cost, in a few words. */
  size: string;
  /** The trade-off in one line. */
  explanation: string;
}

export const modelsChoices: readonly ModelsChoice[] = [
  {
    id: 'v1-0.75-int8',
    name: 'Fast',
    size: '1 small model',
    explanation: 'Fine when the classes look clearly different.',
  },
  {
    id: 'v2-1.0-int8',
    name: 'More accurate',
    size: '1 larger model',
    explanation: 'Usually gets more right, most of all with few photos or classes that look alike.',
  },
  {
    id: 'v1-0.75-int8+v2-1.0-int8',
    name: 'Both models',
    size: '2 models, slowest',
    explanation: 'Both models together: sometimes a little better still, but adding photos takes longest.',
  },
];

const flipSuffix = '+flip';

export function splitFeatures(featuresId: string): { models: string; mirrored: boolean } {
  const mirrored = featuresId.endsWith(flipSuffix);
  return { models: mirrored ? featuresId.slice(0, -flipSuffix.length) : featuresId, mirrored };
}

export function joinFeatures(models: string, mirrored: boolean): string {
  return mirrored ? `${models}${flipSuffix}` : models;
}

/** "Fast", "Both models, mirrored too": what a project's features are called on screen. */
export function featuresName(featuresId: string): string {
  const { models, mirrored } = splitFeatures(featuresId);
  const name = modelsChoices.find((choice) => choice.id === models)?.name ?? featuresId;
  return mirrored ? `${name}, mirrored too` : name;
}
