import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { mobilenetV1, mobilenetV2 } from '../engine';
import { predict, type LogisticModel } from '../head';
import { HeadFileError } from './errors';
import { summariseEvaluation } from './evaluationSummary';
import { HEAD_FORMAT_VERSION, HEAD_LIMITS, headToFile, parseHeadFile, readHeadFile, type HeadFileInput } from './head';
import type { Migration } from './migrate';
import { seededRandom } from '../head/random';

/** A deterministic stream of numbers in [-1, 1). */
function random(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => uniform() * 2 - 1;
}

function makeModel(classes: string[], dim: number, { seed = 1, float32 = true } = {}): LogisticModel {
  const next = random(seed);
  const value = () => (float32 ? Math.fround(next() * 3) : next() * 3);
  return {
    kind: 'logistic',
    classes,
    dim,
    weights: Array.from({ length: classes.length * dim }, value),
    bias: classes.map(value),
    lambda: 10 ** -1.5,
    normalisation: 'l2',
  };
}

const bitsOf = (values: number[]) => Array.from(new BigUint64Array(Float64Array.from(values).buffer), String);

const evaluationSummary = {
  scheme: 'leave-one-out' as const,
  folds: 12,
  evaluated: 12,
  notEvaluated: 0,
  correct: 11,
  accuracy: 11 / 12,
  interval: { lower: 0.646, upper: 0.985 },
  unsure: 1,
  expectedCalibrationError: 0.05,
  perClass: [
    { evaluated: 6, correct: 6, accuracy: 1 },
    { evaluated: 6, correct: 5, accuracy: 5 / 6 },
  ],
};

const baseInput = (): HeadFileInput => ({
  model: makeModel(['cat', 'dog'], mobilenetV1.embeddingSize),
  backboneId: 'v1-0.75',
  evaluationSummary,
  appVersion: '0.1.0',
  createdAt: '2025-06-01T10:00:00.000Z',
  name: 'Pets',
});

