/**
 * Where the playbook is kept between visits: one small load/save pair, so the store behind it
 * (IndexedDB, through the app's work store) can be swapped for another without touching the rest.
 */
import { parsePlaybookDoc, serialisePlaybookDoc, type PlaybookDoc } from '../analysis/playbook';
import type { SegmentScheme } from '../analysis/segments';
import type { KeyValue } from '../persist/store';

/** The part of the Web Storage API the playbook uses. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface PlaybookStorage {
  /** The saved playbook of `scheme`; `damaged` when some or all of it could not be read. */
  load(scheme: SegmentScheme): { doc: PlaybookDoc; damaged: boolean };
  /** False when it could not be saved (storage full or blocked). */
  save(scheme: SegmentScheme, doc: PlaybookDoc): boolean;
}

export function playbookStorageKey(scheme: SegmentScheme): string {
  return `valuemap.playbook.v1.${scheme}`;
}

/** localStorage when the page may use it (private modes and sandboxes can refuse it). */
function localStore(): (KeyValueStore & { removeItem?(key: string): void }) | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

const IDB_PREFIX = 'playbook:';

/**
 * The playbook's keys in IndexedDB, served synchronously from a copy in memory (the playbook reads
 * in its constructor): `prime()` fills the copy at start-up. Until then, and for a key IndexedDB
 * does not have, the older localStorage copy is read; a key saved to IndexedDB leaves
 * localStorage, so playbooks move over on their first save.
 */
export class MirroredStore implements KeyValueStore {
  private readonly mirror = new Map<string, string>();
  /** A write to IndexedDB failed (storage full or blocked). */
  failed = false;

  constructor(
    private kv: KeyValue | null,
    private readonly legacy: (KeyValueStore & { removeItem?(key: string): void }) | null,
  ) {}

  /**
   * IndexedDB from now on (saved work loads it as its own chunk, after the playbook has read
   * localStorage), with its keys read into memory.
   */
  async attach(kv: KeyValue): Promise<void> {
    this.kv = kv;
    await this.prime();
  }

  getItem(key: string): string | null {
    return this.mirror.get(key) ?? this.legacy?.getItem(key) ?? null;
  }

  setItem(key: string, value: string): void {
    if (!this.kv) {
      if (!this.legacy) throw new Error('no storage');
      this.legacy.setItem(key, value);
      return;
    }
    this.mirror.set(key, value);
    this.written = this.written.then(() =>
      this.kv?.set(IDB_PREFIX + key, value).then(
        () => {
          this.failed = false;
          try {
            this.legacy?.removeItem?.(key);
          } catch {
            // The old copy stays; IndexedDB's wins when both are there.
          }
        },
        () => {
          this.failed = true;
        },
      ),
    );
  }

  /** Writes in order; resolved when every write so far has settled. */
  written: Promise<void> = Promise.resolve();

  /** Read IndexedDB's keys into memory (keys saved since start-up are newer and stay). */
  async prime(): Promise<void> {
    if (!this.kv) return;
    const keys = (await this.kv.keys()).filter((k) => k.startsWith(IDB_PREFIX));
    for (const key of keys) {
      const value = await this.kv.get<unknown>(key);
      const name = key.slice(IDB_PREFIX.length);
      // A key still in localStorage was saved there after IndexedDB's copy: it is the newer.
      const newer = this.mirror.has(name) || this.legacyHas(name);
      if (typeof value === 'string' && !newer) this.mirror.set(name, value);
    }
  }

  private legacyHas(key: string): boolean {
    try {
      return this.legacy?.getItem(key) != null;
    } catch {
      return false;
    }
  }

  /** Forget every playbook edit, here and in the older localStorage copy. */
  async clear(keys: string[]): Promise<void> {
    await this.written;
    for (const key of keys) {
      this.mirror.delete(key);
      await this.kv?.del(IDB_PREFIX + key).catch(() => {});
      try {
        this.legacy?.removeItem?.(key);
      } catch {
        // Blocked storage holds nothing to clear.
      }
    }
  }
}

let mirrored: MirroredStore | null = null;

/**
 * The browser's playbook store: localStorage until saved work attaches IndexedDB, then IndexedDB
 * mirrored in memory.
 */
export function browserPlaybookStore(): MirroredStore {
  mirrored ??= new MirroredStore(null, localStore());
  return mirrored;
}

function browserStore(): KeyValueStore | null {
  return typeof indexedDB !== 'undefined' || localStore() ? browserPlaybookStore() : null;
}

export function keyValuePlaybookStorage(
  store: KeyValueStore | null = browserStore(),
): PlaybookStorage {
  return {
    load(scheme) {
      let text: string | null = null;
      try {
        text = store?.getItem(playbookStorageKey(scheme)) ?? null;
      } catch {
        return { doc: parsePlaybookDoc(null, scheme).doc, damaged: true };
      }
      return parsePlaybookDoc(text, scheme);
    },
    save(scheme, doc) {
      if (!store) return false;
      try {
        store.setItem(playbookStorageKey(scheme), serialisePlaybookDoc(doc));
        return true;
      } catch {
        return false;
      }
    },
  };
}
