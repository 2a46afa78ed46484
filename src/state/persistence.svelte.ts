/**
 * Saved work: every setting autosaves (debounced) to IndexedDB and the loaded data is cached, so a
 * reload restores the session without dropping the file again; `.valuemap.json` export/import;
 * "Copy link". Restoring goes through the normal load path: the files are loaded as if dropped
 * and the saved configuration is matched to their columns by the session's `replayFor` hook.
 */
import { untrack } from 'svelte';
import { emptyDoc } from '../analysis/playbook';
import { SEGMENT_SCHEMES } from '../analysis/segments';
import type { Field } from '../analysis/mapping';
import type { LoadedDataset } from '../engine/types';
import type { MessageKey, MessageParams } from '../i18n/messages';
import { isCurrency } from '../i18n/format';
import { isLocale } from '../i18n/locales';
import {
  applyConfig,
  applySettings,
  fitConfig,
  snapshotConfig,
  type NotebookLike,
  type SegmentsLike,
  type PlaybookLink,
} from '../persist/apply';
import {
  parseConfig,
  type AnalysisConfig,
  type ConfigError,
  type SavedSegment,
} from '../persist/config';
import {
  browserDataCache,
  type CacheRecord,
  type CacheResult,
  type DataCache,
} from '../persist/dataCache';
import { KeptSources } from '../persist/keptSources';
import { markOwnData } from '../persist/ownDataMarker';
import {
  FILE_EXTENSION,
  RAW_WARN_BYTES,
  buildNotebookFile,
  bytesToBase64,
  parseNotebookFile,
  rawFiles,
  serialiseNotebookFile,
  type FileError,
  type RawFile,
  type ResultsSnapshot,
  type SourceNote,
} from '../persist/notebookFile';
import { workStore, memoryKeyValue, type KeyValue } from '../persist/store';
import { urlFileName } from '../engine/readBytes';
import { download, fileStem } from './download';
import { playbook as playbookState } from './playbook.svelte';
import {
  browserPlaybookStore,
  playbookStorageKey,
  keyValuePlaybookStorage,
} from './playbookStorage';
import type { Session, Source } from './session.svelte';

const CONFIG_KEY = 'config';
const SAVE_DELAY_MS = 400;

type Message = { key: MessageKey; params: MessageParams };

/** Settings waiting for their data: from a link, an imported file, or the last visit. */
interface Pending {
  config: AnalysisConfig;
  origin: 'link' | 'file' | 'saved';
  /** Names of the files the settings were made on, when known. */
  names: string[];
}

export type SaveState = 'idle' | 'saving' | 'saved' | 'failed' | 'off';

/** Cells from a link or a file are someone else's until the analyst runs them. */
const foreign = (pending: Pending) => (pending.origin === 'saved' ? null : pending.origin);

export class Persistence {
  saveState = $state<SaveState>('idle');
  savedAt = $state<Date | null>(null);
  /** What happened to the data on screen: cached, a sample kept by name, or not kept (why). */
  cache = $state<CacheResult | null>(null);
  pending = $state<Pending | null>(null);
  /** The last thing to tell the analyst (import errors, how settings met the columns). */
  message = $state<(Message & { tone: 'info' | 'error' }) | null>(null);
  /** The link, when the clipboard refused it: shown in a field to copy by hand. */
  linkText = $state<string | null>(null);
  linkCopied = $state(false);

  private notebook: NotebookLike | null = null;
  private segments: SegmentsLike | null = null;
  /** Saved selections read before the value map was there to take them. */
  private segmentsWaiting: SavedSegment[] | null = null;
  private readonly playbook: PlaybookLink;
  /**
   * Sources already kept (or restored from the cache): not written again. Also the URLs of
   * restored sources that were fetched: links keep pointing at the public file.
   */
  private readonly keptSources = new KeptSources();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private lastSaved = '';
  private stopEffects: (() => void) | null = null;

  constructor(
    private readonly session: Session,
    private readonly kv: KeyValue = workStore() ?? memoryKeyValue(),
    private readonly dataCache: DataCache = browserDataCache(kv),
    playbook: PlaybookLink = {
      state: playbookState,
      storage: keyValuePlaybookStorage(browserPlaybookStore()),
    },
  ) {
    this.playbook = playbook;
    session.replayFor = (loaded, source) => this.consumePending(loaded, source);
    if (!workStore()) this.saveState = 'off';
  }

