import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { parsePlaybookDoc } from '../../src/analysis/playbook';
import { DataCache, idbBackend, type BlobBackend } from '../../src/persist/dataCache';
import {
  FILE_FORMAT,
  buildNotebookFile,
  bytesToBase64,
  parseNotebookFile,
  rawFiles,
  serialiseNotebookFile,
} from '../../src/persist/notebookFile';
import { defaultConfig } from '../../src/persist/config';
import { idbKeyValue, type KeyValue } from '../../src/persist/store';
import {
  MirroredStore,
  keyValuePlaybookStorage,
  playbookStorageKey,
} from '../../src/state/playbookStorage';

let dbCount = 0;
/** A fresh IndexedDB database (fake-indexeddb) per test. */
const freshStore = (): KeyValue => idbKeyValue(createStore(`test-${++dbCount}`, 'work'));

const file = (name: string, text: string, type = 'text/csv') =>
  new File([text], name, { type, lastModified: 1_700_000_000_000 });

/** A backend that fails as Safari's OPFS does on the main thread (no createWritable). */
function brokenOpfs(): BlobBackend & { cleared: number } {
  return {
    name: 'opfs',
    cleared: 0,
    put: () => Promise.reject(new TypeError('createWritable is not a function')),
    get: () => Promise.resolve(null),
    clearExcept() {
      this.cleared++;
      return Promise.resolve();
    },
  };
}

describe('the data cache', () => {
  it('keeps dropped files and rebuilds them byte for byte, with name and type', async () => {
    const kv = freshStore();
    const cache = new DataCache(kv, { backends: [idbBackend(kv)] });
    const files = [file('orders.csv', 'id,amount\n1,10\n'), file('客户.csv', 'id,渠道\n1,抖音\n')];
    expect(await cache.save({ kind: 'files', files })).toEqual({
      state: 'cached',
      backend: 'idb',
      bytes: files[0]!.size + files[1]!.size,
    });
    // A new page: a new cache object over the same database.
    const { record, entry } = await new DataCache(kv, { backends: [idbBackend(kv)] }).load();
    expect(record).toMatchObject({ kind: 'files', backend: 'idb' });
    expect(entry?.kind).toBe('files');
    const restored = entry && entry.kind === 'files' ? entry.files : [];
    expect(restored.map((f) => [f.name, f.type, f.lastModified])).toEqual([
      ['orders.csv', 'text/csv', 1_700_000_000_000],
      ['客户.csv', 'text/csv', 1_700_000_000_000],
    ]);
    expect(await restored[1]!.text()).toBe('id,渠道\n1,抖音\n');
  });

  it('falls back to IndexedDB when OPFS fails, and says which it used', async () => {
    const kv = freshStore();
    const opfs = brokenOpfs();
    const cache = new DataCache(kv, { backends: [opfs, idbBackend(kv)] });
    const result = await cache.save({
      kind: 'url',
      url: 'https://x.org/o.csv',
      files: [file('o.csv', 'a\n1\n')],
    });
    expect(result).toEqual({ state: 'cached', backend: 'idb', bytes: 4 });
    const { entry } = await cache.load();
    expect(entry).toMatchObject({ kind: 'url', url: 'https://x.org/o.csv' });
    expect(entry && entry.kind === 'url' ? await entry.files[0]!.text() : '').toBe('a\n1\n');
  });

  it('skips data over the limit or over the free quota, and remembers the names', async () => {
    const kv = freshStore();
    const big = new DataCache(kv, { backends: [idbBackend(kv)], limit: 10 });
    expect(await big.save({ kind: 'files', files: [file('big.csv', 'x'.repeat(11))] })).toEqual({
      state: 'skipped',
      reason: 'too_large',
      bytes: 11,
    });
    expect(await big.load()).toEqual({
      record: { kind: 'skipped', reason: 'too_large', names: ['big.csv'], bytes: 11, url: null },
      entry: null,
    });
    const full = new DataCache(kv, {
      backends: [idbBackend(kv)],
      estimate: () => Promise.resolve({ quota: 1000, usage: 995 }),
    });
    expect(await full.save({ kind: 'files', files: [file('a.csv', 'abcdef')] })).toEqual({
      state: 'skipped',
      reason: 'no_space',
      bytes: 6,
    });
    const failing = new DataCache(kv, { backends: [brokenOpfs()] });
    expect((await failing.save({ kind: 'files', files: [file('a.csv', 'a')] })).state).toBe(
      'skipped',
    );
  });

  it('keeps a sample by name only, replaces older data, and clears everything', async () => {
    const kv = freshStore();
    const cache = new DataCache(kv, { backends: [idbBackend(kv)] });
    await cache.save({ kind: 'files', files: [file('a.csv', 'abc')] });
    expect(await cache.save({ kind: 'sample', sample: 'retail-zh' })).toEqual({
      state: 'reference',
    });
    expect((await kv.keys()).filter((k) => k.startsWith('blob:'))).toEqual([]);
    expect((await cache.load()).entry).toEqual({ kind: 'sample', sample: 'retail-zh' });
    await cache.clear();
    expect(await cache.load()).toEqual({ record: null, entry: null });
  });

  it('reports damaged cached bytes as no data rather than loading them', async () => {
    const kv = freshStore();
    const cache = new DataCache(kv, { backends: [idbBackend(kv)] });
    await cache.save({ kind: 'files', files: [file('a.csv', 'abcdef')] });
    const [key] = (await kv.keys()).filter((k) => k.startsWith('blob:'));
    await kv.set(key!, new Blob(['abc']));
    expect((await cache.load()).entry).toBeNull();
  });

  it('keeps the files read back from it when they are kept again, reload after reload', async () => {
    const kv = freshStore();
    const original = file('orders.csv', 'id,amount\n1,10\n');
    await new DataCache(kv, { backends: [idbBackend(kv)] }).save({
      kind: 'files',
      files: [original],
    });
    for (let reload = 0; reload < 10; reload++) {
      // Each page reads the files back and, as the app may, keeps what it loaded.
      const cache = new DataCache(kv, { backends: [idbBackend(kv)] });
      const { entry } = await cache.load();
      expect(entry?.kind, `reload ${reload}`).toBe('files');
      const files = entry && entry.kind === 'files' ? entry.files : [];
      expect(await files[0]!.text()).toBe('id,amount\n1,10\n');
      expect((await cache.save({ kind: 'files', files })).state).toBe('cached');
      // Only the newest copy is left behind.
      expect((await kv.keys()).filter((k) => k.startsWith('blob:'))).toHaveLength(1);
    }
  });
});

