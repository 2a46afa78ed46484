import { tableFromIPC } from 'apache-arrow';
import { tick } from 'svelte';
import type { SortColumn } from '../analysis/customers';
import { exportMetadata } from '../analysis/exportMetadata';
import { guessValueColumns } from '../analysis/valueColumns';
import { isComplete, type ColumnMapping } from '../analysis/mapping';
import { DEFAULT_POLICY, type IngestPolicy } from '../analysis/policy';
import type { SegmentKey, SegmentScheme } from '../analysis/segments';
import { proxy, type EngineClient } from '../engine/client';
import { EngineError, type EngineErrorCode, type ErrorDetails } from '../engine/errors';
import { fetchBytes, urlFileName } from '../engine/readBytes';
import type { DateFamily } from '../ingest/dateFormats';
import type { ReadOptions, SourceFile } from '../ingest/source';
import type { AnalysisResult, LoadedDataset, Stage } from '../engine/types';
import { formatters, type Currency } from '../i18n/format';
import type { Locale } from '../i18n/locales';
import { translate, type MessageKey, type MessageParams } from '../i18n/messages';
import { SEGMENT_LABELS } from '../i18n/segmentLabels';
import type { EngineInfo } from '../../workers/db.worker';
import { download, fileStem } from './download';
import {
  DEFAULT_LIFECYCLE_RULES,
  STAGE_LABELS,
  type LifecycleStage,
} from '../analysis/lifecycleRules';
import {
  DEFAULT_VALUE_OPTIONS,
  type HoldoutResult,
  type LifecycleOptions,
  type LifecycleResult,
  type ValueOptions,
  type ValueResult,
} from '../engine/types';

export interface SampleInfo {
  name: string;
  file: string;
  title_en: string;
  title_zh: string;
}

/** Where the data came from: a built-in sample, dropped or picked files, or a public URL. */
export type Source =
  | { kind: 'sample'; sample: SampleInfo }
  | { kind: 'files'; files: File[] }
  | { kind: 'url'; url: string };

export interface CustomerRow {
  customer_id: string;
  first_purchase: string;
  last_purchase: string;
  recency_days: number;
  frequency: number;
  monetary: number;
  avg_order_value: number;
  r_score: number;
  f_score: number;
  m_score: number;
  fm_score: number;
  segment: SegmentKey;
}

interface Loaded {
  loaded: LoadedDataset;
  source: Source;
  /** The analyst's encoding and sheet choices for this source. */
  readOptions: ReadOptions;
}

/** What to reapply when a source is loaded again (after an engine restart, or saved settings). */
export interface Replay {
  mapping: ColumnMapping;
  asOf: string | null;
  dateFamily: DateFamily | null;
  /** Value settings for the new data (its columns resolved); omitted = found again by name. */
  value?: ValueOptions;
}

const DETECT: ReadOptions = { encoding: null, sheet: null };

const PAGE_SIZE = 50;