  /** The notebook's cells take part in saving, files and links from now on. */
  attachNotebook(notebook: NotebookLike): void {
    this.notebook = notebook;
    const waiting = this.pending;
    if (waiting?.config.notebook) notebook.restore(waiting.config.notebook, foreign(waiting));
  }

  /** The value map's kept selections take part in saving, files and links from now on. */
  attachSegments(segments: SegmentsLike): void {
    this.segments = segments;
    const waiting = this.segmentsWaiting ?? this.pending?.config.segments ?? null;
    this.segmentsWaiting = null;
    if (waiting && waiting.length > 0) segments.restoreSegments(waiting);
  }

  /**
   * Start-up: a link's settings (with its data, or waiting for the file), or else the last visit's
   * settings and data, or else the built-in sample. Autosave starts once this has settled, so the
   * defaults of an empty page never overwrite the saved work.
   */
  async start(params: URLSearchParams): Promise<void> {
    await this.primePlaybook();
    const data = params.get('data');
    const sample = params.get('sample');
    const configParam = params.get('config');
    if (configParam !== null) {
      // Links are rare: their code (fflate) loads only for them.
      const { decodeConfig } = await import('../persist/link');
      const checked = decodeConfig(configParam);
      if (!checked.ok) this.showError('persist.link.invalid', checked.error);
      else {
        this.arm({ config: checked.config, origin: 'link', names: [] });
        applySettings(
          this.session,
          checked.config,
          this.playbook,
          this.notebook,
          'link',
          this.segments,
        );
        this.urlWins(params);
      }
    }
    try {
      if (data) await this.session.load({ kind: 'url', url: data });
      else if (sample !== null || (configParam !== null && !this.pending))
        await this.session.openSample(sample);
      else if (this.pending) this.waitForFile();
      else if (!(await this.restore(params))) await this.session.openSample(null);
    } catch {
      // Storage that fails in an unforeseen way must not leave the first screen empty.
      if (!this.session.current) await this.session.openSample(null);
    }
    this.startEffects();
  }

  /** Bring back the last visit: its settings, then its data through the normal load path. */
  private async restore(params: URLSearchParams): Promise<boolean> {
    const text = await this.kv.get<string>(CONFIG_KEY).catch(() => undefined);
    const checked = typeof text === 'string' ? parseConfig(text) : null;
    if (checked && !checked.ok) this.showError('persist.saved.invalid', checked.error);
    const config = checked?.ok ? checked.config : null;
    const { record, entry } = await this.dataCache.load().catch(() => ({
      record: null,
      entry: null,
    }));
    if (!config && !entry) return false;
    if (config) {
      this.lastSaved = text as string;
      // The playbook store is newer than the settings (it saves even with no data on screen).
      applySettings(this.session, config, null, this.notebook, null, this.segments);
      if (!this.segments) this.segmentsWaiting = config.segments;
      this.urlWins(params);
      this.arm({ config, origin: 'saved', names: recordNames(record) });
    }
    if (!entry) {
      if (!config) return false;
      this.cache =
        record?.kind === 'skipped'
          ? { state: 'skipped', reason: record.reason, bytes: record.bytes }
          : null;
      this.waitForFile();
      return true;
    }
    const read = config ? { ...config.read } : undefined;
    if (entry.kind === 'sample') {
      const samples = await this.session.loadSamples().catch(() => []);
      const chosen = samples.find((s) => s.name === entry.sample);
      if (!chosen) return false;
      const source: Source = { kind: 'sample', sample: chosen };
      this.keptSources.add(source);
      this.cache = { state: 'reference' };
      await this.session.load(source, null, read);
      return true;
    }
    const source: Source = { kind: 'files', files: entry.files };
    this.keptSources.add(source);
    if (entry.kind === 'url') this.keptSources.setUrl(source, entry.url);
    const bytes = entry.files.reduce((n, f) => n + f.size, 0);
    this.cache = {
      state: 'cached',
      backend: record && 'backend' in record ? record.backend : 'idb',
      bytes,
    };
    void this.session.loadSamples().catch(() => []);
    await this.session.load(source, null, read);
    if (!this.session.current && !this.session.staged && this.session.error?.code !== 'cancelled') {
      // The kept bytes no longer load (damaged, or a reader changed): forget them, so the next
      // visit does not fail the same way; the settings wait for the file to be dropped again.
      await this.dataCache.clear().catch(() => {});
      this.cache = null;
      if (config) this.arm({ config, origin: 'saved', names: entry.files.map((f) => f.name) });
    }
    return true;
  }

