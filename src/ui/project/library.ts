/**
 * The photos of the open project as the page shows and trains on them: stored record, embedding
 * and a thumbnail address. A cache keyed by content hash (a hash's photo never changes). A photo
 * added is here before it enters the state; a project being opened fills it in stages after its
 * names and counts show (./loadInStages), so a thumbnail may be missing for a moment.
 */
import { photoBytes, type PhotoRecord } from '../../store/photos';
import type { LoadedPhoto } from './importPhotos';

interface Entry {
  record: PhotoRecord;
  embedding: Float32Array | undefined;
  thumbnailUrl: string;
}

export class PhotoLibrary {
  private readonly entries = new Map<string, Entry>();
  /**
   * False while a project opens (its embeddings are not all read yet): until then a photo without
   * an embedding is not known to be waiting for the model.
   */
  settled = false;
  /** Bumped when photos arrive, so what shows thumbnails re-renders (useSyncExternalStore). */
  private changes = 0;
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  version = (): number => this.changes;
  /** Tells the subscribers once, after a batch of put calls. */
  changed(): void {
    this.changes++;
    this.listeners.forEach((listener) => listener());
  }

  put(hash: string, { record, embedding }: LoadedPhoto): void {
    const existing = this.entries.get(hash);
    if (existing) {
      existing.embedding ??= embedding;
      return;
    }
    this.entries.set(hash, { record, embedding, thumbnailUrl: URL.createObjectURL(record.thumbnail) });
  }

  setEmbedding(hash: string, embedding: Float32Array): void {
    const entry = this.entries.get(hash);
    if (entry) entry.embedding = embedding;
  }

  /** Forgets every embedding (the photo features changed); photos and thumbnails stay. */
  clearEmbeddings(): void {
    this.entries.forEach((entry) => (entry.embedding = undefined));
  }

  embeddingOf = (hash: string): Float32Array | undefined => this.entries.get(hash)?.embedding;
  thumbnailOf = (hash: string): string | undefined => this.entries.get(hash)?.thumbnailUrl;
  recordOf = (hash: string): PhotoRecord | undefined => this.entries.get(hash)?.record;

  /** Storage the photos take: both JPEGs and the embedding. */
  bytesOf(hashes: string[]): number {
    return hashes.reduce((sum, hash) => {
      const entry = this.entries.get(hash);
      return entry ? sum + photoBytes(entry.record) + (entry.embedding?.byteLength ?? 0) : sum;
    }, 0);
  }

  clear(): void {
    this.entries.forEach((entry) => URL.revokeObjectURL(entry.thumbnailUrl));
    this.entries.clear();
    this.settled = false;
    this.changed();
  }
}
