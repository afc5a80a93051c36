/**
 * The classifier file: "Download classifier" writes it, "Open classifier" reads it, and anyone
 * can use it outside Handful (docs/head-format.md). One small JSON document holding a trained
 * logistic head, the feature configuration (backbones, their weights and preprocessing) it was
 * trained on, and how well it did in cross-validation.
 *
 * Reading is strict: a file is used whole or refused with a HeadFileError whose message says, in
 * plain words, what is wrong; nothing in a file can crash the reader or reach a prototype.
 */
import * as v from 'valibot';
import { backbones as appBackbones } from '../engine';
import type { LogisticModel } from '../head';
import { appVersion as runningAppVersion } from './appVersion';
import { HeadFileError } from './errors';
import type { EvaluationSummary } from './evaluationSummary';
import { migrateToCurrent, type Migration } from './migrate';
import { hasOwn, isPlainObject, parseJsonSafely, type JsonProblem } from './safeJson';
import { bytesOf, describeKind, sniff } from './sniff';
import { fileSlug } from './slug';

/** The backbone's pixel scaling (v - zeroPoint) / divisor written as v / divide - subtract. */
const subtractOf = (spec: KnownBackbone) => (spec.scaling.zeroPoint ?? spec.scaling.divisor) / spec.scaling.divisor;

export const HEAD_FORMAT = 'handful-classifier';
export const HEAD_FORMAT_VERSION = 1;
/** Migrations of older versions to the current one, oldest first. Version 1 is the first. */
export const HEAD_MIGRATIONS: readonly Migration[] = [];

export const HEAD_LIMITS = {
  /** 1000 classes x 1280 numbers of ~20 characters is 25 MB; real heads are far smaller. */
  maxBytes: 20 * 1024 * 1024,
  minClasses: 2,
  maxClasses: 1000,
  maxClassNameLength: 200,
  maxNameLength: 200,
  /** Objects and lists nest 5 deep in a valid file; anything past this is not ours. */
  maxDepth: 16,
  /** Trained weights on unit-length inputs are small; this bound keeps every logit finite. */
  maxAbsWeight: 1e6,
  maxDim: 16384,
} as const;

/** The facts about a backbone a classifier file depends on (BackboneSpec in src/engine has them). */
export interface KnownBackbone {
  id: string;
  title: string;
  weightsManifestSha256: string;
  /** Absent when the embedding is the model's output. */
  embeddingLayer?: string;
  embeddingSize: number;
  inputSize: number;
  scaling: { divisor: number; zeroPoint?: number };
}

export interface HeadFormatOptions {
  /** The backbones this app has; the engine's registry unless a test says otherwise. */
  backbones?: readonly KnownBackbone[];
  migrations?: readonly Migration[];
}

/** What "Download classifier" needs from the app's state. */
export interface HeadFileInput {
  /** Its `classes` are the names people gave the classes, in the head's order. */
  model: LogisticModel;
  /** The feature configuration the embeddings came from: 'v1-0.75', 'v1-0.75+v2-1.0', 'v2-1.0+flip'... */
  backboneId: string;
  /**
   * sha256 of each backbone's weights manifest (scripts/setup/<dir>.sha256), in the order of
   * backboneId; a single string for a single backbone. Taken from the registry when absent.
   */
  weightsManifestSha256?: string | readonly string[];
  evaluationSummary?: EvaluationSummary | null;
  /** package.json version of the app that trained it; the running app's when absent. */
  appVersion?: string;
  createdAt?: Date | string;
  /** The project's name, shown to whoever opens the file and used in its file name. */
  name?: string;
}

/** A classifier file, read and checked. Passing it back to headToFile writes the same file. */
export interface HeadFile {
  formatVersion: typeof HEAD_FORMAT_VERSION;
  /** The version the file was written in, when it was older and got migrated. */
  migratedFrom?: number;
  model: LogisticModel;
  backboneId: string;
  weightsManifestSha256: string[];
  evaluationSummary: EvaluationSummary | null;
  appVersion: string;
  createdAt: string;
  name?: string;
}

export interface HeadFileOutput {
  fileName: string;
  mimeType: 'application/json';
  text: string;
}

// ---------------------------------------------------------------------------------------------
// The document, version 1, as stored.

const FLIP_SUFFIX = 'flip';
const sha256Pattern = /^[0-9a-f]{64}$/;