/** Milliseconds spent in each step of the last load, from file chosen to segments on screen. */
export interface LoadTimings {
  rows: number;
  readMs: number;
  loadMs: number;
  analyseMs: number;
  firstPageMs: number;
  totalMs: number;
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Generous limits; a hung engine is caught sooner by the client's heartbeat. */
function timeoutFor(bytes: number): number {
  return 60_000 + (bytes / 100e6) * 60_000;
}

/** Any failure as the code and details the UI words: an engine error as it is, else engine_failed. */
export function errorOf(e: unknown): { code: EngineErrorCode; details: ErrorDetails } {
  return e instanceof EngineError
    ? { code: e.code, details: e.details }
    : { code: 'engine_failed', details: { message: e instanceof Error ? e.message : String(e) } };
}

function sourceName(source: Source): string {
  switch (source.kind) {
    case 'files':
      return source.files.map((f) => f.name).join(' + ');
    case 'sample':
      return source.sample.file;
    case 'url':
      return urlFileName(source.url);
  }
}

/** A background computation for one analysis (dataset and as-of date). */
export interface Computation<T> {
  datasetId: number;
  asOf: string;
  status: 'computing' | 'ready' | 'error';
  result: T | null;
  error: { code: EngineErrorCode; details: ErrorDetails } | null;
  /** From the request to the result on the main thread (queueing in the engine included). */
  ms?: number;
}

/**
 * The analyst's session: what is loaded, what is shown, and every action on it. One operation runs
 * at a time; starting another cancels the one in flight. Nothing shown is replaced until its
 * replacement has been analysed, so a failed or cancelled load leaves the previous data in place.
 */
export class Session {
  locale = $state<Locale>('en');
  status = $state<'loading' | 'ready' | 'error'>('loading');
  stage = $state<{ key: MessageKey; params: MessageParams } | null>(null);
  /** 0–1 while bytes are read; null when the step has no measurable progress. */
  progress = $state<number | null>(null);
  error = $state<{ code: EngineErrorCode | 'sample_unknown'; details: ErrorDetails } | null>(null);
  notice = $state<{ key: MessageKey; params: MessageParams } | null>(null);
  staged = $state<Loaded | null>(null);
  current = $state<(Loaded & { result: AnalysisResult }) | null>(null);
  scheme = $state<SegmentScheme>('rfm11');
  /** The analyst's rules for returns, cancellations and duplicates; they apply to every file. */
  policy = $state<IngestPolicy>(structuredClone(DEFAULT_POLICY));
  gridMeasure = $state<'customers' | 'revenue'>('customers');
  engineInfo = $state<EngineInfo | null>(null);
  samples = $state<SampleInfo[]>([]);
  page = $state({
    segment: null as SegmentKey | null,
    sort: 'monetary' as SortColumn,
    descending: true,
    offset: 0,
  });
  customerRows = $state<CustomerRow[]>([]);
  /**
   * The customers picked on the value map or a linked chart (held by the engine as `sel_<id>`):
   * while set, the customer list shows only them. Cleared by every new analysis.
   */
  selectionFilter = $state<{ count: number; label: string } | null>(null);
  /** Customers in the listed segment (or all): known from the analysis, so pages need no count. */
  customerTotal = $derived.by(() => {
    const result = this.current?.result;
    if (!result) return 0;
    if (this.selectionFilter) return this.selectionFilter.count;
    const segment = this.page.segment;
    return segment === null
      ? result.summary.customers
      : (result.segments.find((s) => s.segment === segment)?.customers ?? 0);
  });
  lastTimings = $state<LoadTimings | null>(null);
  /** Warm-up rounds the engine completed in the background (see workers/warmUp.ts). */
  warmUpRounds = $state<number | null>(null);
  /** The analyst's value settings (horizon, discount, margin, window, tiers, model). */
  valueOptions = $state<ValueOptions>(structuredClone(DEFAULT_VALUE_OPTIONS));
  /** The value of the customers on screen: computed after each analysis, in the background. */
  valuation = $state<Computation<ValueResult> | null>(null);
  /** The last calibration/holdout check of the analysis on screen. */
  holdoutCheck = $state<Computation<HoldoutResult> | null>(null);
  lifecycleOptions = $state<LifecycleOptions>({
    rules: { ...DEFAULT_LIFECYCLE_RULES },
    period: 'month',
    cohortPeriod: 'month',
    flowFrom: null,
    flowTo: null,
  });
  /** Lifecycle of the analysis on screen: computed after its value (which gives P(alive)). */
  lifecycle = $state<Computation<LifecycleResult> | null>(null);

  /** The currency amounts are shown in; null = plain numbers (the files do not say). */
  currency = $state<Currency | null>(null);
  fmt = $derived(formatters(this.locale, this.currency));

  /** Automation hook: the large-file benchmark turns the memory estimate off to calibrate it. */
  memoryCheck = true;

  /**
   * Saved settings waiting for data (src/state/persistence.svelte.ts): asked once per load that
   * has no replay of its own, with the columns just loaded; a replay analyses with it.
   */
  replayFor: ((loaded: LoadedDataset, source: Source) => Replay | null) | null = null;

