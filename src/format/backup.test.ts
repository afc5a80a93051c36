import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { backbones, mobilenetV1 } from '../engine';
import type { LogisticModel } from '../head';
import { backupFileName, readBackup, unsafeEntryName, writeBackup, type BackupLimits, type ProjectBackup } from './backup';
import { BackupError } from './errors';
import { headToFile } from './head';

const jpeg = (seed: number, length = 300) => {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 17) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
};

const model = (): LogisticModel => ({
  kind: 'logistic',
  classes: ['Cat', 'Dog'],
  dim: 768,
  weights: Array.from({ length: 2 * 768 }, (_, i) => Math.fround(Math.sin(i) / 3)),
  bias: [0.25, -0.25],
  lambda: 0.01,
  normalisation: 'l2',
});

function project(): ProjectBackup {
  const vectors = new Map<string, Float32Array>([
    ['p1', Float32Array.from({ length: 768 }, (_, i) => Math.cos(i))],
    ['p2', Float32Array.from({ length: 768 }, (_, i) => -0.5 + i / 1000)],
    ['p3', new Float32Array(768).fill(0.125)],
    ['u1', Float32Array.from({ length: 768 }, (_, i) => Math.sin(i))],
  ]);
  return {
    project: { name: 'Pets at home', featuresId: 'v1-0.75', createdAt: '2025-05-30T08:00:00.000Z' },
    classes: [
      {
        id: '0b7e2a4c-1111-4e0e-9c55-6a1d6f7f0001',
        name: 'Cat',
        photos: [
          { id: 'p1', name: 'IMG_0001.JPG', blob: new Blob([jpeg(1)], { type: 'image/jpeg' }), width: 4032, height: 3024 },
          { id: 'p2', name: 'kitten (2).png', blob: new Blob([jpeg(2, 500)], { type: 'image/png' }) },
        ],
      },
      {
        id: '0b7e2a4c-1111-4e0e-9c55-6a1d6f7f0002',
        name: 'Dog',
        photos: [{ id: 'p3', name: 'rex.jpg', blob: new Blob([jpeg(3)], { type: 'image/jpeg' }) }],
      },
      { id: 'empty-class', name: 'Bird', photos: [] },
    ],
    pile: [
      { id: 'u1', name: 'IMG_0107.JPG', path: 'trip/day 1/IMG_0107.JPG', blob: new Blob([jpeg(4)], { type: 'image/jpeg' }), width: 800 },
      {
        id: 'u2',
        name: 'café, “été”.webp',
        path: 'trip/día 2/café, “été”.webp',
        blob: new Blob([jpeg(5, 200)], { type: 'image/webp' }),
        accepted: { classId: '0b7e2a4c-1111-4e0e-9c55-6a1d6f7f0002', confidence: 0.975 },
      },
    ],
    embeddings: { featuresId: 'v1-0.75', vectors },
    head: { model: model(), backboneId: 'v1-0.75', createdAt: '2025-06-01T00:00:00.000Z', appVersion: '0.1.0' },
  };
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe('project backup round trip', () => {
  it('gives back the same classes, photos, embeddings and head', async () => {
    const original = project();
    const zip = await writeBackup(original, { createdAt: '2025-06-02T00:00:00.000Z', appVersion: '0.1.0' });
    expect(zip.type).toBe('application/zip');
    const restored = await readBackup(zip);

    expect(restored.warnings).toEqual([]);
    expect(restored.createdAt).toBe('2025-06-02T00:00:00.000Z');
    expect(restored.appVersion).toBe('0.1.0');
    expect(restored.project).toEqual(original.project);
    expect(restored.classes.map((c) => [c.id, c.name, c.photos.map((p) => [p.id, p.name, p.blob.type, p.width, p.height])])).toEqual(
      original.classes.map((c) => [c.id, c.name, c.photos.map((p) => [p.id, p.name, p.blob.type, p.width, p.height])]),
    );
    for (const [c, cls] of original.classes.entries()) {
      for (const [p, photo] of cls.photos.entries()) {
        expect(await bytesOf(restored.classes[c].photos[p].blob)).toEqual(await bytesOf(photo.blob));
      }
    }
    // The unsorted pile, in its order, with where each photo came from and what was accepted.
    const pileOf = (pile: ProjectBackup['pile']) =>
      pile!.map(({ id, name, path, blob, width, height, accepted }) => ({ id, name, path, type: blob.type, width, height, accepted }));
    expect(pileOf(restored.pile)).toEqual(pileOf(original.pile));
    for (const [p, photo] of original.pile!.entries()) expect(await bytesOf(restored.pile[p].blob)).toEqual(await bytesOf(photo.blob));
    expect(restored.embeddings?.featuresId).toBe('v1-0.75');
    expect([...restored.embeddings!.vectors.keys()]).toEqual(['p1', 'p2', 'p3', 'u1']);
    for (const [id, vector] of original.embeddings!.vectors) expect(restored.embeddings!.vectors.get(id)).toEqual(vector);
    expect(restored.head?.model).toEqual(model());
    expect(restored.head?.backboneId).toBe('v1-0.75');
  });

  it('writes a plain ZIP that any tool can open, with the documented layout', async () => {
    const zip = await writeBackup(project());
    const files = unzipSync(await bytesOf(zip));
    expect(Object.keys(files).sort()).toEqual([
      'embeddings/v1-0.75.f32',
      'head.json',
      'manifest.json',
      'photos/0b7e2a4c-1111-4e0e-9c55-6a1d6f7f0001/p1.jpg',
      'photos/0b7e2a4c-1111-4e0e-9c55-6a1d6f7f0001/p2.png',
      'photos/0b7e2a4c-1111-4e0e-9c55-6a1d6f7f0002/p3.jpg',
      'pile/u1.jpg',
      'pile/u2.webp',
    ]);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(manifest).toMatchObject({ format: 'handful-project', version: 2, project: { name: 'Pets at home' }, head: 'head.json' });
    expect(manifest.pile[1]).toEqual({
      id: 'u2',
      name: 'café, “été”.webp',
      path: 'trip/día 2/café, “été”.webp',
      type: 'image/webp',
      size: 200,
      file: 'pile/u2.webp',
      accepted: { classId: '0b7e2a4c-1111-4e0e-9c55-6a1d6f7f0002', confidence: 0.975 },
    });
    expect(manifest.classes[0].photos[0]).toEqual({
      id: 'p1',
      name: 'IMG_0001.JPG',
      type: 'image/jpeg',
      size: 300,
      file: 'photos/0b7e2a4c-1111-4e0e-9c55-6a1d6f7f0001/p1.jpg',
      width: 4032,
      height: 3024,
    });
    expect(JSON.parse(new TextDecoder().decode(files['head.json'])).format).toBe('handful-classifier');
    expect(files['embeddings/v1-0.75.f32'].length).toBe(4 * 768 * 4);
  });

  it('works without a head, embeddings or pile', async () => {
    const { project: info, classes } = project();
    const restored = await readBackup(await writeBackup({ project: info, classes }));
    expect(restored.head).toBeUndefined();
    expect(restored.embeddings).toBeUndefined();
    expect(restored.classes).toHaveLength(3);
    expect(restored.pile).toEqual([]);
  });

  it('opens a version 1 backup (from before the pile) with an empty pile', async () => {
    const restored = await readBackup(
      new Blob([craft({}, { manifest: { ...manifestFor({ 'photos/c1/p1.jpg': jpeg(1) }), version: 1 } }) as BlobPart]),
    );
    expect(restored.classes[0].photos.map((photo) => photo.id)).toEqual(['p1']);
    expect(restored.pile).toEqual([]);
    expect(restored.warnings).toEqual([]);
  });

  it('refuses to write a pile it could not read back', async () => {
    const unknownClass = project();
    unknownClass.pile![1].accepted!.classId = 'no-such-class';
    await expect(writeBackup(unknownClass)).rejects.toMatchObject({ code: 'invalid', message: /accepted as a class the project lacks/ });
    const twice = project();
    twice.pile![1].id = 'u1';
    await expect(writeBackup(twice)).rejects.toThrow(/the unsorted pile has the photo “u1” twice/);
    const control = project();
    control.pile![0].path = 'trip/\u0000/x.jpg';
    await expect(writeBackup(control)).rejects.toThrow(/too long or holds control characters/);
  });

  it('opens a project whose head or embeddings were made for other weights, without them', async () => {
    const zip = await writeBackup(project());
    const otherWeights = backbones.map((spec) => (spec.id === mobilenetV1.id ? { ...spec, weightsManifestSha256: 'f'.repeat(64) } : spec));
    const restored = await readBackup(zip, { backbones: otherWeights });
    expect(restored.head).toBeUndefined();
    expect(restored.embeddings).toBeUndefined();
    expect(restored.classes[0].photos).toHaveLength(2);
    expect(restored.warnings).toEqual([
      expect.stringMatching(/^The trained classifier was left out: This classifier was made for other weights of MobileNet V1 0\.75/),
      'The saved embeddings were made with model weights this version of Handful does not have; they will be computed again.',
    ]);
  });

  it('refuses to write ids that cannot be file names', async () => {
    const bad = project();
    bad.classes[0].id = '../up';
    await expect(writeBackup(bad)).rejects.toMatchObject({ code: 'invalid', message: /class id “\.\.\/up”/ });
    const twice = project();
    twice.classes[1].id = twice.classes[0].id;
    await expect(writeBackup(twice)).rejects.toThrow(/two classes have the id/);
  });

  it('names the file after the project', () => {
    expect(backupFileName('Pets at home', new Date('2025-06-02T10:00:00Z'))).toBe('handful-pets-at-home-2025-06-02.zip');
    expect(backupFileName('', new Date('2025-06-02T10:00:00Z'))).toBe('handful-2025-06-02.zip');
  });
});

// ---------------------------------------------------------------------------------------------

const manifestFor = (files: Record<string, Uint8Array>, extra: Record<string, unknown> = {}) => ({
  format: 'handful-project',
  version: 1,
  createdAt: '2025-06-02T00:00:00.000Z',
  appVersion: '0.1.0',
  project: { name: 'P' },
  classes: [
    {
      id: 'c1',
      name: 'Cat',
      photos: Object.entries(files).map(([path, bytes]) => ({
        id: path.split('/')[2].split('.')[0],
        name: 'cat.jpg',
        type: 'image/jpeg',
        size: bytes.length,
        file: path,
      })),
    },
  ],
  embeddings: null,
  head: null,
  ...extra,
});

/** A backup-shaped ZIP built by hand, so each case can break one thing. */
function craft(
  entries: Zippable,
  { photos = { 'photos/c1/p1.jpg': jpeg(1) } as Record<string, Uint8Array>, manifest = undefined as unknown } = {},
): Uint8Array {
  return zipSync(
    {
      'manifest.json': strToU8(typeof manifest === 'string' ? manifest : JSON.stringify(manifest ?? manifestFor(photos))),
      ...photos,
      ...entries,
    },
    { level: 6 },
  );
}

function findCentralEntry(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const target = strToU8(name);
  for (let i = 0; i + 46 < zip.length; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const length = view.getUint16(i + 28, true);
    if (length === target.length && zip.subarray(i + 46, i + 46 + length).every((b, j) => b === target[j])) return i;
  }
  throw new Error(`no central entry ${name}`);
}

function replaceAll(zip: Uint8Array, from: string, to: string): Uint8Array {
  const a = strToU8(from);
  const b = strToU8(to);
  const out = zip.slice();
  for (let i = 0; i + a.length <= out.length; i++) if (a.every((byte, j) => out[i + j] === byte)) out.set(b, i);
  return out;
}

const small = (limits: Partial<BackupLimits>) => ({ limits });

interface Case {
  name: string;
  file: () => Uint8Array | Promise<Uint8Array>;
  options?: Parameters<typeof readBackup>[1];
  code: string;
  message: RegExp;
  /** The technical detail, where the message alone cannot tell this case from another. */
  detail?: RegExp;
}

const zeros = new Uint8Array(3 * 1024 * 1024);

const malformed: Case[] = [
  { name: 'an empty file', file: () => new Uint8Array(0), code: 'empty-file', message: /^This file is empty/ },
  {
    name: 'a PNG',
    file: () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    code: 'wrong-file-type',
    message: /^This is a PNG image, not a Handful project backup/,
  },
  {
    name: 'a classifier file',
    file: () => strToU8(headToFile({ model: model(), backboneId: 'v1-0.75' }).text),
    code: 'wrong-file-type',
    message: /^This is a Handful classifier file, not a project backup\. Open it with “Open classifier” instead\./,
  },
  {
    name: 'a text file',
    file: () => strToU8('hello, this is a longer note than twenty-two bytes'),
    code: 'wrong-file-type',
    message: /^This is a text file, not a Handful project backup/,
  },
  {
    name: 'a ZIP cut in half',
    file: async () => (await bytesOf(await writeBackup(project()))).slice(0, 2000),
    code: 'damaged-archive',
    message: /damaged or incomplete \(perhaps the download did not finish\)/,
  },
  {
    name: 'a ZIP without manifest.json',
    file: () => zipSync({ 'photos/c1/p1.jpg': jpeg(1) }),
    code: 'not-this-format',
    message: /^This ZIP is not a Handful project backup: it has no manifest\.json/,
  },
  {
    name: 'a manifest of another kind',
    file: () => craft({}, { manifest: { format: 'something', version: 1 } }),
    code: 'not-this-format',
    message: /manifest\.json is of another kind/,
  },
  {
    name: 'a newer backup version',
    file: () => craft({}, { manifest: { ...manifestFor({ 'photos/c1/p1.jpg': jpeg(1) }), version: 3 } }),
    code: 'newer-version',
    message: /saved by a newer version of Handful \(backup format version 3.*Update Handful/,
  },
  {
    name: 'an older backup version',
    file: () => craft({}, { manifest: { ...manifestFor({ 'photos/c1/p1.jpg': jpeg(1) }), version: 0 } }),
    code: 'unsupported-version',
    message: /old version of Handful/,
  },
  {
    name: 'a manifest that is not JSON',
    file: () => craft({}, { manifest: '{"format": "handful-project", ' }),
    code: 'not-json',
    message: /manifest\.json is not valid JSON/,
  },
  {
    name: 'a manifest with __proto__',
    file: () => craft({}, { manifest: '{"format":"handful-project","__proto__":{"x":1}}' }),
    code: 'hostile-json',
    message: /contains the key “__proto__”/,
  },
  {
    name: 'a manifest missing its classes',
    file: () => craft({}, { manifest: { ...manifestFor({}), classes: undefined } }),
    code: 'invalid',
    message: /“classes” is missing/,
  },
  {
    name: 'a class id with a path in it',
    file: () => craft({}, { manifest: manifestFor({}, { classes: [{ id: '../../etc', name: 'x', photos: [] }] }) }),
    code: 'invalid',
    message: /“classes\.0\.id” must be 1 to 128 letters/,
  },
  {
    name: 'a photo pointing elsewhere',
    file: () =>
      craft(
        {},
        {
          manifest: manifestFor(
            { 'photos/c1/p1.jpg': jpeg(1) },
            {
              classes: [
                { id: 'c1', name: 'Cat', photos: [{ id: 'p1', name: 'a.jpg', type: 'image/jpeg', size: 300, file: 'manifest.json' }] },
              ],
            },
          ),
        },
      ),
    code: 'invalid',
    message: /points at “manifest\.json” instead of its own place/,
  },
  {
    name: 'a “../” entry',
    file: () => craft({ '../evil.sh': strToU8('rm -rf ~') }),
    code: 'unsafe-path',
    message: /contains a file named “\.\.\/evil\.sh”, which would be stored outside its folder/,
  },
  { name: 'an absolute path', file: () => craft({ '/etc/passwd': strToU8('root') }), code: 'unsafe-path', message: /“\/etc\/passwd”/ },
  {
    name: 'a backslash path',
    file: () => craft({ 'photos\\..\\..\\x.jpg': jpeg(1) }),
    code: 'unsafe-path',
    message: /would be stored outside its folder/,
  },
  { name: 'a drive letter', file: () => craft({ 'C:/Windows/x.dll': jpeg(1) }), code: 'unsafe-path', message: /“C:\/Windows\/x\.dll”/ },
  {
    name: 'a photo missing from the archive',
    file: () => zipSync({ 'manifest.json': strToU8(JSON.stringify(manifestFor({ 'photos/c1/p1.jpg': jpeg(1) }))) }),
    code: 'missing-entry',
    message: /photo “cat\.jpg” of class “Cat” is missing from it/,
  },
  {
    name: 'a photo whose bytes were changed',
    file: () => {
      // Stored, as Handful writes photos, so the flipped byte reaches the checksum as it is.
      const zip = zipSync({
        'manifest.json': strToU8(JSON.stringify(manifestFor({ 'photos/c1/p1.jpg': jpeg(1) }))),
        'photos/c1/p1.jpg': [jpeg(1), { level: 0 }],
      });
      const entry = findCentralEntry(zip, 'photos/c1/p1.jpg');
      const local = new DataView(zip.buffer).getUint32(entry + 42, true);
      zip[local + 30 + 'photos/c1/p1.jpg'.length + 100] ^= 0xff;
      return zip;
    },
    code: 'damaged-archive',
    message: /photo “cat\.jpg” of class “Cat” is damaged/,
  },
  {
    name: 'two entries with one name',
    file: () => replaceAll(craft({ 'photos/c1/zz.jpg': jpeg(2) }), 'photos/c1/zz.jpg', 'photos/c1/p1.jpg'),
    code: 'damaged-archive',
    message: /holds two files named “photos\/c1\/p1\.jpg”/,
  },
  {
    name: 'too many entries',
    file: () => craft(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`extra/${i}.txt`, strToU8('x')]))),
    options: small({ maxEntries: 5 }),
    code: 'archive-too-large',
    message: /it holds 12 entries, more than a Handful project can have/,
  },
  {
    name: 'more in total than allowed',
    file: () => craft({}, { photos: { 'photos/c1/p1.jpg': zeros } }),
    options: small({ maxTotalBytes: 1024 * 1024 }),
    code: 'archive-too-large',
    message: /larger than the 1 MB|unpacks to 3 MB, more than the 1 MB/,
  },
  {
    name: 'a photo larger than allowed',
    file: () => craft({}, { photos: { 'photos/c1/p1.jpg': zeros } }),
    options: small({ maxPhotoBytes: 1024 * 1024 }),
    code: 'archive-too-large',
    message: /photo “cat\.jpg” of class “Cat” is 3 MB, larger than Handful allows/,
  },
  {
    name: 'a zip bomb that lies about its size',
    file: () => {
      const zip = craft({}, { photos: { 'photos/c1/p1.jpg': zeros } });
      const entry = findCentralEntry(zip, 'photos/c1/p1.jpg');
      new DataView(zip.buffer).setUint32(entry + 24, 300, true);
      return replaceAll(zip, `"size":${zeros.length}`, `"size":300${' '.repeat(String(zeros.length).length - 3)}`);
    },
    code: 'archive-too-large',
    message: /expands to far more than it claims, which is how “zip bombs” attack computers/,
  },
  // Found by the fuzzer (src/format/fuzz): the message quoted all of it.
  {
    name: 'a very long text where a choice belongs',
    file: () => {
      const manifest = manifestFor({ 'photos/c1/p1.jpg': jpeg(1) });
      manifest.classes[0].photos[0].type = 'x'.repeat(100_000);
      return craft({}, { manifest });
    },
    code: 'invalid',
    message: /“classes\.0\.photos\.0\.type” should be .*, but it is "x{59}…\.$/,
  },
  // Found by the fuzzer (src/format/fuzz): each was unpacked in full, or its buffer allocated.
  {
    name: 'a zip bomb honest about its sizes (a small file that unpacks to far more than any backup)',
    file: () => craft({}, { photos: { 'photos/c1/p1.jpg': zeros, 'photos/c1/p2.jpg': zeros } }),
    options: small({ expansionAllowance: 1024 * 1024 }),
    code: 'archive-too-large',
    message: /this \d+ KB file says it unpacks to 6 MB, far more than a real backup, which is how “zip bombs” attack computers/,
  },
  {
    name: 'an entry declaring more than deflate can make of its compressed size',
    file: () => {
      const zip = craft({}, { photos: { 'photos/c1/p1.jpg': zeros } });
      const entry = findCentralEntry(zip, 'photos/c1/p1.jpg');
      const view = new DataView(zip.buffer);
      view.setUint32(entry + 24, view.getUint32(entry + 20, true) * 1100, true);
      return zip;
    },
    code: 'damaged-archive',
    message: /photo “cat\.jpg” of class “Cat” is damaged/,
    detail: /declares \d+ bytes, more than its \d+ can expand to/,
  },
  {
    name: 'an entry named one way in the central directory and another in its own header',
    file: () => {
      const zip = craft({});
      const local = zip.findIndex(
        (_, i) => i + 4 < zip.length && new DataView(zip.buffer).getUint32(i, true) === 0x04034b50 && zip[i + 30] === 0x70,
      );
      zip.set(strToU8('../../x.jpgxxxx'), local + 30); // "photos/c1/p1.jpg" is 16 bytes; this is 15 + 1 left as is
      return zip;
    },
    code: 'damaged-archive',
    message: /photo “cat\.jpg” of class “Cat” is damaged/,
  },
  ...pileCases(),
];