const count = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(0, 'must not be negative'));
const rate = v.nullable(v.pipe(v.number(), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')));

const preprocessingSchema = v.object({
  orientation: v.literal('exif'),
  crop: v.literal('center-square'),
  size: v.pipe(
    v.number(),
    v.integer('must be a whole number'),
    v.minValue(1, 'must be at least 1'),
    v.maxValue(4096, 'must be at most 4096'),
  ),
  background: v.literal('#ffffff'),
  channels: v.literal('rgb'),
  scale: v.object({
    divide: v.pipe(v.number(), v.finite('must be a finite number'), v.gtValue(0, 'must be more than 0')),
    subtract: v.pipe(v.number(), v.finite('must be a finite number')),
  }),
});

const backboneSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'is too long')),
  title: v.optional(v.pipe(v.string(), v.maxLength(200, 'is too long'))),
  weightsManifestSha256: v.pipe(v.string(), v.regex(sha256Pattern, 'must be 64 lowercase hexadecimal digits (a sha256)')),
  embeddingLayer: v.nullable(v.pipe(v.string(), v.maxLength(200, 'is too long'))),
  size: v.pipe(count, v.minValue(1, 'must be at least 1'), v.maxValue(HEAD_LIMITS.maxDim, `must be at most ${HEAD_LIMITS.maxDim}`)),
  preprocessing: preprocessingSchema,
});

const evaluationSchema = v.object({
  scheme: v.picklist(['leave-one-out', 'k-fold']),
  folds: count,
  evaluated: count,
  notEvaluated: count,
  correct: count,
  accuracy: rate,
  interval: v.object({
    lower: v.pipe(v.number(), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')),
    upper: v.pipe(v.number(), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')),
  }),
  unsure: count,
  expectedCalibrationError: rate,
  perClass: v.pipe(
    v.array(v.object({ evaluated: count, correct: count, accuracy: rate })),
    v.maxLength(HEAD_LIMITS.maxClasses, 'has too many entries'),
  ),
});

const documentSchema = v.object({
  format: v.literal(HEAD_FORMAT),
  version: v.literal(HEAD_FORMAT_VERSION),
  name: v.optional(v.pipe(v.string(), v.maxLength(HEAD_LIMITS.maxNameLength, `must be at most ${HEAD_LIMITS.maxNameLength} characters`))),
  createdAt: v.pipe(v.string(), v.isoTimestamp('must be a date and time like 2025-01-31T12:00:00.000Z')),
  appVersion: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(64, 'is too long')),
  features: v.object({
    id: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(300, 'is too long')),
    flip: v.boolean(),
    combine: v.picklist(['none', 'l2-normalise-and-concatenate']),
    size: v.pipe(count, v.minValue(1, 'must be at least 1'), v.maxValue(HEAD_LIMITS.maxDim, `must be at most ${HEAD_LIMITS.maxDim}`)),
    backbones: v.pipe(
      v.array(backboneSchema),
      v.minLength(1, 'must name at least one backbone'),
      v.maxLength(8, 'names too many backbones'),
    ),
  }),
  classifier: v.object({
    kind: v.literal('logistic'),
    normalisation: v.literal('l2'),
    dim: v.pipe(count, v.minValue(1, 'must be at least 1'), v.maxValue(HEAD_LIMITS.maxDim, `must be at most ${HEAD_LIMITS.maxDim}`)),
    classes: v.array(v.unknown()),
    // Numbers are checked by hand below, for messages that point at the exact row and column.
    weights: v.array(v.unknown()),
    bias: v.array(v.unknown()),
    lambda: v.pipe(v.number(), v.finite('must be a finite number'), v.minValue(0, 'must not be negative')),
  }),
  evaluation: v.nullable(evaluationSchema),
});

type HeadDocumentV1 = v.InferOutput<typeof documentSchema>;

// ---------------------------------------------------------------------------------------------
// Writing.

/** -0 survives as "-0" (JSON.stringify would write 0), so every float comes back bit for bit. */
function numberText(x: number): string {
  return Object.is(x, -0) ? '-0' : JSON.stringify(x);
}

function resolveFeatures(backboneId: string, registry: readonly KnownBackbone[]): { parts: (KnownBackbone | string)[]; flip: boolean } {
  const ids = backboneId.split('+');
  const flip = ids.length > 1 && ids.at(-1) === FLIP_SUFFIX;
  if (flip) ids.pop();
  return { parts: ids.map((id) => registry.find((spec) => spec.id === id) ?? id), flip };
}