  /** `?lang=` and `?currency=` in the address are asked for now: they win over saved ones. */
  private urlWins(params: URLSearchParams): void {
    const lang = params.get('lang');
    if (isLocale(lang)) this.session.locale = lang;
    const currency = params.get('currency');
    if (isCurrency(currency)) this.session.currency = currency;
  }

  private arm(pending: Pending): void {
    this.pending = pending;
    if (pending.config.notebook && this.notebook)
      this.notebook.restore(pending.config.notebook, foreign(pending));
  }

  /** Nothing to load: the page waits for the file the settings apply to. */
  private waitForFile(): void {
    void this.session.loadSamples().catch(() => []);
    if (this.session.status === 'loading' && !this.session.current) this.session.status = 'ready';
  }

  /** The session's hook: the pending settings fitted to the columns just loaded (used once). */
  private consumePending(loaded: LoadedDataset, _source: Source) {
    const pending = this.pending;
    if (!pending) return null;
    this.pending = null;
    const fit = fitConfig(pending.config, loaded);
    if (!fit.replay) {
      this.message = {
        tone: 'info',
        key: 'persist.applied.needsMapping',
        params: { file: loaded.fileName },
      };
      return null;
    }
    const fields = (list: Field[]) =>
      list.map((f) => this.session.t(`field.${f}` as MessageKey)).join(', ');
    this.message = fit.missing.length
      ? {
          tone: 'info',
          key: 'persist.applied.missing',
          params: { file: loaded.fileName, fields: fields(fit.missing) },
        }
      : fit.moved.length
        ? {
            tone: 'info',
            key: 'persist.applied.moved',
            params: { file: loaded.fileName, fields: fields(fit.moved) },
          }
        : pending.origin === 'saved'
          ? null
          : { tone: 'info', key: 'persist.applied', params: { file: loaded.fileName } };
    return fit.replay;
  }

  private startEffects(): void {
    if (this.stopEffects) return;
    this.stopEffects = $effect.root(() => {
      // Autosave: any setting (or the notebook) that changes is written a moment later.
      $effect(() => {
        if (!this.session.current || this.pending) return;
        const text = JSON.stringify(
          snapshotConfig(this.session, this.playbook, this.notebook, this.segments),
        );
        untrack(() => this.scheduleSave(text));
      });
      // The data: kept once per new source on screen (an engine restart reloads the same one).
      $effect(() => {
        const source = this.session.current?.source;
        if (source) untrack(() => void this.keep(source));
      });
    });
  }