describe('the playbook in IndexedDB', () => {
  it('moves localStorage edits over on save and serves them after a restart', async () => {
    const kv = freshStore();
    const legacy = new Map([[playbookStorageKey('rfm11'), '{"version":1,"entries":{}}']]);
    const local = {
      getItem: (k: string) => legacy.get(k) ?? null,
      setItem: (k: string, v: string) => void legacy.set(k, v),
      removeItem: (k: string) => void legacy.delete(k),
    };
    const first = new MirroredStore(kv, local);
    const storage = keyValuePlaybookStorage(first);
    expect(storage.load('rfm11')).toEqual({ doc: { version: 1, entries: {} }, damaged: false });
    const doc = { version: 1 as const, entries: { 'stage:new': { owner: '增长组' } } };
    expect(storage.save('rfm11', doc)).toBe(true);
    await first.written;
    expect(legacy.size).toBe(0);

    // The next visit: nothing in memory until primed from IndexedDB.
    const next = new MirroredStore(kv, local);
    expect(next.getItem(playbookStorageKey('rfm11'))).toBeNull();
    await next.prime();
    expect(parsePlaybookDoc(next.getItem(playbookStorageKey('rfm11')), 'rfm11').doc).toEqual(doc);

    await next.clear([playbookStorageKey('rfm11')]);
    const after = new MirroredStore(kv, local);
    await after.prime();
    expect(after.getItem(playbookStorageKey('rfm11'))).toBeNull();
  });
});

describe('.valuemap.json files', () => {
  const config = defaultConfig('zh-CN');
  config.scheme = 'cn8';

  it('round-trips settings, results and raw bytes', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x2c, 0x62, 0x0a, 0xff, 0x00]);
    const text = serialiseNotebookFile(
      buildNotebookFile({
        config,
        source: { kind: 'files', names: ['订单.csv'], url: null, sample: null },
        results: null,
        data: [{ name: '订单.csv', type: 'text/csv', base64: bytesToBase64(bytes) }],
        now: new Date('2025-01-02T03:04:05Z'),
      }),
    );
    const checked = parseNotebookFile(text);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.file.format).toBe(FILE_FORMAT);
    expect(checked.file.savedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(checked.file.config).toEqual(config);
    const [restored] = rawFiles(checked.file.data ?? []);
    expect(restored?.name).toBe('订单.csv');
    expect(new Uint8Array(await restored!.arrayBuffer())).toEqual(bytes);
  });

  it('refuses files that are not notebooks, of another version or with damaged data', () => {
    const good = JSON.parse(
      serialiseNotebookFile(
        buildNotebookFile({ config, source: null, results: null, data: null, now: new Date(0) }),
      ),
    ) as Record<string, unknown>;
    expect(parseNotebookFile('nope')).toEqual({ ok: false, error: { code: 'not_json' } });
    expect(parseNotebookFile('{"format":"valuemap-config","version":1}')).toEqual({
      ok: false,
      error: { code: 'not_notebook' },
    });
    expect(parseNotebookFile(JSON.stringify({ ...good, version: 2 }))).toEqual({
      ok: false,
      error: { code: 'version_new', version: 2 },
    });
    expect(parseNotebookFile(JSON.stringify({ ...good, version: 0 }))).toEqual({
      ok: false,
      error: { code: 'version_old', version: 0 },
    });
    expect(
      parseNotebookFile(
        JSON.stringify({ ...good, config: { ...(good.config as object), version: 7 } }),
      ),
    ).toEqual({ ok: false, error: { code: 'version_new', version: 7 } });
    expect(
      parseNotebookFile(
        JSON.stringify({ ...good, data: [{ name: 'a.csv', type: '', base64: 'not base64!' }] }),
      ),
    ).toEqual({ ok: false, error: { code: 'data_damaged', name: 'a.csv' } });
  });
});