  private operation: AbortController | null = null;
  private warmedUp = false;
  private valuing: Promise<void> | null = null;
  /** Bumped by every foreground operation: background work of an older one is not started. */
  private generation = 0;
  private staging: Promise<void> | null = null;

  constructor(readonly engine: EngineClient) {
    engine.onRestart = () => this.recoverFromRestart();
    void engine.ready.then(
      (info) => (this.engineInfo = info),
      (e: unknown) => this.fail(e, this.operation),
    );
  }

  t = (key: MessageKey, params: MessageParams = {}): string => translate(this.locale, key, params);

  /** An engine error in the UI language, its details as plain text (lists joined). */
  errorText = (code: EngineErrorCode, details: ErrorDetails): string => {
    const params: MessageParams = {};
    for (const [k, v] of Object.entries(details))
      params[k] = Array.isArray(v) ? v.join(', ') : v === null ? '' : v;
    return this.t(`error.${code}` as MessageKey, params);
  };

  segmentLabel = (segment: SegmentKey | null): string =>
    segment ? SEGMENT_LABELS[this.locale][segment] : '';

  /** A lifecycle stage's name in the UI language (the key itself if it is not a stage). */
  stageLabel = (stage: string): string =>
    STAGE_LABELS[this.locale === 'zh-CN' ? 'zh' : 'en'][stage as LifecycleStage] ?? stage;

  sourceLabel(source: Source): string {
    if (source.kind !== 'sample') return this.t('source.file', { name: sourceName(source) });
    const title = this.locale === 'zh-CN' ? source.sample.title_zh : source.sample.title_en;
    return this.t('source.sample', { name: title });
  }

  async loadSamples(): Promise<SampleInfo[]> {
    const response = await fetch('./samples/index.json');
    this.samples = (await response.json()) as SampleInfo[];
    return this.samples;
  }

  /** Load the sample named in `?sample=`, or the default for the UI language. */
  async openSample(name: string | null): Promise<void> {
    const samples = this.samples.length ? this.samples : await this.loadSamples();
    const fallback = samples.find(
      (s) => s.name === (this.locale === 'zh-CN' ? 'retail-zh' : 'online-retail-en'),
    );
    const chosen = name === null ? fallback : samples.find((s) => s.name === name);
    if (!chosen) {
      // Say so at once, and show the default sample meanwhile (the first screen is never empty).
      const loading = fallback
        ? this.load({ kind: 'sample', sample: fallback })
        : Promise.resolve();
      this.error = {
        code: 'sample_unknown',
        details: { name: name ?? '', names: samples.map((s) => s.name).join(', ') },
      };
      await loading;
      return;
    }
    await this.load({ kind: 'sample', sample: chosen });
  }

  /**
   * Read, load and (when every required column is recognised) analyse a source. `readOptions`
   * carries the analyst's encoding or sheet choice when a file is read again with it.
   */
  async load(
    source: Source,
    replay: Replay | null = null,
    readOptions: ReadOptions = DETECT,
  ): Promise<void> {
    const op = this.begin();
    const started = performance.now();
    try {
      const files = await this.sourceFiles(source, op.signal);
      if (!this.engineInfo) {
        this.stage = { key: 'stage.starting', params: {} };
        await this.engine.ready;
      }
      const read = performance.now();
      const bytes = files.reduce((n, f) => n + f.blob.size, 0);
      const loaded = await this.engine.call(
        (api) =>
          api.load(
            files,
            { ...$state.snapshot(readOptions), memoryCheck: this.memoryCheck },
            proxy(this.onStage),
          ),
        { timeoutMs: timeoutFor(bytes) },
      );
      if (op.signal.aborted) {
        void this.drop(loaded.datasetId);
        throw new EngineError('cancelled');
      }
      const parsed = performance.now();
      const target: Loaded = { loaded, source, readOptions };
      replay ??= this.replayFor?.(loaded, source) ?? null;
      const mapping = replay?.mapping ?? loaded.guess;
      if (!isComplete(mapping) || (readOptions !== DETECT && !replay)) {
        // Incomplete, or read again with another encoding or sheet: the analyst checks the preview.
        if (this.staged) void this.drop(this.staged.loaded.datasetId);
        this.staged = target;
        this.finish(op);
        return;
      }
      const { analysedAt } = await this.analyse(
        target,
        mapping,
        replay?.asOf ?? null,
        op,
        replay?.dateFamily ?? null,
        replay?.value ?? null,
      );
      await tick();
      await nextFrame();
      const shown = performance.now();
      this.lastTimings = {
        rows: loaded.rowCount,
        readMs: read - started,
        loadMs: parsed - read,
        analyseMs: analysedAt - parsed,
        firstPageMs: shown - analysedAt,
        totalMs: shown - started,
      };
    } catch (e) {
      this.fail(e, op);
    }
  }

