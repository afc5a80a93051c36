/**
 * Embeddings by feature configuration and content hash: computed once from the original file,
 * so reopening a project needs no model run, and the same photo in another project neither.
 */
import { createStore, delMany, getMany, keys, set, setMany } from 'idb-keyval';
import { guardedWrite, isRecord } from './records';

export interface EmbeddingRecordV1 {
  version: 1;
  featuresId: string;
  hash: string;
  embedding: Float32Array;
}

export type EmbeddingRecord = EmbeddingRecordV1;

const store = createStore('handful-embeddings', 'embeddings');

export const embeddingKey = (featuresId: string, hash: string) => `${featuresId}:${hash}`;

export function migrateEmbedding(raw: unknown): EmbeddingRecord | undefined {
  if (!isRecord(raw) || raw.version !== 1) return undefined;
  if (typeof raw.featuresId !== 'string' || typeof raw.hash !== 'string' || !(raw.embedding instanceof Float32Array)) return undefined;
  return raw as unknown as EmbeddingRecordV1;
}

export async function loadEmbeddings(featuresId: string, hashes: string[]): Promise<(Float32Array | undefined)[]> {
  const records = await getMany(
    hashes.map((hash) => embeddingKey(featuresId, hash)),
    store,
  );
  return records.map((raw) => migrateEmbedding(raw)?.embedding);
}

export function saveEmbedding(featuresId: string, hash: string, embedding: Float32Array): Promise<void> {
  const record: EmbeddingRecord = { version: 1, featuresId, hash, embedding };
  return guardedWrite(() => set(embeddingKey(featuresId, hash), record, store));
}

/** Several embeddings of one feature configuration in one transaction. */
export function saveEmbeddings(featuresId: string, entries: { hash: string; embedding: Float32Array }[]): Promise<void> {
  return guardedWrite(() =>
    setMany(
      entries.map(({ hash, embedding }) => [
        embeddingKey(featuresId, hash),
        { version: 1, featuresId, hash, embedding } satisfies EmbeddingRecord,
      ]),
      store,
    ),
  );
}

/** Drops the embeddings of photos no project refers to any more, for every feature configuration. */
export async function deleteEmbeddingsExcept(keep: Set<string>): Promise<void> {
  const stale = (await keys<string>(store)).filter((key) => !keep.has(key.slice(key.lastIndexOf(':') + 1)));
  if (stale.length > 0) await delMany(stale, store);
}
