/**
 * The loaded data kept between visits, so a reload restores the session without dropping the
 * file again: the original bytes of dropped or fetched files in the origin private file system
 * (OPFS), or as Blobs in IndexedDB when OPFS is missing or fails; a built-in sample only by name
 * (the app ships it). Too large or no room: nothing is kept, and the record says why.
 */
import type { KeyValue } from './store';

/** Above this the bytes are not kept (a second copy of a huge export helps nobody). */
export const CACHE_LIMIT_BYTES = 512 * 2 ** 20;

export interface CachedFile {
  name: string;
  type: string;
  size: number;
  lastModified: number;
}

export type BackendName = 'opfs' | 'idb';

export type SkipReason = 'too_large' | 'no_space' | 'failed';

/** What the cache holds (kept under the `data` key). */
export type CacheRecord =
  | { kind: 'sample'; sample: string }
  | { kind: 'files'; files: CachedFile[]; backend: BackendName; generation?: string }
  | { kind: 'url'; url: string; files: CachedFile[]; backend: BackendName; generation?: string }
  | { kind: 'skipped'; reason: SkipReason; names: string[]; bytes: number; url: string | null };

export type CacheEntry =
  | { kind: 'sample'; sample: string }
  | { kind: 'files'; files: File[] }
  | { kind: 'url'; url: string; files: File[] };

/** Where file bytes go: a few small operations per storage. */
export interface BlobBackend {
  name: BackendName;
  put(key: string, blob: Blob): Promise<void>;
  get(key: string): Promise<Blob | null>;
  /** Remove every key not in `keep` (all of them when `keep` is empty). */
  clearExcept(keep: readonly string[]): Promise<void>;
}

const DIR = 'valuemap-data';
const RECORD_KEY = 'data';
const BLOB_PREFIX = 'blob:';

/** Where file `i` of a save lives; records written before generations used `file-<i>`. */
const blobKey = (generation: string | undefined, i: number) =>
  generation ? `${generation}-file-${i}` : `file-${i}`;

/** OPFS, when the browser has it (writable streams on the main thread: Chromium, Firefox). */
export function opfsBackend(): BlobBackend | null {
  const storage = globalThis.navigator?.storage;
  if (typeof storage?.getDirectory !== 'function') return null;
  const dir = async () => (await storage.getDirectory()).getDirectoryHandle(DIR, { create: true });
  return {
    name: 'opfs',
    async put(key, blob) {
      const handle = await (await dir()).getFileHandle(key, { create: true });
      // Safari has no createWritable outside workers: the caller falls back to IndexedDB.
      const writable = await handle.createWritable();
      try {
        await writable.write(blob);
      } finally {
        await writable.close();
      }
    },
    async get(key) {
      try {
        return await (await (await dir()).getFileHandle(key)).getFile();
      } catch {
        return null;
      }
    },
    async clearExcept(keep) {
      try {
        if (keep.length === 0) {
          await (await storage.getDirectory()).removeEntry(DIR, { recursive: true });
          return;
        }
        const d = await dir();
        const names: string[] = [];
        // keys() is in Chromium and Firefox; TypeScript's DOM types lack it.
        for await (const name of (d as unknown as { keys(): AsyncIterable<string> }).keys())
          names.push(name);
        for (const name of names) if (!keep.includes(name)) await d.removeEntry(name);
      } catch {
        // Nothing there, or OPFS unusable: nothing to clear.
      }
    },
  };
}

export function idbBackend(kv: KeyValue): BlobBackend {
  return {
    name: 'idb',
    put: (key, blob) => kv.set(BLOB_PREFIX + key, blob),
    async get(key) {
      const value = await kv.get<unknown>(BLOB_PREFIX + key);
      return value instanceof Blob ? value : null;
    },
    async clearExcept(keep) {
      for (const key of await kv.keys())
        if (key.startsWith(BLOB_PREFIX) && !keep.includes(key.slice(BLOB_PREFIX.length)))
          await kv.del(key);
    },
  };
}

export interface DataCacheOptions {
  /** Tried in order; the first that stores every file wins. */
  backends: BlobBackend[];
  limit?: number;
  /** navigator.storage.estimate, when the browser has it. */
  estimate?: (() => Promise<{ quota?: number; usage?: number }>) | null;
}

export type CacheResult =
  | { state: 'cached'; backend: BackendName; bytes: number }
  | { state: 'reference' }
  | { state: 'skipped'; reason: SkipReason; bytes: number };

export class DataCache {
  private readonly limit: number;

