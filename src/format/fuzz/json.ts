/**
 * Mutations of a JSON document (the classifier file, a backup's manifest.json). The document is
 * parsed, changed as a tree, and written back by `render`, which can also emit what JSON.stringify
 * cannot: a key twice in one object, "__proto__" keys, number tokens like 1e999, nesting a million
 * deep, lone surrogates. Byte-level damage (truncation, bit flips) is in ./bytes.
 */

export type Random = () => number;

/** Text written into the output exactly as given. */
export class Raw {
  constructor(readonly text: string) {}
}

/** Members appended to an object as raw `"key": value` text (duplicate or hostile keys). */
const extraMembers = new WeakMap<object, string[]>();

export type Json = null | boolean | number | string | Raw | Json[] | { [key: string]: Json };

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
export const int = (random: Random, below: number) => Math.floor(random() * below);

export function render(value: Json, pretty = false, depth = 0): string {
  if (value instanceof Raw) return value.text;
  if (value === null || typeof value !== 'object') return typeof value === 'number' && Object.is(value, -0) ? '-0' : JSON.stringify(value);
  const pad = pretty ? `\n${'  '.repeat(depth + 1)}` : '';
  const end = pretty ? `\n${'  '.repeat(depth)}` : '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    // Long rows of numbers stay on one line, as headToFile writes them.
    const flat = value.every((x) => typeof x === 'number');
    const parts = value.map((x) => render(x, pretty, depth + 1));
    return flat || !pretty ? `[${parts.join(',')}]` : `[${pad}${parts.join(`,${pad}`)}${end}]`;
  }
  const members = Object.keys(value).map((key) => `${JSON.stringify(key)}:${pretty ? ' ' : ''}${render(value[key], pretty, depth + 1)}`);
  members.push(...(extraMembers.get(value) ?? []));
  if (members.length === 0) return '{}';
  return `{${pad}${members.join(`,${pad}`)}${end}}`;
}

export const clone = (value: Json): Json => (value instanceof Raw ? value : (JSON.parse(JSON.stringify(value)) as Json));

type Container = Json[] | { [key: string]: Json };
interface Slot {
  parent: Container;
  key: string | number;
}

const isContainer = (value: Json): value is Container => typeof value === 'object' && value !== null && !(value instanceof Raw);

/** Every place a value sits, except most entries of long lists of numbers (weights, embeddings). */
export function slots(root: Json, random: Random): Slot[] {
  const found: Slot[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isContainer(node)) continue;
    if (Array.isArray(node)) {
      const numbers = node.length > 8 && typeof node[0] === 'number';
      const indices = numbers ? [0, node.length - 1, int(random, node.length)] : node.keys();
      for (const i of indices) {
        found.push({ parent: node, key: i });
        stack.push(node[i]);
      }
    } else {
      for (const key of Object.keys(node)) {
        found.push({ parent: node, key });
        stack.push(node[key]);
      }
    }
  }
  return found;
}

const get = (slot: Slot): Json => (slot.parent as Record<string | number, Json>)[slot.key];
const put = (slot: Slot, value: Json) => ((slot.parent as Record<string | number, Json>)[slot.key] = value);

function objects(root: Json): { [key: string]: Json }[] {
  const found: { [key: string]: Json }[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isContainer(node)) continue;
    if (Array.isArray(node)) {
      if (!(node.length > 8 && typeof node[0] === 'number')) stack.push(...node);
    } else {
      found.push(node);
      stack.push(...Object.values(node));
    }
  }
  return found;
}

function arrays(root: Json): Json[][] {
  const found: Json[][] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isContainer(node)) continue;
    if (Array.isArray(node)) {
      found.push(node);
      if (!(node.length > 8 && typeof node[0] === 'number')) stack.push(...node);
    } else stack.push(...Object.values(node));
  }
  return found;
}