  /** Read the staged or current file again with another encoding or sheet; the preview updates. */
  async reread(change: Partial<ReadOptions>): Promise<void> {
    const target = this.staged ?? this.current;
    if (!target) return;
    await this.load(target.source, null, { ...target.readOptions, ...change });
  }

  /** The source as files for the worker: dropped files as they are (no copy), others fetched. */
  private async sourceFiles(source: Source, signal: AbortSignal): Promise<SourceFile[]> {
    if (source.kind === 'files')
      return source.files.map((file) => ({ name: file.name, blob: file }));
    const name = sourceName(source);
    this.stage = { key: 'stage.reading', params: { name } };
    const onProgress = (loaded: number, total: number | null) =>
      (this.progress = total ? loaded / total : null);
    const url = source.kind === 'sample' ? `./samples/${source.sample.file}` : source.url;
    const bytes = await fetchBytes(url, onProgress, signal);
    this.progress = null;
    return [{ name, blob: new Blob([bytes as BlobPart]) }];
  }

  /** Analyse the staged file (or re-analyse the current one) with the analyst's mapping. */
  async applyMapping(
    mapping: ColumnMapping,
    dateFamily: DateFamily | null = null,
    asOf: string | null = null,
  ): Promise<void> {
    const target = this.staged ?? this.current;
    if (!target) return;
    const op = this.begin();
    try {
      await this.analyse(target, mapping, asOf, op, dateFamily);
    } catch (e) {
      this.fail(e, op);
    }
  }

  discardStaged(): void {
    if (!this.staged) return;
    void this.drop(this.staged.loaded.datasetId);
    this.staged = null;
  }

  async setAsOf(asOf: string): Promise<void> {
    const current = this.current;
    if (!current || asOf === current.result.asOf) return;
    const op = this.begin();
    try {
      await this.analyse(current, current.result.mapping, asOf === '' ? null : asOf, op);
    } catch (e) {
      this.fail(e, op);
    }
  }

  /** Re-analyse under new rules: a chosen as-of date stays, a default one follows the data. */
  async setPolicy(policy: IngestPolicy): Promise<void> {
    const previous = this.policy;
    this.policy = policy;
    const current = this.current;
    if (!current) return;
    const op = this.begin();
    try {
      const { asOf, defaultAsOf, mapping } = current.result;
      await this.analyse(current, mapping, asOf === defaultAsOf ? null : asOf, op);
    } catch (e) {
      // What stays on screen was analysed under the previous rules (unless a newer action took over).
      if (this.operation === op) this.policy = previous;
      this.fail(e, op);
    }
  }

  async setScheme(scheme: SegmentScheme): Promise<void> {
    this.scheme = scheme;
    const current = this.current;
    if (!current) return;
    const view = await this.engine.call(
      (api) => api.segmentView(current.loaded.datasetId, scheme),
      {
        timeoutMs: 30_000,
      },
    );
    if (this.current === current) {
      this.current = { ...current, result: { ...current.result, ...view } };
      this.page = { ...this.page, segment: null, offset: 0 };
      await this.fetchPage();
    }
  }