function defaultHeadFileName(name: string | undefined, createdAt: string): string {
  const slug = fileSlug(name ?? '');
  return `${slug ? `${slug}-` : ''}classifier-${createdAt.slice(0, 10)}.json`;
}

/**
 * The classifier file for a trained head: its text, a file name and the MIME type, ready for
 * `new Blob([text], {type})`. Throws HeadFileError when the head could not be read back (say,
 * two classes share a name), so the app never hands out a file it would itself refuse.
 */
export function headToFile(input: HeadFileInput, options: HeadFormatOptions = {}): HeadFileOutput {
  const registry = options.backbones ?? appBackbones;
  const { model } = input;
  const { parts, flip } = resolveFeatures(input.backboneId, registry);
  const unknown = parts.filter((part): part is string => typeof part === 'string');
  if (unknown.length > 0) throw unknownBackbones(unknown, registry);
  const specs = parts as KnownBackbone[];
  model.classes.forEach((name, index) => {
    const problem = classNameProblem(name, index);
    if (problem) throw fail('bad-class-names', `This classifier cannot be saved: ${problem}.`);
  });
  const shas =
    input.weightsManifestSha256 === undefined ? specs.map((spec) => spec.weightsManifestSha256) : [input.weightsManifestSha256].flat();
  if (shas.length !== specs.length) {
    throw new HeadFileError('invalid', `The classifier names ${specs.length} backbone(s) but ${shas.length} weights manifest sha256(s).`);
  }
  const createdAt = input.createdAt === undefined ? new Date().toISOString() : new Date(input.createdAt).toISOString();

  const rows: string[] = [];
  const marker = (text: string) => `\u0000${rows.push(text) - 1}`;
  const numberList = (values: ArrayLike<number>) => `[${Array.from(values, numberText).join(', ')}]`;
  const weightRows = Array.from({ length: model.classes.length }, (_, c) =>
    marker(numberList(model.weights.slice(c * model.dim, (c + 1) * model.dim))),
  );

  const document = {
    format: HEAD_FORMAT,
    version: HEAD_FORMAT_VERSION,
    ...(input.name !== undefined && { name: input.name }),
    createdAt,
    appVersion: input.appVersion ?? runningAppVersion,
    features: {
      id: input.backboneId,
      flip,
      combine: specs.length > 1 ? 'l2-normalise-and-concatenate' : 'none',
      size: specs.reduce((sum, spec) => sum + spec.embeddingSize, 0),
      backbones: specs.map((spec, i) => ({
        id: spec.id,
        title: spec.title,
        weightsManifestSha256: shas[i],
        embeddingLayer: spec.embeddingLayer ?? null,
        size: spec.embeddingSize,
        preprocessing: {
          orientation: 'exif',
          crop: 'center-square',
          size: spec.inputSize,
          background: '#ffffff',
          channels: 'rgb',
          scale: { divide: spec.scaling.divisor, subtract: subtractOf(spec) },
        },
      })),
    },
    classifier: {
      kind: model.kind,
      normalisation: model.normalisation,
      dim: model.dim,
      classes: model.classes,
      weights: weightRows,
      bias: marker(numberList(model.bias)),
      lambda: model.lambda,
    },
    evaluation: input.evaluationSummary ?? null,
  };
  // Rows of numbers go one per line: readable, and diffable, without a line per number.
  const text = `${JSON.stringify(document, null, 2).replace(/"\\u0000(\d+)"/g, (_, index: string) => rows[Number(index)])}\n`;

  if (text.length > HEAD_LIMITS.maxBytes) {
    throw fail(
      'too-large',
      `This classifier cannot be saved: with ${model.classes.length} classes of ${model.dim} numbers it would be ${Math.round(text.length / 1024 / 1024)} MB, more than the ${Math.round(HEAD_LIMITS.maxBytes / 1024 / 1024)} MB a classifier file may have.`,
    );
  }
  // What the app writes it must be able to read: check it as a reader would (the weights may
  // legitimately be other than this app's, so they are not compared).
  parseHeadFile(text, { ...options, skipWeightsCheck: true });
  return { fileName: defaultHeadFileName(input.name, createdAt), mimeType: 'application/json', text };
}

// ---------------------------------------------------------------------------------------------
// Reading.

const fail = (code: ConstructorParameters<typeof HeadFileError>[0], message: string, detail?: string) =>
  new HeadFileError(code, message, detail);
