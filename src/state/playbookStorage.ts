/**
 * Where the playbook is kept between visits: one small load/save pair, so the store behind it
 * (localStorage today) can be swapped for another without touching the rest.
 */
import { parsePlaybookDoc, serialisePlaybookDoc, type PlaybookDoc } from '../analysis/playbook';
import type { SegmentScheme } from '../analysis/segments';

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
function browserStore(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
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