  /**
   * List only the selected customers (positions in the points' order), or everyone again (null).
   * The selection replaces the segment filter: a segment is one of the selections it can make.
   */
  async filterBySelection(
    selection: { positions: Int32Array; label: string } | null,
  ): Promise<void> {
    const current = this.current;
    if (!current) return;
    const positions = selection?.positions ?? null;
    await this.engine.call((api) => api.setSelection(current.loaded.datasetId, positions), {
      timeoutMs: 30_000,
    });
    if (this.current !== current) return;
    this.selectionFilter = selection
      ? { count: selection.positions.length, label: selection.label }
      : null;
    await this.showPage({ segment: null });
  }

  /** Told when a segment drill-down replaces the selection (the explore state forgets its mask). */
  onSelectionCleared: () => void = () => {};

  async showPage(change: Partial<Session['page']>): Promise<void> {
    if (change.segment && this.selectionFilter) {
      // A segment picked in the grid or the table replaces the selection, as it does in the list.
      await this.filterBySelection(null);
      this.onSelectionCleared();
    }
    this.page = { ...this.page, offset: 0, ...change };
    await this.fetchPage();
  }

  cancel(): void {
    this.operation?.abort();
    this.engine.cancel();
  }

  /**
   * Fit the value models for the analysis on screen with the current settings. Its own state and
   * errors (`valuation`): a failure here never hides the RFM analysis.
   */
  async computeValue(options: ValueOptions = this.valueOptions): Promise<void> {
    const settings = $state.snapshot(options) as ValueOptions;
    const generation = this.generation;
    const work = this.inBackground('valuation', (current) =>
      this.engine.call(
        (api) =>
          api.value(
            current.loaded.datasetId,
            settings,
            proxy(() => {}),
          ),
        { timeoutMs: timeoutFor(current.result.summary.customers * 2000) },
      ),
    ).then((shown) => {
      // A load begun meanwhile (an import, a link) brought newer settings: keep them.
      if (shown && this.generation === generation) this.valueOptions = settings;
    });
    this.valuing = work;
    await work;
  }

  /** Lifecycle stages, flows, cohorts and churn risk with the given settings. */
  async computeLifecycle(options: LifecycleOptions = this.lifecycleOptions): Promise<void> {
    const settings = $state.snapshot(options) as LifecycleOptions;
    const generation = this.generation;
    const shown = await this.inBackground('lifecycle', (current) =>
      this.engine.call((api) => api.lifecycle(current.loaded.datasetId, settings, this.scheme), {
        timeoutMs: timeoutFor(current.loaded.rowCount * 100),
      }),
    );
    // A load begun meanwhile (an import, a link) brought newer settings: keep them.
    if (shown && this.generation === generation) this.lifecycleOptions = settings;
  }

  /** Fit on the purchases before `splitDate` and compare with what customers did after it. */
  async runHoldout(splitDate: string): Promise<void> {
    const options = {
      splitDate,
      unit: this.valueOptions.unit,
      purchaseModel: this.valueOptions.purchaseModel,
    };
    await this.inBackground('holdoutCheck', (current) =>
      this.engine.call((api) => api.holdout(current.loaded.datasetId, options), {
        timeoutMs: timeoutFor(current.result.summary.customers * 2000),
      }),
    );
  }