describe('headToFile -> parseHeadFile round trip', () => {
  it('gives back the identical model, bit for bit, and identical predictions', () => {
    const model = makeModel(['hotdog', 'not hotdog', 'pizza'], 768, { seed: 7 });
    model.weights[5] = -0; // JSON.stringify alone would turn this into 0
    model.bias[1] = -0;
    model.weights[6] = Math.fround(1e-30);
    model.weights[7] = Math.fround(-987654.321);
    const file = headToFile({ ...baseInput(), model, evaluationSummary: null });
    const head = parseHeadFile(file.text);

    expect(head.model).toEqual(model);
    expect(bitsOf(head.model.weights)).toEqual(bitsOf(model.weights));
    expect(bitsOf(head.model.bias)).toEqual(bitsOf(model.bias));
    expect(Object.is(head.model.weights[5], -0)).toBe(true);

    const next = random(99);
    for (let i = 0; i < 5; i++) {
      const embedding = Float32Array.from({ length: 768 }, () => Math.max(0, next() * 6));
      expect(Array.from(predict(head.model, embedding))).toEqual(Array.from(predict(model, embedding)));
    }
  });

  it('keeps full float64 weights exact too', () => {
    const model = makeModel(['a', 'b'], 768, { seed: 3, float32: false });
    const head = parseHeadFile(headToFile({ ...baseInput(), model }).text);
    expect(bitsOf(head.model.weights)).toEqual(bitsOf(model.weights));
  });

  it('carries the facts around the model, and writing what was read gives the same text', () => {
    const file = headToFile(baseInput());
    expect(file.fileName).toBe('pets-classifier-2025-06-01.json');
    expect(file.mimeType).toBe('application/json');
    const head = parseHeadFile(file.text);
    expect(head).toMatchObject({
      formatVersion: HEAD_FORMAT_VERSION,
      backboneId: 'v1-0.75',
      weightsManifestSha256: [mobilenetV1.weightsManifestSha256],
      appVersion: '0.1.0',
      createdAt: '2025-06-01T10:00:00.000Z',
      name: 'Pets',
      evaluationSummary,
    });
    expect(head.migratedFrom).toBeUndefined();
    expect(headToFile(head).text).toBe(file.text);
  });

  it('writes one line per row of weights, and documents preprocessing', () => {
    const text = headToFile(baseInput()).text;
    const lines = text.split('\n');
    expect(lines.length).toBeLessThan(100);
    const doc = JSON.parse(text);
    expect(doc.features.backbones[0]).toEqual({
      id: 'v1-0.75',
      title: mobilenetV1.title,
      weightsManifestSha256: mobilenetV1.weightsManifestSha256,
      embeddingLayer: mobilenetV1.embeddingLayer,
      size: 768,
      preprocessing: {
        orientation: 'exif',
        crop: 'center-square',
        size: 224,
        background: '#ffffff',
        channels: 'rgb',
        scale: { divide: 127.5, subtract: 1 },
      },
    });
    expect(doc.classifier.weights).toHaveLength(2);
    expect(doc.classifier.weights[0]).toHaveLength(768);
  });

  it('handles a two-backbone, flip-averaged configuration', () => {
    const dim = mobilenetV1.embeddingSize + mobilenetV2.embeddingSize;
    const model = makeModel(['a', 'b', 'c'], dim, { seed: 11 });
    const file = headToFile({ model, backboneId: 'v1-0.75+v2-1.0+flip', createdAt: new Date('2025-01-02T03:04:05Z') });
    const doc = JSON.parse(file.text);
    expect(doc.features).toMatchObject({ id: 'v1-0.75+v2-1.0+flip', flip: true, combine: 'l2-normalise-and-concatenate', size: dim });
    expect(doc.features.backbones.map((b: { preprocessing: { scale: { divide: number } } }) => b.preprocessing.scale.divide)).toEqual([
      127.5, 128,
    ]);
    const head = parseHeadFile(file.text);
    expect(head.model).toEqual(model);
    expect(head.weightsManifestSha256).toEqual([mobilenetV1.weightsManifestSha256, mobilenetV2.weightsManifestSha256]);
    expect(head.evaluationSummary).toBeNull();
    expect(file.fileName).toBe('classifier-2025-01-02.json');
  });

  it('reads from bytes, a Blob, and text with a byte order mark', async () => {
    const { text } = headToFile(baseInput());
    const bytes = new TextEncoder().encode(text);
    expect(parseHeadFile(bytes).model.classes).toEqual(['cat', 'dog']);
    expect((await readHeadFile(new Blob([bytes]))).model.classes).toEqual(['cat', 'dog']);
    expect(parseHeadFile(`\ufeff${text}`).model.classes).toEqual(['cat', 'dog']);
    expect(parseHeadFile(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes])).model.classes).toEqual(['cat', 'dog']);
  });

  it('summarises an Evaluation without per-photo detail', () => {
    const summary = summariseEvaluation({
      scheme: 'k-fold',
      folds: 5,
      evaluated: 10,
      notEvaluated: [3],
      correct: 9,
      accuracy: 0.9,
      interval: { lower: 0.6, upper: 0.98 },
      perClass: [
        { className: 'a', evaluated: 5, correct: 5, accuracy: 1, interval: { lower: 0.5, upper: 1 } },
        { className: 'b', evaluated: 5, correct: 4, accuracy: 0.8, interval: { lower: 0.4, upper: 0.96 } },
      ],
      confusion: [],
      confusionExamples: [],
      calibration: { expectedCalibrationError: 0.1, bins: [] },
      unsure: { count: 2, accuracyWhenSure: 1 },
      predictions: [],
    });
    expect(summary).toEqual({
      scheme: 'k-fold',
      folds: 5,
      evaluated: 10,
      notEvaluated: 1,
      correct: 9,
      accuracy: 0.9,
      interval: { lower: 0.6, upper: 0.98 },
      unsure: 2,
      expectedCalibrationError: 0.1,
      perClass: [
        { evaluated: 5, correct: 5, accuracy: 1 },
        { evaluated: 5, correct: 4, accuracy: 0.8 },
      ],
    });
    const head = parseHeadFile(headToFile({ ...baseInput(), evaluationSummary: summary }).text);
    expect(head.evaluationSummary).toEqual(summary);
  });

  it('refuses to write a head it could not read back', () => {
    expect(() => headToFile({ ...baseInput(), model: makeModel(['cat', 'cat'], 768) })).toThrow(/both called “cat”/);
    expect(() => headToFile({ ...baseInput(), model: makeModel(['cat', ''], 768) })).toThrow(/empty name/);
    expect(() => headToFile({ ...baseInput(), backboneId: 'v7-giant' })).toThrow(/“v7-giant”/);
    const broken = makeModel(['cat', 'dog'], 768);
    broken.weights[3] = Number.NaN;
    expect(() => headToFile({ ...baseInput(), model: broken })).toThrow(HeadFileError);
  });

  it('says so when a head is too large for a classifier file', () => {
    const dim = mobilenetV1.embeddingSize + mobilenetV2.embeddingSize;
    const big = makeModel(
      Array.from({ length: 600 }, (_, i) => `class ${i}`),
      dim,
    );
    expect(() => headToFile({ model: big, backboneId: 'v1-0.75+v2-1.0' })).toThrow(
      /cannot be saved: with 600 classes of 2048 numbers it would be \d+ MB, more than the 20 MB/,
    );
  });
});