  private scheduleSave(text: string): void {
    if (text === this.lastSaved || this.saveState === 'off') return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveState = 'saving';
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.kv.set(CONFIG_KEY, text).then(
        () => {
          this.lastSaved = text;
          this.saveState = 'saved';
          // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, never mutated
          this.savedAt = new Date();
        },
        () => (this.saveState = 'failed'),
      );
    }, SAVE_DELAY_MS);
  }

  /** Resolves when a scheduled save has been written (tests and the clear button wait on it). */
  async flush(): Promise<void> {
    while (this.saveTimer || this.saveState === 'saving')
      await new Promise((r) => setTimeout(r, SAVE_DELAY_MS / 4));
  }

  private async keep(source: Source): Promise<void> {
    if (this.keptSources.has(source)) return;
    this.keptSources.add(source);
    try {
      markOwnData(source.kind !== 'sample');
      if (source.kind === 'sample') {
        this.cache = await this.dataCache.save({ kind: 'sample', sample: source.sample.name });
      } else if (source.kind === 'files') {
        const url = this.keptSources.url(source);
        this.cache = await this.dataCache.save(
          url ? { kind: 'url', url, files: source.files } : { kind: 'files', files: source.files },
        );
      } else {
        // The browser's HTTP cache usually has it: a second request, not a second download.
        const response = await fetch(source.url, { cache: 'force-cache' });
        if (!response.ok) throw new Error(String(response.status));
        const blob = await response.blob();
        const name = urlFileName(source.url);
        this.cache = await this.dataCache.save({
          kind: 'url',
          url: source.url,
          files: [new File([blob], name, { type: blob.type })],
        });
      }
    } catch {
      this.cache = { state: 'skipped', reason: 'failed', bytes: 0 };
    }
  }

  /** Forget everything kept in this browser: settings, data, playbook edits (the page stays). */
  async clearAll(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await this.dataCache.clear().catch(() => {});
    markOwnData(false);
    await this.kv.del(CONFIG_KEY).catch(() => {});
    await browserPlaybookStore().clear(SEGMENT_SCHEMES.map(playbookStorageKey));
    for (const scheme of SEGMENT_SCHEMES) this.playbook.state.docs[scheme] = emptyDoc();
    // What is on screen stays, but is no longer kept: say so until the next change saves again.
    const current = this.session.current;
    this.lastSaved = current
      ? JSON.stringify(snapshotConfig(this.session, this.playbook, this.notebook, this.segments))
      : '';
    if (current) this.keptSources.add(current.source);
    this.cache = null;
    this.saveState = this.saveState === 'off' ? 'off' : 'idle';
    this.savedAt = null;
    this.message = { tone: 'info', key: 'persist.cleared', params: {} };
  }

  config(): AnalysisConfig {
    return snapshotConfig(this.session, this.playbook, this.notebook, this.segments);
  }

  /** The share link of the view on screen (the data only when it is public: a URL or a sample). */
  async link(): Promise<string> {
    const source = this.session.current?.source;
    const url = source && this.keptSources.url(source);
    const data = url ? { url } : source?.kind === 'sample' ? { sample: source.sample.name } : null;
    const { shareLink } = await import('../persist/link');
    return shareLink(location.href, this.config(), data);
  }

  async copyLink(): Promise<void> {
    this.linkCopied = false;
    const link = await this.link();
    try {
      await navigator.clipboard.writeText(link);
      this.linkCopied = true;
      this.linkText = link;
    } catch {
      // No clipboard (permissions, insecure context): the field shows it, selected, to copy.
      this.linkText = link;
    }
  }

  /** Bytes of the raw data a notebook file would carry (null when there is none to carry). */
  async rawSize(): Promise<number | null> {
    const files = await this.rawSources();
    return files ? files.reduce((n, f) => n + f.size, 0) : null;
  }

  private async rawSources(): Promise<File[] | null> {
    const source = this.session.current?.source;
    if (!source) return null;
    if (source.kind === 'files') return source.files;
    const url = source.kind === 'url' ? source.url : `./samples/${source.sample.file}`;
    const response = await fetch(url, { cache: 'force-cache' });
    if (!response.ok) return null;
    const blob = await response.blob();
    const name = source.kind === 'url' ? urlFileName(url) : source.sample.file;
    return [new File([blob], name, { type: blob.type })];
  }

  /** Write the notebook file: settings and cells; results and raw data when asked for. */
  async exportFile(options: { results: boolean; raw: boolean }): Promise<void> {
    const current = this.session.current;
    const source = current?.source ?? null;
    const note: SourceNote | null = source
      ? {
          kind: source.kind,
          names:
            source.kind === 'files'
              ? source.files.map((f) => f.name)
              : [source.kind === 'sample' ? source.sample.file : source.url],
          url: this.keptSources.url(source) ?? null,
          sample: source.kind === 'sample' ? source.sample.name : null,
        }
      : null;
    let data: RawFile[] | null = null;
    if (options.raw) {
      const files = (await this.rawSources()) ?? [];
      data = [];
      for (const f of files)
        data.push({
          name: f.name,
          type: f.type,
          base64: bytesToBase64(new Uint8Array(await f.arrayBuffer())),
        });
      if (!data.length) data = null;
    }
    const file = buildNotebookFile({
      config: this.config(),
      source: note,
      results: options.results ? this.results() : null,
      data,
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, never mutated
      now: new Date(),
    });
    const stem = current
      ? fileStem(current.loaded.fileName.split(' + ')[0] ?? 'valuemap')
      : 'valuemap';
    download(
      new Blob([serialiseNotebookFile(file)], { type: 'application/json' }),
      `${stem}${FILE_EXTENSION}`,
    );
  }

  /** The aggregated results on screen (segments, value totals, lifecycle stages). */
  results(): ResultsSnapshot | null {
    const current = this.session.current;
    if (!current) return null;
    const { result } = current;
    const key = this.session.analysisKey;
    return JSON.parse(
      JSON.stringify({
        asOf: result.asOf,
        scheme: result.scheme,
        summary: result.summary,
        segments: result.segments,
        value: this.session.valuation.resultFor(key)?.totals ?? null,
        stages: this.session.lifecycle.resultFor(key)?.stages ?? null,
      }),
    ) as ResultsSnapshot;
  }

  /**
   * Read a notebook file. Invalid: an error and nothing changes. With raw data: that data is
   * loaded with the settings. Without: the settings go onto the data on screen, or wait for it.
   */
  async importFile(file: File): Promise<void> {
    const checked = parseNotebookFile(await file.text());
    if (!checked.ok) {
      this.showError('persist.import.invalid', checked.error);
      return;
    }
    const { config } = checked.file;
    const names = checked.file.source?.names ?? [];
    this.message = null;
    if (checked.file.data) {
      this.arm({ config, origin: 'file', names });
      applySettings(this.session, config, this.playbook, this.notebook, 'file', this.segments);
      await this.session.load({ kind: 'files', files: rawFiles(checked.file.data) }, null, {
        ...config.read,
      });
      return;
    }
    const sample = checked.file.source?.sample;
    if (!this.session.current && sample) {
      this.arm({ config, origin: 'file', names });
      await this.session.openSample(sample);
      return;
    }
    const outcome = await applyConfig(
      this.session,
      config,
      this.playbook,
      this.notebook,
      'file',
      this.segments,
    );
    if (outcome.state === 'needs_data') {
      this.arm({ config, origin: 'file', names });
      this.waitForFile();
    } else if (outcome.state === 'needs_mapping') {
      this.message = {
        tone: 'info',
        key: 'persist.applied.needsMapping',
        params: { file: this.session.current?.loaded.fileName ?? '' },
      };
    } else {
      this.message = {
        tone: 'info',
        key: 'persist.applied',
        params: { file: this.session.current?.loaded.fileName ?? '' },
      };
    }
  }

  /** Drop settings waiting for a file (the analyst goes on without them). */
  dismissPending(): void {
    this.pending = null;
  }

  private async primePlaybook(): Promise<void> {
    const store = browserPlaybookStore();
    const idb = workStore();
    if (idb) await store.attach(idb).catch(() => {});
    const storage = keyValuePlaybookStorage(store);
    for (const scheme of SEGMENT_SCHEMES) {
      const { doc } = storage.load(scheme);
      this.playbook.state.docs[scheme] = doc;
    }
  }

  private showError(key: MessageKey, error: ConfigError | FileError): void {
    this.message = {
      tone: 'error',
      key,
      params: { reason: this.session.t(reasonKey(error), reasonParams(error, this.session)) },
    };
  }
}

function recordNames(record: CacheRecord | null): string[] {
  if (!record || record.kind === 'sample') return [];
  return 'files' in record ? record.files.map((f) => f.name) : record.names;
}

function reasonKey(error: ConfigError | FileError): MessageKey {
  return `persist.error.${error.code}` as MessageKey;
}

function reasonParams(error: ConfigError | FileError, session: Session): MessageParams {
  switch (error.code) {
    case 'version_old':
    case 'version_new':
      return { version: error.version };
    case 'too_large':
      return { size: session.fmt.integer(error.bytes) };
    case 'data_damaged':
      return { name: error.name };
    default:
      return {};
  }
}

export { RAW_WARN_BYTES };