  /**
   * Work on the analysis on screen whose state has its own slot, so a failure never hides the
   * analysis: what the slot shows stays until the result replaces it (or is shown beside the
   * error), and a result for an analysis no longer on screen is dropped. True when it was shown.
   */
  private async inBackground<K extends 'valuation' | 'lifecycle' | 'holdoutCheck'>(
    slot: K,
    work: (
      current: Loaded & { result: AnalysisResult },
    ) => Promise<NonNullable<Session[K]>['result']>,
  ): Promise<boolean> {
    const current = this.current;
    if (!current) return false;
    const { datasetId } = current.loaded;
    const { asOf } = current.result;
    type Result = NonNullable<Session[K]>['result'];
    const slots = this as unknown as Record<K, Computation<Result> | null>;
    const mine = () => slots[slot]?.datasetId === datasetId && slots[slot]?.asOf === asOf;
    const shown = mine() ? (slots[slot]?.result ?? null) : null;
    slots[slot] = { datasetId, asOf, status: 'computing', result: shown, error: null };
    const started = performance.now();
    try {
      const result = await work(current);
      if (!mine()) return false;
      const ms = performance.now() - started;
      slots[slot] = { datasetId, asOf, status: 'ready', result, error: null, ms };
      return true;
    } catch (e) {
      if (mine()) {
        slots[slot] = { datasetId, asOf, status: 'error', result: shown, error: errorOf(e) };
      }
      return false;
    }
  }

  async exportCustomers(): Promise<void> {
    const current = this.current;
    if (!current) return;
    // The export carries the value and lifecycle columns once they are computed.
    await this.valuing;
    await this.staging;
    // The playbook (and its default texts) loads with its panel, not with the first screen.
    const { playbook } = await import('./playbook.svelte');
    const bytes = await this.engine.call(
      (api) =>
        api.exportCustomers(current.loaded.datasetId, {
          scheme: this.scheme,
          locale: this.locale,
          playbook: playbook.exportRows(this.scheme, this.locale),
        }),
      { timeoutMs: 120_000 },
    );
    download(
      new Blob([bytes as BlobPart], { type: 'text/csv;charset=utf-8' }),
      this.customersFileName(current),
    );
  }

  /** What the customers export was computed from, and the data-quality counts, as JSON. */
  exportMetadata(): void {
    const current = this.current;
    if (!current) return;
    const metadata = exportMetadata({
      loaded: current.loaded,
      result: current.result,
      scheme: this.scheme,
      customersFile: this.customersFileName(current),
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, never mutated
      now: new Date(),
      value:
        this.valuation?.datasetId === current.loaded.datasetId &&
        this.valuation.asOf === current.result.asOf
          ? this.valuation.result
          : null,
    });
    download(
      new Blob([`${JSON.stringify(metadata, null, 2)}\n`], { type: 'application/json' }),
      this.customersFileName(current).replace(/\.csv$/, '.json'),
    );
  }

  private customersFileName(current: Loaded & { result: AnalysisResult }): string {
    return `${fileStem(sourceName(current.source))}-customers-${current.result.asOf}.csv`;
  }

  private async analyse(
    target: Loaded,
    mapping: ColumnMapping,
    asOf: string | null,
    op: AbortController,
    /** null: the engine keeps the reading it has (profiled, or chosen earlier). */
    dateFamily: DateFamily | null = null,
    /** Value settings for new data; null = the current ones, value columns found by name. */
    value: ValueOptions | null = null,
  ): Promise<{ analysedAt: number }> {
    const result = await this.engine.call(
      (api) =>
        api.analyse(
          target.loaded.datasetId,
          $state.snapshot(mapping), // reactive proxies cannot cross postMessage
          { asOf, scheme: this.scheme, policy: $state.snapshot(this.policy), dateFamily },
          proxy(this.onStage),
        ),
      { timeoutMs: timeoutFor(target.loaded.rowCount * 50) },
    );
    if (op.signal.aborted) throw new EngineError('cancelled');
    const analysedAt = performance.now();
    const previous = this.current;
    if (previous && previous.loaded.datasetId !== target.loaded.datasetId)
      void this.drop(previous.loaded.datasetId);
    if (previous?.loaded.datasetId !== target.loaded.datasetId) {
      // New data: the value columns are found again by name; CAC entries belong to old channels.
      const guessed = guessValueColumns(
        target.loaded.columns.map((c) => c.name),
        target.loaded.attributes?.columns ?? null,
      );
      this.valueOptions = value ?? { ...this.valueOptions, ...guessed, cac: [] };
    }
    if (this.staged?.loaded.datasetId === target.loaded.datasetId) this.staged = null;
    this.current = { ...target, result };
    this.selectionFilter = null;
    this.page = { segment: null, sort: 'monetary', descending: true, offset: 0 };
    await this.fetchPage();
    this.finish(op);
    this.holdoutCheck = null;
    // Lifecycle waits for the value: its stages use P(alive).
    const generation = this.generation;
    const still = () => this.generation === generation;
    this.staging = this.computeValue()
      .then(() => (still() ? this.computeLifecycle() : undefined))
      .then(() => {
        if (this.warmedUp || !still()) return;
        // The first screen is complete: pay the engine's warm-up now, not on the analyst's file.
        this.warmedUp = true;
        void this.engine
          .call((api) => api.warmUp(), { timeoutMs: 120_000 })
          .then(
            (rounds) => (this.warmUpRounds = rounds),
            () => (this.warmUpRounds = 0),
          );
      });
    return { analysedAt };
  }