const otherTypes: Json[] = [null, true, false, 0, -1, 1, '', 'text', [], {}, [1, 2], { a: 1 }, '1', 'null', [[]]];
const hugeNumbers: Json[] = [
  1e308,
  -1e308,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  4294967296,
  4294967295,
  65536,
  1e21,
  -0,
  0.5,
  5e-324,
  Number.MAX_SAFE_INTEGER,
  new Raw('1e999'),
  new Raw('-1e999'),
  new Raw(`1${'0'.repeat(400)}`),
  new Raw('123456789012345678901234567890'),
  new Raw('1E+2'),
  new Raw('NaN'),
  new Raw('Infinity'),
  new Raw('-Infinity'),
  new Raw('0x10'),
  new Raw('.5'),
  new Raw('01'),
];
export const boundaryLengths = [0, 1, 59, 60, 61, 64, 65, 80, 100, 101, 128, 129, 200, 201, 300, 301, 1024, 1025, 100_000] as const;
const weirdStrings: Json[] = [
  new Raw('"\\ud800"'), // a lone surrogate: not valid Unicode
  new Raw('"a\\udfffb"'),
  'a\u0000b',
  '\u202eevil\u202c',
  'e\u0301', // é, decomposed
  '\u00e9', // é, composed
  '   ',
  '\t',
  '😀'.repeat(40),
  '../../etc/passwd',
  'C:\\Windows',
  '<img src=x onerror=alert(1)>',
  '%00',
  '\ufeff',
  'x'.repeat(61),
];

/** A string of `length` characters that is not all one letter (so unique per call). */
export const longText = (length: number, random: Random) => {
  const letter = String.fromCharCode(97 + int(random, 26));
  return (letter + 'é'.repeat(3) + 'x'.repeat(Math.max(0, length))).slice(0, length);
};

function nested(depth: number, random: Random): Raw {
  const objectsToo = random() < 0.5;
  const open = objectsToo ? '{"a":['.repeat(depth / 2) : '['.repeat(depth);
  const close = objectsToo ? ']}'.repeat(depth / 2) : ']'.repeat(depth);
  return new Raw(`${open}1${close}`);
}

export type JsonMutation = (root: Json, random: Random) => Json | void;

const sizes = [2, 8, 999, 1000, 1001, 5000] as const;