const cannotOpen = 'This classifier file cannot be opened:';

function describeJsonProblem(problem: JsonProblem): HeadFileError {
  switch (problem.kind) {
    case 'syntax':
      return fail(
        'not-json',
        'This file is not a Handful classifier: it is not valid JSON (perhaps it was cut short or edited by hand).',
        problem.message,
      );
    case 'too-deep':
      return fail(
        'hostile-json',
        `This file is not a Handful classifier: its data is nested more than ${problem.maxDepth} levels deep, which no classifier file is.`,
      );
    case 'forbidden-key':
      return fail(
        'hostile-json',
        `This file is not a Handful classifier: it contains the key “${problem.key}”, which no classifier file has and which could be an attempt to tamper with the app.`,
      );
    case 'duplicate-key':
      return fail(
        'hostile-json',
        `${cannotOpen} the key “${problem.key}” appears twice in the same place, so it is unclear which value is meant.`,
      );
  }
}

function wrongFileType(kind: Parameters<typeof describeKind>[0], zipNames?: string[]): HeadFileError {
  if (kind === 'zip') {
    if (zipNames?.includes('manifest.json')) {
      return fail(
        'wrong-file-type',
        'This is a Handful project backup (.zip), not a classifier file. Open it with “Restore from backup” instead.',
      );
    }
    return fail(
      'wrong-file-type',
      'This is a ZIP archive, not a classifier file. Classifier files are .json files saved with “Download classifier”.',
    );
  }
  return fail(
    'wrong-file-type',
    `This is ${describeKind(kind)}, not a classifier file. Classifier files are .json files saved with “Download classifier”.`,
  );
}

function unknownBackbones(ids: string[], registry: readonly KnownBackbone[]): HeadFileError {
  const names = ids.map((id) => `“${id}”`).join(' and ');
  const have = registry.map((spec) => `${spec.title} (${spec.id})`).join(', ');
  return fail(
    'incompatible-backbone',
    `This classifier was made with ${ids.length > 1 ? 'backbones' : 'a backbone'} this version of Handful does not have: ${names}. It has ${have}. A newer Handful may have it.`,
  );
}

function pathOf(issue: v.BaseIssue<unknown>): string {
  let text = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  }
  return text || 'the file';
}

const typeWords: Record<string, string> = {
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  Array: 'a list',
  Object: 'an object',
};

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const where = `“${pathOf(issue)}”`;
  if (issue.kind === 'validation') return `${where} ${issue.message}`;
  if (issue.received === 'undefined') return `${where} is missing`;
  const expected = issue.expected ? (typeWords[issue.expected] ?? issue.expected.replaceAll('|', ' or ')) : 'something else';
  // What was received quotes the file, which may hold text of any length.
  const received = issue.received.length > 60 ? `${issue.received.slice(0, 60)}…` : issue.received;
  return `${where} should be ${expected}, but it is ${received}`;
}