// ---------------------------------------------------------------------------------------------

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const baseDoc = (): Doc => JSON.parse(headToFile(baseInput()).text);
const edit = (change: (doc: Doc) => void): string => {
  const doc = baseDoc();
  change(doc);
  return JSON.stringify(doc);
};
const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const jpegBytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);

interface Case {
  name: string;
  file: () => string | Uint8Array;
  code: string;
  message: RegExp;
}

const malformed: Case[] = [
  { name: 'a PNG renamed .json', file: () => pngBytes, code: 'wrong-file-type', message: /^This is a PNG image, not a classifier file\./ },
  { name: 'a JPEG renamed .json', file: () => jpegBytes, code: 'wrong-file-type', message: /^This is a JPEG photo, not a classifier file/ },
  {
    name: 'a project backup dropped here',
    file: () => zipSync({ 'manifest.json': strToU8('{"format":"handful-project","version":1}'), 'photos/a/b.jpg': jpegBytes }),
    code: 'wrong-file-type',
    message: /^This is a Handful project backup \(\.zip\), not a classifier file\. Open it with “Restore from backup” instead\.$/,
  },
  {
    name: 'some other ZIP',
    file: () => zipSync({ 'notes.txt': strToU8('hi') }),
    code: 'wrong-file-type',
    message: /^This is a ZIP archive, not a classifier file/,
  },
  { name: 'a PDF', file: () => strToU8('%PDF-1.7\n...'), code: 'wrong-file-type', message: /^This is a PDF document/ },
  {
    name: 'UTF-16 text',
    file: () => new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    code: 'wrong-file-type',
    message: /binary file, not text/,
  },
  { name: 'invalid UTF-8', file: () => new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]), code: 'wrong-file-type', message: /not text/ },
  { name: 'an empty file', file: () => new Uint8Array(0), code: 'empty-file', message: /^This file is empty/ },
  { name: 'only spaces', file: () => '  \n ', code: 'empty-file', message: /^This file is empty/ },
  {
    name: 'plain text',
    file: () => 'my classifier: cats vs dogs',
    code: 'not-json',
    message: /^This file is not a Handful classifier: it is not valid JSON/,
  },
  {
    name: 'JSON cut short',
    file: () => headToFile(baseInput()).text.slice(0, 5000),
    code: 'not-json',
    message: /not valid JSON \(perhaps it was cut short/,
  },
  { name: 'a JSON list', file: () => '[1, 2, 3]', code: 'not-this-format', message: /does not say "format": "handful-classifier"/ },
  {
    name: 'JSON of another format',
    file: () => '{"format":"teachable-machine","labels":["a"]}',
    code: 'not-this-format',
    message: /^This is a “teachable-machine” file, not a Handful classifier/,
  },
  {
    name: 'a backup manifest taken out of its zip',
    file: () => '{"format":"handful-project","version":1}',
    code: 'not-this-format',
    message: /manifest of a Handful project backup/,
  },
  {
    name: 'a newer format version',
    file: () => edit((d) => (d.version = 2)),
    code: 'newer-version',
    message:
      /^This classifier was saved by a newer version of Handful \(file format version 2; this version reads up to 1\)\. Update Handful/,
  },
  {
    name: 'an older version with no migration',
    file: () => edit((d) => (d.version = 0)),
    code: 'unsupported-version',
    message: /old version of Handful \(file format version 0\)/,
  },
  {
    name: 'a version that is text',
    file: () => edit((d) => (d.version = '1')),
    code: 'invalid',
    message: /format version is the text "1"/,
  },
  {
    // Found by the fuzzer (src/format/fuzz): "its format version is undefined".
    name: 'no format version',
    file: () => edit((d) => delete d.version),
    code: 'invalid',
    message: /cannot be opened: its format version is missing; it should be a whole number like 1\./,
  },
  {
    // Found by the fuzzer (src/format/fuzz): the message quoted all of it.
    name: 'a very long text where a choice belongs',
    file: () => edit((d) => (d.features.combine = 'x'.repeat(100_000))),
    code: 'invalid',
    message: /^This classifier file cannot be opened: “features\.combine” should be .*, but it is "x{59}…\. It may be damaged/,
  },
  {
    name: 'a backbone this app does not have',
    file: () =>
      edit((d) => {
        d.features.id = 'v4-huge';
        d.features.backbones[0].id = 'v4-huge';
      }),
    code: 'incompatible-backbone',
    message:
      /^This classifier was made with a backbone this version of Handful does not have: “v4-huge”\. It has MobileNet V1 0\.75 \(fast\) \(v1-0\.75\)/,
  },
  {
    name: 'other weights of a known backbone',
    file: () => edit((d) => (d.features.backbones[0].weightsManifestSha256 = 'a'.repeat(64))),
    code: 'incompatible-backbone',
    message: /^This classifier was made for other weights of MobileNet V1 0\.75 \(fast\) than the ones this version of Handful has/,
  },
  {
    name: 'other preprocessing',
    file: () => edit((d) => (d.features.backbones[0].preprocessing.scale.divide = 255)),
    code: 'incompatible-backbone',
    message: /used differently/,
  },
  {
    name: 'a sha256 that is not one',
    file: () => edit((d) => (d.features.backbones[0].weightsManifestSha256 = 'abc')),
    code: 'invalid',
    message: /“features\.backbones\[0\]\.weightsManifestSha256” must be 64 lowercase hexadecimal digits/,
  },
  {
    name: 'features.id disagreeing with its backbones',
    file: () => edit((d) => (d.features.id = 'v1-0.75+flip')),
    code: 'invalid',
    message: /“features\.id” is “v1-0\.75\+flip” but its backbones say “v1-0\.75”/,
  },
  {
    name: 'a classifier dim other than the backbone gives',
    file: () => edit((d) => (d.classifier.dim = 767)),
    code: 'wrong-length',
    message: /takes 767 numbers per photo, but v1-0\.75 gives 768/,
  },
  {
    name: 'a short row of weights',
    file: () => edit((d) => d.classifier.weights[1].pop()),
    code: 'wrong-length',
    message: /row 2 of the weights \(class “dog”\) has 767 numbers; it should have 768/,
  },
  {
    name: 'one row of weights for two classes',
    file: () => edit((d) => d.classifier.weights.pop()),
    code: 'wrong-length',
    message: /2 classes but 1 rows of weights/,
  },
  {
    name: 'flat weights',
    file: () => edit((d) => (d.classifier.weights = d.classifier.weights.flat())),
    code: 'wrong-length',
    message: /2 classes but 1536 rows of weights/,
  },
  {
    name: 'a row that is not a list',
    file: () => edit((d) => (d.classifier.weights[0] = 'zeros')),
    code: 'invalid',
    message: /row 1 of the weights \(class “cat”\) is the text "zeros", not a list/,
  },
  {
    name: 'three bias values for two classes',
    file: () => edit((d) => d.classifier.bias.push(0)),
    code: 'wrong-length',
    message: /2 classes but 3 bias values/,
  },
  {
    name: '"NaN" in the weights',
    file: () => edit((d) => (d.classifier.weights[0][9] = 'NaN')),
    code: 'not-finite',
    message: /weight 10 of row 1 \(class “cat”\) is the text "NaN" where a number belongs/,
  },
  {
    name: 'null in the bias',
    file: () => edit((d) => (d.classifier.bias[1] = null)),
    code: 'not-finite',
    message: /bias 2 \(class “dog”\) is empty \(null\)/,
  },
  {
    name: '1e999 (Infinity) in the weights',
    file: () => headToFile(baseInput()).text.replace(/\[(-?[\d.e-]+),/, '[1e999,'),
    code: 'not-finite',
    message: /weight 1 of row 1 \(class “cat”\) is too large to be a number \(Infinity\)/,
  },
  {
    name: 'an absurdly large weight',
    file: () => edit((d) => (d.classifier.weights[1][0] = -1e300)),
    code: 'not-finite',
    message: /weight 1 of row 2 \(class “dog”\) is -1e\+300, far larger than any trained classifier has/,
  },
  {
    name: 'a missing lambda',
    file: () => edit((d) => delete d.classifier.lambda),
    code: 'invalid',
    message: /^This classifier file cannot be opened: “classifier\.lambda” is missing\./,
  },
  {
    name: 'a negative lambda',
    file: () => edit((d) => (d.classifier.lambda = -1)),
    code: 'invalid',
    message: /“classifier\.lambda” must not be negative/,
  },
  {
    name: 'a k-NN head',
    file: () => edit((d) => (d.classifier.kind = 'knn')),
    code: 'invalid',
    message: /“classifier\.kind” should be "logistic", but it is "knn"/,
  },
  {
    name: 'a date that is not one',
    file: () => edit((d) => (d.createdAt = 'yesterday')),
    code: 'invalid',
    message: /“createdAt” must be a date and time/,
  },
  {
    name: 'one class',
    file: () => edit((d) => (d.classifier.classes = ['cat'])),
    code: 'bad-class-names',
    message: /only one class; a classifier needs at least two/,
  },
  {
    name: '1001 classes',
    file: () => edit((d) => (d.classifier.classes = Array.from({ length: 1001 }, (_, i) => `c${i}`))),
    code: 'bad-class-names',
    message: /1001 classes; Handful works with at most 1000/,
  },
  {
    name: 'duplicate class names',
    file: () => edit((d) => (d.classifier.classes = ['dog', 'dog'])),
    code: 'bad-class-names',
    message: /classes 1 and 2 are both called “dog”/,
  },
  {
    name: 'an empty class name',
    file: () => edit((d) => (d.classifier.classes = ['cat', '  '])),
    code: 'bad-class-names',
    message: /class 2 has an empty name/,
  },
  {
    name: 'a class name that is a number',
    file: () => edit((d) => (d.classifier.classes = ['cat', 7])),
    code: 'bad-class-names',
    message: /the name of class 2 is not text/,
  },
  {
    name: 'a 201-character class name',
    file: () => edit((d) => (d.classifier.classes[0] = 'x'.repeat(201))),
    code: 'bad-class-names',
    message: /longer than 200 characters/,
  },
  {
    name: 'control characters in a name',
    file: () => edit((d) => (d.classifier.classes[0] = 'cat\u0007')),
    code: 'bad-class-names',
    message: /contains control characters/,
  },
  {
    name: 'an evaluation for three classes',
    file: () => edit((d) => d.evaluation.perClass.push({ evaluated: 1, correct: 1, accuracy: 1 })),
    code: 'wrong-length',
    message: /evaluation lists 3 classes, but the classifier has 2/,
  },
  {
    name: 'an accuracy above 1',
    file: () => edit((d) => (d.evaluation.accuracy = 1.5)),
    code: 'invalid',
    message: /“evaluation\.accuracy” must be between 0 and 1/,
  },
  {
    name: 'deep nesting',
    file: () => `{"format":"handful-classifier","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    code: 'hostile-json',
    message: /nested more than 16 levels deep/,
  },
  {
    name: 'a __proto__ key',
    file: () => headToFile(baseInput()).text.replace('"format"', '"__proto__": {"polluted": true}, "format"'),
    code: 'hostile-json',
    message: /contains the key “__proto__”/,
  },
  {
    name: 'a constructor key deep inside',
    file: () => headToFile(baseInput()).text.replace('"scale": {', '"scale": {"constructor": {"prototype": {}},'),
    code: 'hostile-json',
    message: /contains the key “constructor”/,
  },
  { name: 'an escaped __proto__ key', file: () => '{"\\u005f_proto__": {"polluted": true}}', code: 'hostile-json', message: /“__proto__”/ },
  {
    name: 'a key given twice',
    file: () => headToFile(baseInput()).text.replace('"kind": "logistic"', '"kind": "logistic", "kind": "knn"'),
    code: 'hostile-json',
    message: /the key “kind” appears twice/,
  },
  {
    name: 'a file over 20 MB',
    file: () => ' '.repeat(HEAD_LIMITS.maxBytes + 1),
    code: 'too-large',
    message: /too large to be a classifier file \(they are at most 20 MB\)/,
  },
];

describe('parseHeadFile refuses malformed files with a plain message', () => {
  it('has at least 20 cases', () => expect(malformed.length).toBeGreaterThanOrEqual(20));

  it.each(malformed.map((c) => [c.name, c] as const))('%s', (_, { file, code, message }) => {
    let error: unknown;
    try {
      parseHeadFile(file());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HeadFileError);
    expect((error as HeadFileError).code).toBe(code);
    expect((error as HeadFileError).message).toMatch(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('checks the size of a file before reading it', async () => {
    const big = new Blob([new Uint8Array(HEAD_LIMITS.maxBytes + 1)]);
    await expect(readHeadFile(big)).rejects.toMatchObject({ code: 'wrong-file-type', message: /binary file/ });
    const bigText = new Blob([' '.repeat(HEAD_LIMITS.maxBytes + 1)]);
    await expect(readHeadFile(bigText)).rejects.toMatchObject({ code: 'too-large' });
    const bigZip = new Blob([new Uint8Array([0x50, 0x4b, 0x03, 0x04]), new Uint8Array(HEAD_LIMITS.maxBytes)]);
    await expect(readHeadFile(bigZip)).rejects.toMatchObject({ code: 'wrong-file-type', message: /perhaps a Handful project backup/ });
  });
});

// ---------------------------------------------------------------------------------------------

describe('migration of older format versions', () => {
  /**
   * A made-up "version 0" draft, as a pre-release might have written it: flat weights, the
   * backbone as a bare id, no preprocessing. It never shipped; it proves the machinery works.
   */
  const draftV0 = (model: LogisticModel) => ({
    format: 'handful-classifier',
    version: 0,
    backbone: 'v1-0.75',
    created: 1748772000000,
    labels: model.classes,
    dim: model.dim,
    weights: model.weights,
    bias: model.bias,
    lambda: model.lambda,
  });

  const v0ToV1: Migration = {
    from: 0,
    up(doc) {
      const dim = doc.dim as number;
      const labels = doc.labels as string[];
      const flat = doc.weights as number[];
      return {
        format: 'handful-classifier',
        version: 1,
        createdAt: new Date(doc.created as number).toISOString(),
        appVersion: '0.0.0',
        features: {
          id: doc.backbone,
          flip: false,
          combine: 'none',
          size: dim,
          backbones: [
            {
              id: doc.backbone,
              weightsManifestSha256: mobilenetV1.weightsManifestSha256,
              embeddingLayer: mobilenetV1.embeddingLayer,
              size: dim,
              preprocessing: {
                orientation: 'exif',
                crop: 'center-square',
                size: 224,
                background: '#ffffff',
                channels: 'rgb',
                scale: { divide: 127.5, subtract: 1 },
              },
            },
          ],
        },
        classifier: {
          kind: 'logistic',
          normalisation: 'l2',
          dim,
          classes: labels,
          weights: labels.map((_, c) => flat.slice(c * dim, (c + 1) * dim)),
          bias: doc.bias,
          lambda: doc.lambda,
        },
        evaluation: null,
      };
    },
  };

  it('opens a version 0 draft through its migration, with the same model', () => {
    const model = makeModel(['cat', 'dog', 'bird'], 768, { seed: 5 });
    const head = parseHeadFile(JSON.stringify(draftV0(model)), { migrations: [v0ToV1] });
    expect(head.migratedFrom).toBe(0);
    expect(head.formatVersion).toBe(1);
    expect(head.model).toEqual(model);
    expect(head.createdAt).toBe('2025-06-01T10:00:00.000Z');
  });

  it('validates what a migration produced like any current file', () => {
    const model = makeModel(['cat', 'cat'], 768);
    expect(() => parseHeadFile(JSON.stringify(draftV0(model)), { migrations: [v0ToV1] })).toThrow(/both called “cat”/);
  });

  it('without the migration, says the version is too old', () => {
    expect(() => parseHeadFile(JSON.stringify(draftV0(makeModel(['a', 'b'], 768))))).toThrow(
      /old version of Handful \(file format version 0\)/,
    );
  });
});
