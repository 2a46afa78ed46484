/**
 * The one IndexedDB store the app keeps its work in (idb-keyval: a key-value pair API over one
 * object store). Every call fails soft: a browser that refuses storage (private modes, blocked
 * sites) leaves the app working, only without memory between visits.
 */
import { clear, createStore, del, get, keys, set, type UseStore } from 'idb-keyval';

export interface KeyValue {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<string[]>;
  clear(): Promise<void>;
}

export const DB_NAME = 'valuemap';
const STORE_NAME = 'work';

let shared: KeyValue | null = null;

/** The app's store, or null when this browser has no IndexedDB. */
export function workStore(): KeyValue | null {
  if (shared) return shared;
  if (typeof indexedDB === 'undefined') return null;
  shared = idbKeyValue(createStore(DB_NAME, STORE_NAME));
  return shared;
}

export function idbKeyValue(store: UseStore): KeyValue {
  return {
    get: <T>(key: string) => get<T>(key, store),
    set: (key, value) => set(key, value, store),
    del: (key) => del(key, store),
    keys: async () => (await keys(store)).map(String),
    clear: () => clear(store),
  };
}

/** A store in memory: for tests, and for browsers without IndexedDB (nothing outlives the tab). */
export function memoryKeyValue(): KeyValue {
  const map = new Map<string, unknown>();
  return {
    get: <T>(key: string) => Promise.resolve(map.get(key) as T | undefined),
    set: (key, value) => {
      map.set(key, value);
      return Promise.resolve();
    },
    del: (key) => {
      map.delete(key);
      return Promise.resolve();
    },
    keys: () => Promise.resolve([...map.keys()]),
    clear: () => {
      map.clear();
      return Promise.resolve();
    },
  };
}