function classNameProblem(name: unknown, index: number): string | undefined {
  const which = `class ${index + 1}`;
  if (typeof name !== 'string') return `the name of ${which} is not text`;
  if (name.trim() === '') return `${which} has an empty name`;
  if (name.length > HEAD_LIMITS.maxClassNameLength)
    return `the name of ${which} is longer than ${HEAD_LIMITS.maxClassNameLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return `the name of ${which} contains control characters`;
  return undefined;
}

function describeNumber(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'empty (null)';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (typeof value === 'number')
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'too large to be a number (Infinity)' : 'too small to be a number (-Infinity)';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}

/** Index of the first entry that is not a finite number within ±maxAbsWeight, or -1. */
function firstBadNumber(values: readonly unknown[]): number {
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !(Math.abs(x) <= HEAD_LIMITS.maxAbsWeight)) return i;
  }
  return -1;
}

function badNumberError(where: string, value: unknown): HeadFileError {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return fail(
      'not-finite',
      `${cannotOpen} ${where} is ${value}, far larger than any trained classifier has (at most ±${HEAD_LIMITS.maxAbsWeight}).`,
    );
  }
  return fail(
    'not-finite',
    `${cannotOpen} ${where} is ${describeNumber(value)} where a number belongs. A classifier file holds only ordinary (finite) numbers; this one is damaged.`,
  );
}

interface ValidateOptions extends HeadFormatOptions {
  /** headToFile's self-check: a head trained on other weights may still be written. */
  skipWeightsCheck?: boolean;
}

function validateDocument(raw: Record<string, unknown>, options: ValidateOptions): Omit<HeadFile, 'migratedFrom'> {
  const parsed = v.safeParse(documentSchema, raw, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw fail(
      'invalid',
      `${cannotOpen} ${describeIssue(issue)}. It may be damaged or have been edited by hand.`,
      v.getDotPath(issue) ?? undefined,
    );
  }
  const doc: HeadDocumentV1 = parsed.output;
  const registry = options.backbones ?? appBackbones;

  // The feature configuration: backbones this app has, with the same weights and preprocessing.
  const unknown = doc.features.backbones.map((backbone) => backbone.id).filter((id) => !registry.some((spec) => spec.id === id));
  if (unknown.length > 0) throw unknownBackbones(unknown, registry);
  const expectedId = [...doc.features.backbones.map((backbone) => backbone.id), ...(doc.features.flip ? [FLIP_SUFFIX] : [])].join('+');
  if (doc.features.id !== expectedId) {
    throw fail('invalid', `${cannotOpen} “features.id” is “${doc.features.id}” but its backbones say “${expectedId}”.`);
  }
  if (new Set(doc.features.backbones.map((backbone) => backbone.id)).size !== doc.features.backbones.length) {
    throw fail('invalid', `${cannotOpen} “features.backbones” names the same backbone twice.`);
  }
  const expectedCombine = doc.features.backbones.length > 1 ? 'l2-normalise-and-concatenate' : 'none';
  if (doc.features.combine !== expectedCombine) {
    throw fail(
      'invalid',
      `${cannotOpen} “features.combine” should be “${expectedCombine}” for ${doc.features.backbones.length} backbone(s).`,
    );
  }
  for (const backbone of doc.features.backbones) {
    const spec = registry.find((candidate) => candidate.id === backbone.id)!;
    const title = spec.title;
    if (!options.skipWeightsCheck && backbone.weightsManifestSha256 !== spec.weightsManifestSha256) {
      throw fail(
        'incompatible-backbone',
        `This classifier was made for other weights of ${title} than the ones this version of Handful has, so its answers would be meaningless here. Train it again from the photos (or open it in the Handful version that made it, ${doc.appVersion}).`,
        `weights manifest sha256: file ${backbone.weightsManifestSha256}, app ${spec.weightsManifestSha256}`,
      );
    }
    const prep = backbone.preprocessing;
    if (
      backbone.size !== spec.embeddingSize ||
      backbone.embeddingLayer !== (spec.embeddingLayer ?? null) ||
      prep.size !== spec.inputSize ||
      prep.scale.divide !== spec.scaling.divisor ||
      prep.scale.subtract !== subtractOf(spec)
    ) {
      throw fail(
        'incompatible-backbone',
        `This classifier expects ${title} to be used differently (its embedding layer, size or preprocessing) than this version of Handful does, so its answers would be meaningless here.`,
      );
    }
  }
  const featureSize = doc.features.backbones.reduce((sum, backbone) => sum + backbone.size, 0);
  if (doc.features.size !== featureSize) {
    throw fail('wrong-length', `${cannotOpen} “features.size” is ${doc.features.size}, but its backbones add up to ${featureSize}.`);
  }
  const { classifier } = doc;
  if (classifier.dim !== featureSize) {
    throw fail(
      'wrong-length',
      `${cannotOpen} the classifier takes ${classifier.dim} numbers per photo, but ${expectedId} gives ${featureSize}.`,
    );
  }

  // Classes.
  const classCount = classifier.classes.length;
  if (classCount < HEAD_LIMITS.minClasses) {
    throw fail(
      'bad-class-names',
      `${cannotOpen} it has ${classCount === 0 ? 'no classes' : 'only one class'}; a classifier needs at least two to choose between.`,
    );
  }
  if (classCount > HEAD_LIMITS.maxClasses) {
    throw fail('bad-class-names', `${cannotOpen} it has ${classCount} classes; Handful works with at most ${HEAD_LIMITS.maxClasses}.`);
  }
  classifier.classes.forEach((name, index) => {
    const problem = classNameProblem(name, index);
    if (problem) throw fail('bad-class-names', `${cannotOpen} ${problem}.`);
  });
  const classes = classifier.classes as string[];
  const seen = new Map<string, number>();
  classes.forEach((name, index) => {
    const key = name.normalize('NFC');
    if (seen.has(key))
      throw fail(
        'bad-class-names',
        `${cannotOpen} classes ${seen.get(key)! + 1} and ${index + 1} are both called “${name}”, so their answers could not be told apart.`,
      );
    seen.set(key, index);
  });

  // Weights (classes x dim) and bias (classes).
  if (classifier.weights.length !== classCount) {
    throw fail(
      'wrong-length',
      `${cannotOpen} it has ${classCount} classes but ${classifier.weights.length} rows of weights; there must be one row per class.`,
    );
  }
  const weights = new Array<number>(classCount * classifier.dim);
  classifier.weights.forEach((row, c) => {
    if (!Array.isArray(row))
      throw fail(
        'invalid',
        `${cannotOpen} row ${c + 1} of the weights (class “${classes[c]}”) is ${describeNumber(row)}, not a list of numbers.`,
      );
    if (row.length !== classifier.dim) {
      throw fail(
        'wrong-length',
        `${cannotOpen} row ${c + 1} of the weights (class “${classes[c]}”) has ${row.length} numbers; it should have ${classifier.dim}, one per embedding value.`,
      );
    }
    const bad = firstBadNumber(row);
    if (bad >= 0) throw badNumberError(`weight ${bad + 1} of row ${c + 1} (class “${classes[c]}”)`, row[bad]);
    for (let d = 0; d < row.length; d++) weights[c * classifier.dim + d] = row[d] as number;
  });
  if (classifier.bias.length !== classCount) {
    throw fail(
      'wrong-length',
      `${cannotOpen} it has ${classCount} classes but ${classifier.bias.length} bias values; there must be one per class.`,
    );
  }
  const badBias = firstBadNumber(classifier.bias);
  if (badBias >= 0) throw badNumberError(`bias ${badBias + 1} (class “${classes[badBias]}”)`, classifier.bias[badBias]);

  // Evaluation: its per-class entries follow the classes.
  const evaluation = doc.evaluation;
  if (evaluation) {
    if (evaluation.perClass.length !== classCount) {
      throw fail(
        'wrong-length',
        `${cannotOpen} its evaluation lists ${evaluation.perClass.length} classes, but the classifier has ${classCount}.`,
      );
    }
    if (evaluation.correct > evaluation.evaluated || evaluation.perClass.some((entry) => entry.correct > entry.evaluated)) {
      throw fail('invalid', `${cannotOpen} its evaluation counts more correct answers than photos evaluated.`);
    }
  }

  return {
    formatVersion: HEAD_FORMAT_VERSION,
    model: {
      kind: 'logistic',
      classes: [...classes],
      dim: classifier.dim,
      weights,
      bias: classifier.bias as number[],
      lambda: classifier.lambda,
      normalisation: 'l2',
    },
    backboneId: doc.features.id,
    weightsManifestSha256: doc.features.backbones.map((backbone) => backbone.weightsManifestSha256),
    evaluationSummary: evaluation
      ? {
          scheme: evaluation.scheme,
          folds: evaluation.folds,
          evaluated: evaluation.evaluated,
          notEvaluated: evaluation.notEvaluated,
          correct: evaluation.correct,
          accuracy: evaluation.accuracy,
          interval: { lower: evaluation.interval.lower, upper: evaluation.interval.upper },
          unsure: evaluation.unsure,
          expectedCalibrationError: evaluation.expectedCalibrationError,
          perClass: evaluation.perClass.map(({ evaluated, correct, accuracy }) => ({ evaluated, correct, accuracy })),
        }
      : null,
    appVersion: doc.appVersion,
    createdAt: doc.createdAt,
    ...(doc.name !== undefined && { name: doc.name }),
  };
}

/** Checks the parsed JSON's format and version, migrating older versions; see ./migrate. */
function currentDocument(value: unknown, migrations: readonly Migration[]): { document: Record<string, unknown>; migratedFrom?: number } {
  if (!isPlainObject(value) || !hasOwn(value, 'format')) {
    throw fail(
      'not-this-format',
      'This JSON file is not a Handful classifier (it does not say "format": "handful-classifier"). Classifier files are saved with “Download classifier”.',
    );
  }
  if (value.format !== HEAD_FORMAT) {
    const what =
      value.format === 'handful-project'
        ? 'the manifest of a Handful project backup'
        : typeof value.format === 'string'
          ? `a “${value.format.slice(0, 60)}” file`
          : 'some other kind of file';
    throw fail('not-this-format', `This is ${what}, not a Handful classifier. Classifier files are saved with “Download classifier”.`);
  }
  const check = migrateToCurrent(value, HEAD_FORMAT_VERSION, migrations);
  switch (check.kind) {
    case 'current':
      return check;
    case 'newer':
      return failNewer(check.version);
    case 'unsupported':
      throw fail(
        'unsupported-version',
        `This classifier was saved by an old version of Handful (file format version ${check.version}), which this version can no longer open. Train it again from the photos.`,
      );
    case 'bad-version':
      throw fail(
        'invalid',
        `${cannotOpen} its format version is ${describeNumber(check.value)}; it should be a whole number like ${HEAD_FORMAT_VERSION}.`,
      );
  }
}

function failNewer(version: number): never {
  throw fail(
    'newer-version',
    `This classifier was saved by a newer version of Handful (file format version ${version}; this version reads up to ${HEAD_FORMAT_VERSION}). Update Handful, by reloading the page while online, and try again.`,
  );
}

function textOf(data: string | Uint8Array | ArrayBuffer): string {
  if (typeof data === 'string') return data.charCodeAt(0) === 0xfeff ? data.slice(1) : data;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const kind = sniff(bytes);
  if (kind === 'empty') throw fail('empty-file', 'This file is empty, so it holds no classifier.');
  if (kind !== 'text') throw wrongFileType(kind, kind === 'zip' ? zipEntryNames(bytes) : undefined);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail(
      'wrong-file-type',
      'This file is not text, so it is not a classifier file. Classifier files are .json files saved with “Download classifier”.',
    );
  }
}

/** Names in a ZIP's central directory, to tell a Handful backup from any other ZIP; [] if unreadable. */
function zipEntryNames(bytes: Uint8Array): string[] {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let end = bytes.length - 22;
    while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
    if (end < 0) return [];
    const entries = view.getUint16(end + 10, true);
    let offset = view.getUint32(end + 16, true);
    const names: string[] = [];
    for (let i = 0; i < Math.min(entries, 1000) && offset + 46 <= bytes.length; i++) {
      if (view.getUint32(offset, true) !== 0x02014b50) break;
      const nameLength = view.getUint16(offset + 28, true);
      names.push(new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength)));
      offset += 46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
    }
    return names;
  } catch {
    return [];
  }
}

/**
 * Reads a classifier file's content (text or bytes) and checks every part of it. Throws
 * HeadFileError, whose message can be shown as is, for anything that is not a usable classifier.
 */
export function parseHeadFile(data: string | Uint8Array | ArrayBuffer, options: ValidateOptions = {}): HeadFile {
  const size = typeof data === 'string' ? data.length : data.byteLength;
  if (size > HEAD_LIMITS.maxBytes) throw tooLarge(size);
  const text = textOf(data);
  if (text.trim() === '') throw fail('empty-file', 'This file is empty, so it holds no classifier.');
  const parsed = parseJsonSafely(text, HEAD_LIMITS.maxDepth);
  if (!parsed.ok) throw describeJsonProblem(parsed.problem);
  const { document, migratedFrom } = currentDocument(parsed.value, options.migrations ?? HEAD_MIGRATIONS);
  const head = validateDocument(document, options);
  return migratedFrom === undefined ? head : { ...head, migratedFrom };
}

function tooLarge(size: number): HeadFileError {
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  return fail('too-large', `This file is ${mb(size)}, too large to be a classifier file (they are at most ${mb(HEAD_LIMITS.maxBytes)}).`);
}

/** parseHeadFile for a file the person picked or dropped; refuses an oversized file before reading it. */
export async function readHeadFile(file: Blob, options: HeadFormatOptions = {}): Promise<HeadFile> {
  if (file.size > HEAD_LIMITS.maxBytes) {
    // A big ZIP is most likely a project backup: say so rather than only "too large".
    const kind = sniff(await bytesOf(file.slice(0, 4096)));
    if (kind !== 'text' && kind !== 'empty' && kind !== 'zip') throw wrongFileType(kind);
    if (kind === 'zip')
      throw fail(
        'wrong-file-type',
        'This is a ZIP archive (perhaps a Handful project backup), not a classifier file. Open backups with “Restore from backup”.',
      );
    throw tooLarge(file.size);
  }
  return parseHeadFile(await bytesOf(file), options);
}