  private async fetchPage(): Promise<void> {
    const current = this.current;
    if (!current) return;
    const bytes = await this.engine.call(
      (api) =>
        api.customerPage(current.loaded.datasetId, {
          scheme: this.scheme,
          limit: PAGE_SIZE,
          ...this.page,
          selected: this.selectionFilter !== null,
        }),
      { timeoutMs: 30_000 },
    );
    const rows = tableFromIPC(bytes)
      .toArray()
      .map((r) => r.toJSON() as CustomerRow);
    this.customerRows = rows;
  }

  private onStage = (stage: Stage, fraction: number | null = null) => {
    const percent = fraction === null ? '' : this.fmt.percent(fraction);
    this.stage = { key: `stage.${stage}`, params: { percent } };
    this.progress = fraction;
  };

  private begin(): AbortController {
    this.operation?.abort();
    // Value and lifecycle of what is on screen are background work: a new load or analysis goes
    // first (the engine runs one job at a time), and they are redone for its result.
    if (this.valuation?.status === 'computing' || this.lifecycle?.status === 'computing') {
      this.engine.cancel();
    }
    this.generation++;
    const op = new AbortController();
    this.operation = op;
    this.status = 'loading';
    this.error = null;
    this.notice = null;
    this.progress = null;
    return op;
  }

  private finish(op: AbortController): void {
    if (this.operation !== op) return;
    this.operation = null;
    this.status = 'ready';
    this.stage = null;
    this.progress = null;
  }

  private fail(e: unknown, op: AbortController | null): void {
    if (op && this.operation !== op) return; // a newer operation owns the screen
    this.operation = null;
    this.stage = null;
    this.progress = null;
    const cancelled =
      (e instanceof EngineError && e.code === 'cancelled') || op?.signal.aborted === true;
    if (cancelled) {
      const source = this.current ? this.sourceLabel(this.current.source) : '—';
      this.notice = { key: 'load.cancelled', params: { source } };
      this.status = this.current ? 'ready' : 'error';
      if (!this.current) this.error = { code: 'cancelled', details: {} };
      return;
    }
    this.status = 'error';
    this.error = errorOf(e);
  }

  /** A fresh engine has no tables: load the shown data again with the same mapping and as-of date. */
  private recoverFromRestart(): void {
    const current = this.current;
    this.staged = null; // its tables died with the engine
    if (!current) return; // still shown until the reload replaces it
    const { mapping, asOf, dateFamily } = current.result;
    // The value settings too: columns and CAC entries are the analyst's, not guessed again.
    const value = $state.snapshot(this.valueOptions) as ValueOptions;
    const replay = { mapping, asOf, dateFamily, value };
    void this.load(current.source, replay, current.readOptions).then(() => {
      if (this.status === 'ready') this.notice = { key: 'error.engine_restarted', params: {} };
    });
  }

  private async drop(datasetId: number): Promise<void> {
    await this.engine.call((api) => api.drop(datasetId), { timeoutMs: 30_000 }).catch(() => {});
  }
}