  constructor(
    private readonly kv: KeyValue,
    private readonly options: DataCacheOptions,
  ) {
    this.limit = options.limit ?? CACHE_LIMIT_BYTES;
  }

  /**
   * Keep `entry` in place of whatever was kept before. New bytes are written under new keys before
   * the old ones go: the files being kept may be the very ones read back from the cache.
   */
  async save(entry: CacheEntry): Promise<CacheResult> {
    if (entry.kind === 'sample') {
      await this.kv.set(RECORD_KEY, { kind: 'sample', sample: entry.sample });
      await this.clearBlobs();
      return { state: 'reference' };
    }
    const bytes = entry.files.reduce((n, f) => n + f.size, 0);
    const url = entry.kind === 'url' ? entry.url : null;
    const skip = async (reason: SkipReason): Promise<CacheResult> => {
      const record: CacheRecord = {
        kind: 'skipped',
        reason,
        names: entry.files.map((f) => f.name),
        bytes,
        url,
      };
      await this.kv.set(RECORD_KEY, record);
      await this.clearBlobs();
      return { state: 'skipped', reason, bytes };
    };
    if (bytes > this.limit) return skip('too_large');
    const estimate = await this.options.estimate?.().catch(() => null);
    if (estimate?.quota !== undefined && estimate.quota - (estimate.usage ?? 0) < bytes * 1.1)
      return skip('no_space');
    const generation = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const keys = entry.files.map((_, i) => blobKey(generation, i));
    const previous = await this.kv.get<CacheRecord>(RECORD_KEY).catch(() => undefined);
    const previousKeys =
      previous && (previous.kind === 'files' || previous.kind === 'url')
        ? previous.files.map((_, i) => blobKey(previous.generation, i))
        : [];
    for (const backend of this.options.backends) {
      try {
        for (const [i, file] of entry.files.entries()) await backend.put(keys[i] as string, file);
      } catch {
        await backend.clearExcept(previousKeys).catch(() => {});
        continue;
      }
      const files = entry.files.map((f) => ({
        name: f.name,
        type: f.type,
        size: f.size,
        lastModified: f.lastModified,
      }));
      const record: CacheRecord =
        entry.kind === 'url'
          ? { kind: 'url', url: entry.url, files, backend: backend.name, generation }
          : { kind: 'files', files, backend: backend.name, generation };
      await this.kv.set(RECORD_KEY, record);
      for (const b of this.options.backends)
        await b.clearExcept(b === backend ? keys : []).catch(() => {});
      return { state: 'cached', backend: backend.name, bytes };
    }
    return skip('failed');
  }

  /** The record, and the files rebuilt from their bytes (null when any is gone or damaged). */
  async load(): Promise<{ record: CacheRecord | null; entry: CacheEntry | null }> {
    const record = (await this.kv.get<CacheRecord>(RECORD_KEY).catch(() => undefined)) ?? null;
    if (!record || typeof record !== 'object') return { record: null, entry: null };
    if (record.kind === 'sample') return { record, entry: record };
    if (record.kind !== 'files' && record.kind !== 'url') return { record, entry: null };
    const backend = this.options.backends.find((b) => b.name === record.backend);
    if (!backend) return { record, entry: null };
    const files: File[] = [];
    for (const [i, meta] of record.files.entries()) {
      const blob = await backend.get(blobKey(record.generation, i)).catch(() => null);
      if (!blob || blob.size !== meta.size) return { record, entry: null };
      files.push(
        blob instanceof File && blob.name === meta.name
          ? blob
          : new File([blob], meta.name, { type: meta.type, lastModified: meta.lastModified }),
      );
    }
    const entry: CacheEntry =
      record.kind === 'url' ? { kind: 'url', url: record.url, files } : { kind: 'files', files };
    return { record, entry };
  }

  /** Forget the data kept (every backend). */
  async clear(): Promise<void> {
    await this.clearBlobs();
    await this.kv.del(RECORD_KEY).catch(() => {});
  }

  private async clearBlobs(): Promise<void> {
    for (const backend of this.options.backends) await backend.clearExcept([]).catch(() => {});
  }
}

/** The cache of this browser: OPFS first, IndexedDB Blobs when OPFS is missing or fails. */
export function browserDataCache(kv: KeyValue): DataCache {
  const opfs = opfsBackend();
  const storage = globalThis.navigator?.storage;
  return new DataCache(kv, {
    backends: opfs ? [opfs, idbBackend(kv)] : [idbBackend(kv)],
    estimate: typeof storage?.estimate === 'function' ? () => storage.estimate() : null,
  });
}
