/**
 * The photos of the open project as the page shows and trains on them: stored record, embedding
 * and a thumbnail address. A cache keyed by content hash (a hash's photo never changes). A photo
 * added is here before it enters the state; a project being opened fills it in stages after its
 * names and counts show (./loadInStages), so a thumbnail may be missing for a moment.
 */
import { photoBytes, type PhotoRecord } from '../../store/photos';
import type { LoadedPhoto } from './importPhotos';
import { oncePerFrame } from './perFrame';

/** Time per task spent making thumbnail addresses that grids asked for. */
const thumbnailBudgetMs = 8;

interface Entry {
  record: PhotoRecord;
  embedding: Float32Array | undefined;
  /**
   * Made when the thumbnail is first wanted, never for photos not shown. URL.createObjectURL asks
   * the browser process synchronously (about a millisecond each on a busy machine): made for a
   * project's first screen of a few hundred thumbnails at once, it held the page for as many
   * hundred milliseconds, so grids get theirs a few milliseconds' worth at a time (thumbnailSoon).
   */
  thumbnailUrl?: string;
  /** Storage both JPEGs take, kept: it is summed over every photo on every change. */
  bytes: number;
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
    this.entries.set(hash, { record, embedding, bytes: photoBytes(record) });
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
  /** The thumbnail's address at once, for views of a few thumbnails. */
  thumbnailOf = (hash: string): string | undefined => {
    const entry = this.entries.get(hash);
    if (entry) entry.thumbnailUrl ??= URL.createObjectURL(entry.record.thumbnail);
    return entry?.thumbnailUrl;
  };

  /** Thumbnails grids asked for and do not have yet, by the row they are on: the top rows of every grid first. */
  private readonly wanted = new Map<string, number>();
  private making: ReturnType<typeof setTimeout> | undefined;

  /**
   * For grids of many: the thumbnail's address if made; if not, undefined, and it is made soon,
   * with others, a few milliseconds' worth per task, those on lower `row`s first. The subscribers
   * hear once a frame that thumbnails arrived.
   */
  thumbnailSoon = (hash: string, row = 0): string | undefined => {
    const entry = this.entries.get(hash);
    if (!entry || entry.thumbnailUrl !== undefined) return entry?.thumbnailUrl;
    this.wanted.set(hash, Math.min(row, this.wanted.get(hash) ?? row));
    this.making ??= setTimeout(this.makeWanted, 0);
    return undefined;
  };

  private readonly makeWanted = () => {
    this.making = undefined;
    const started = performance.now();
    for (const [hash] of [...this.wanted].sort((a, b) => a[1] - b[1])) {
      this.wanted.delete(hash);
      this.thumbnailOf(hash);
      if (performance.now() - started >= thumbnailBudgetMs) break;
    }
    if (this.wanted.size > 0) this.making = setTimeout(this.makeWanted, 0);
    this.thumbnailsMade();
  };
  private readonly thumbnailsMade = oncePerFrame(() => this.changed());

  recordOf = (hash: string): PhotoRecord | undefined => this.entries.get(hash)?.record;

  /** Storage the photos take: both JPEGs and the embedding. */
  bytesOf(hashes: string[]): number {
    return hashes.reduce((sum, hash) => {
      const entry = this.entries.get(hash);
      return entry ? sum + entry.bytes + (entry.embedding?.byteLength ?? 0) : sum;
    }, 0);
  }

  clear(): void {
    this.entries.forEach((entry) => entry.thumbnailUrl !== undefined && URL.revokeObjectURL(entry.thumbnailUrl));
    this.entries.clear();
    this.wanted.clear();
    this.settled = false;
    this.changed();
  }
}