/** Version 2 manifests whose unsorted pile is wrong in one way each. */
function pileCases(): Case[] {
  const pilePhoto = { id: 'u1', name: 'x.jpg', path: 'trip/x.jpg', type: 'image/jpeg', size: 300, file: 'pile/u1.jpg' };
  const withPile = (pile: unknown, photos: Record<string, Uint8Array> = { 'pile/u1.jpg': jpeg(9) }) =>
    craft(photos, { manifest: { ...manifestFor({ 'photos/c1/p1.jpg': jpeg(1) }), version: 2, pile } });
  return [
    {
      name: 'an unsorted photo pointing elsewhere',
      file: () => withPile([{ ...pilePhoto, file: 'photos/c1/p1.jpg' }]),
      code: 'invalid',
      message: /unsorted photo “x\.jpg” points at “photos\/c1\/p1\.jpg” instead of its own place/,
    },
    {
      name: 'an unsorted photo listed twice',
      file: () => withPile([pilePhoto, pilePhoto]),
      code: 'invalid',
      message: /its unsorted pile lists the photo “u1” twice/,
    },
    {
      name: 'an unsorted photo accepted as a class the backup lacks',
      file: () => withPile([{ ...pilePhoto, accepted: { classId: 'c9', confidence: 0.99 } }]),
      code: 'invalid',
      message: /unsorted photo “x\.jpg” is accepted as a class the backup does not have/,
    },
    {
      name: 'an acceptance more than certain',
      file: () => withPile([{ ...pilePhoto, accepted: { classId: 'c1', confidence: 1.5 } }]),
      code: 'invalid',
      message: /“pile\.0\.accepted\.confidence” must be between 0 and 1/,
    },
    {
      name: 'a path with control characters',
      file: () => withPile([{ ...pilePhoto, path: 'trip/\u001b[31mred.jpg' }]),
      code: 'invalid',
      message: /“pile\.0\.path” must not contain control characters/,
    },
    {
      name: 'a pile that is not a list',
      file: () => withPile({ u1: pilePhoto }),
      code: 'invalid',
      message: /“pile” should be Array/,
    },
    {
      name: 'an unsorted photo missing from the archive',
      file: () => withPile([pilePhoto], {}),
      code: 'missing-entry',
      message: /unsorted photo “x\.jpg” is missing from it/,
    },
  ];
}

describe('readBackup refuses malformed archives with a plain message', () => {
  it.each(malformed.map((c) => [c.name, c] as const))('%s', async (_, { file, options, code, message, detail }) => {
    const error = await readBackup(new Blob([(await file()) as BlobPart]), options).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).code).toBe(code);
    expect((error as BackupError).message).toMatch(message);
    if (detail) expect((error as BackupError).detail).toMatch(detail);
  });

  it('recognises unsafe entry names', () => {
    for (const name of ['../x', 'a/../../x', '/x', 'a\\b', 'C:x', 'a//b', './a', 'a/./b', '', 'nul\u0000byte'])
      expect(unsafeEntryName(name), name).toBe(true);
    for (const name of ['manifest.json', 'photos/c1/p1.jpg', 'photos/c1/', 'a..b/c']) expect(unsafeEntryName(name), name).toBe(false);
  });
});