/** Generic mutations, by kind. Each changes `root` in place, or returns a new root. */
export const jsonMutations: Record<string, JsonMutation> = {
  'wrong-type': (root, random) => {
    const slot = pick(random, slots(root, random));
    if (slot) put(slot, clone(pick(random, otherTypes)));
  },
  'huge-number': (root, random) => {
    const numeric = slots(root, random).filter((slot) => typeof get(slot) === 'number');
    const slot = pick(random, numeric.length > 0 && random() < 0.8 ? numeric : slots(root, random));
    if (slot) put(slot, pick(random, hugeNumbers));
  },
  'huge-string': (root, random) => {
    const texts = slots(root, random).filter((slot) => typeof get(slot) === 'string');
    const slot = pick(random, texts);
    if (slot) put(slot, longText(pick(random, boundaryLengths), random));
  },
  'weird-string': (root, random) => {
    const texts = slots(root, random).filter((slot) => typeof get(slot) === 'string');
    const slot = pick(random, texts);
    if (slot) put(slot, pick(random, weirdStrings));
  },
  'long-list': (root, random) => {
    const list = pick(random, arrays(root));
    if (!list) return;
    const length = pick(random, sizes);
    const source = list.length > 0 ? list : [1];
    // Lists of long rows grow less, so a case stays a few MB.
    const cost = JSON.stringify(source[0] ?? 1).length;
    const target = Math.min(length, Math.max(3, Math.floor(4_000_000 / Math.max(1, cost))));
    const grown = Array.from({ length: target }, (_, i) => clone(source[i % source.length]));
    list.splice(0, list.length, ...grown);
  },
  'empty-list': (root, random) => {
    const list = pick(random, arrays(root));
    if (list) list.length = random() < 0.5 ? 0 : Math.min(list.length, 1);
  },
  'delete-key': (root, random) => {
    const object = pick(random, objects(root));
    const keys = object ? Object.keys(object) : [];
    if (keys.length > 0) delete object[pick(random, keys)];
  },
  'unknown-key': (root, random) => {
    const object = pick(random, objects(root));
    if (object) object[pick(random, ['extra', 'Format', 'version ', 'weights2'])] = clone(pick(random, otherTypes));
  },
  'deep-nesting': (root, random) => {
    const slot = pick(random, slots(root, random));
    if (slot) put(slot, nested(pick(random, [14, 15, 16, 17, 64, 10_000, 1_000_000]), random));
  },
  'duplicate-key': (root, random) => {
    const object = pick(
      random,
      objects(root).filter((o) => Object.keys(o).length > 0),
    );
    if (!object) return;
    const key = pick(random, Object.keys(object));
    const members = extraMembers.get(object) ?? [];
    // The same value twice is still ambiguous to a reader that keeps the first one.
    members.push(`${JSON.stringify(key)}:${render(random() < 0.5 ? object[key] : clone(pick(random, otherTypes)))}`);
    extraMembers.set(object, members);
  },
  'prototype-key': (root, random) => {
    const object = pick(random, objects(root));
    if (!object) return;
    const key = pick(random, ['"__proto__"', '"constructor"', '"prototype"', '"\\u005f_proto__"', '"__pro\\u0074o__"']);
    const value = pick(random, ['{"polluted":true}', '{"prototype":{"polluted":true}}', 'null', '[]', '"x"']);
    extraMembers.set(object, [...(extraMembers.get(object) ?? []), `${key}:${value}`]);
  },
  'duplicate-element': (root, random) => {
    const list = pick(
      random,
      arrays(root).filter((a) => a.length > 1),
    );
    if (!list) return;
    const from = int(random, list.length);
    list[(from + 1 + int(random, list.length - 1)) % list.length] = clone(list[from]);
  },
  'swap-elements': (root, random) => {
    const list = pick(
      random,
      arrays(root).filter((a) => a.length > 1),
    );
    if (!list) return;
    const [i, j] = [int(random, list.length), int(random, list.length)];
    [list[i], list[j]] = [list[j], list[i]];
  },
  /** The same value for one key in every element of a list: duplicate names, ids, or long ones. */
  'same-value-everywhere': (root, random) => {
    const list = pick(
      random,
      arrays(root).filter((a) => a.length > 1 && isContainer(a[0]) && !Array.isArray(a[0])),
    );
    if (!list) return;
    const keys = Object.keys(list[0] as object).filter((key) => typeof (list[0] as Record<string, Json>)[key] === 'string');
    if (keys.length === 0) return;
    const key = pick(random, keys);
    const value = random() < 0.5 ? longText(pick(random, boundaryLengths), random) : (list[0] as Record<string, Json>)[key];
    for (const element of list) if (isContainer(element) && !Array.isArray(element)) element[key] = value;
  },
  'root-replaced': (_, random) => clone(pick(random, [[], null, 1, 'handful-classifier', [{}], { format: null }])),
};

/** Rewrites that keep the meaning: the file must still open, to the same content. */
export const sameMeaning: Record<string, (root: Json, random: Random) => string> = {
  minified: (root) => render(root),
  'keys-reordered': (root, random) => {
    for (const object of objects(root)) {
      const entries = Object.entries(object);
      for (const key of Object.keys(object)) delete object[key];
      for (let i = entries.length - 1; i > 0; i--) {
        const j = int(random, i + 1);
        [entries[i], entries[j]] = [entries[j], entries[i]];
      }
      for (const [key, value] of entries) object[key] = value;
    }
    return render(root, random() < 0.5);
  },
  'whitespace-and-bom': (root, random) => `${random() < 0.5 ? '\ufeff' : ''}\r\n\t ${render(root, true).replace(/\n/g, '\r\n')} \n\n`,
};
