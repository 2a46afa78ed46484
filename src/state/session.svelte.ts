import { tableFromIPC } from 'apache-arrow';
import { tick } from 'svelte';
import type { FirstScreen } from './firstScreen';
import type { SortColumn } from '../analysis/customers';
import { exportMetadata } from '../analysis/exportMetadata';
import { guessValueColumns } from '../analysis/valueColumns';
import { isComplete, type ColumnMapping } from '../analysis/mapping';
import { DEFAULT_POLICY, type IngestPolicy } from '../analysis/policy';
import type { SegmentKey, SegmentScheme } from '../analysis/segments';
import type { Ports } from '../compute/ports';
import { holdoutStep } from '../compute/holdoutStep';
import { COMPUTE_JOB_TIMEOUT_MS, valueStep } from '../compute/valueStep';
import { proxy, type EngineClient, type Restart } from '../engine/client';
import type { ComputeClient } from '../engine/computeClient';
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
import { Computation, errorOf, type AnalysisKey } from './computation.svelte';
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
  /**
   * Background steps not to start after the analysis: the step the engine was running when it
   * stopped responding is never started again by itself (the analyst may try it again).
   */
  skip?: string[];
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

export { errorOf };

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

/** Failures another delimiter or fixed widths may mend: the file read, but not into columns. */
const READ_AGAIN: ReadonlySet<string> = new Set([
  'no_usable_columns',
  'fixed_widths_needed',
  'all_rows_malformed',
  'too_many_columns',
]);

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
  /**
   * A file whose columns could not be told apart as it was read (one column, no date or amount
   * found, touching fixed-width columns): the error panel offers to read it again with another
   * delimiter or fixed widths. Null for every other failure.
   */
  unreadable = $state.raw<{ source: Source; readOptions: ReadOptions } | null>(null);
  staged = $state<Loaded | null>(null);
  current = $state<(Loaded & { result: AnalysisResult }) | null>(null);
  /**
   * A built-in sample's first screen computed at build time (firstScreen.ts), shown while the
   * engine starts and analyses the same sample; gone once anything else is loaded or on screen.
   */
  preview = $state.raw<FirstScreen | null>(null);
  /**
   * The background steps of the analysis on screen (value, lifecycle) have ended, however they
   * ended: the panels below the first screen may load now (LazyPanel).
   */
  settled = $state(false);
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
  readonly valuation = new Computation<ValueResult>();
  /** The last calibration/holdout check of the analysis on screen. */
  readonly holdoutCheck = new Computation<HoldoutResult>();
  lifecycleOptions = $state<LifecycleOptions>({
    rules: { ...DEFAULT_LIFECYCLE_RULES },
    period: 'month',
    cohortPeriod: 'month',
    flowFrom: null,
    flowTo: null,
  });
  /** Lifecycle of the analysis on screen: computed after its value (which gives P(alive)). */
  readonly lifecycle = new Computation<LifecycleResult>();
  /**
   * Set when the engine had to be restarted twice within a minute: automatic recovery is off and
   * the analyst decides (reload the data, or try a step again).
   */
  recoveryOff = $state(false);

  /** The currency amounts are shown in; null = plain numbers (the files do not say). */
  currency = $state<Currency | null>(null);
  fmt = $derived(formatters(this.locale, this.currency));

  /** Automation hook: the large-file benchmark turns the memory estimate off to calibrate it. */
  memoryCheck = true;
  /** Automation hook for tests: the next value fits first block the compute worker this long. */
  fitSpinMs = 0;

  /**
   * Saved settings waiting for data (src/state/persistence.svelte.ts): asked once per load that
   * has no replay of its own, with the columns just loaded; a replay analyses with it.
   */
  replayFor: ((loaded: LoadedDataset, source: Source) => Replay | null) | null = null;

  private operation: AbortController | null = null;
  /** The foreground load in flight: what to load again if the engine is replaced under it. */
  private loading: { source: Source; replay: Replay | null; readOptions: ReadOptions } | null =
    null;
  private warmedUp = false;
  /** Both workers, for the steps that span them (src/compute/). */
  readonly ports: Ports;

  constructor(
    readonly engine: EngineClient,
    readonly compute: ComputeClient,
  ) {
    engine.onRestart = (restart) => this.recoverFromRestart(restart);
    void engine.ready.then(
      (info) => (this.engineInfo = info),
      (e: unknown) => this.fail(e, this.operation),
    );
    this.ports = {
      engine: (step, method, args) => engine.run(step, method, args),
      compute: (job, options) =>
        compute.run(job, { ...options, timeoutMs: COMPUTE_JOB_TIMEOUT_MS }),
    };
  }

  /** The analysis on screen, as background results are keyed. */
  get analysisKey(): AnalysisKey | null {
    const current = this.current;
    return current ? { datasetId: current.loaded.datasetId, asOf: current.result.asOf } : null;
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
    const loading = { source, replay, readOptions };
    if (this.preview && !(source.kind === 'sample' && source.sample.name === this.preview.sample))
      this.preview = null;
    this.loading = loading;
    try {
      const files = await this.sourceFiles(source, op.signal);
      if (!this.engineInfo) {
        this.stage = { key: 'stage.starting', params: {} };
        await this.engine.ready;
      }
      const read = performance.now();
      const bytes = files.reduce((n, f) => n + f.blob.size, 0);
      const loaded = await this.engine.run(
        'ingest',
        'load',
        [
          files,
          { ...$state.snapshot(readOptions), memoryCheck: this.memoryCheck },
          proxy(this.onStage),
        ],
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
        replay?.skip ?? [],
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
      if (this.operation === null) {
        // Its note says the engine is on its way: not true any more once this load has failed.
        this.preview = null;
        if (this.error && READ_AGAIN.has(this.error.code))
          this.unreadable = { source, readOptions };
      }
    } finally {
      // This load's own record only: another operation may have begun while this one drew its
      // first page, and a stale record would make a restart reload this file with old settings.
      if (this.loading === loading) this.loading = null;
    }
  }

  /**
   * Show a first screen computed in advance, unless something else is (or is being) loaded: it
   * stands in only for the sample the page is about to analyse.
   */
  showPreview(screen: FirstScreen): void {
    if (this.current || this.staged) return;
    const loading = this.loading?.source;
    if (loading && !(loading.kind === 'sample' && loading.sample.name === screen.sample)) return;
    this.preview = screen;
  }

  /** Read the file that could not be split into columns again, with another delimiter or widths. */
  async readUnreadableAgain(change: Partial<ReadOptions>): Promise<void> {
    const failed = this.unreadable;
    if (failed) await this.load(failed.source, null, { ...failed.readOptions, ...change });
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
    const view = await this.engine.run('analysis', 'segmentView', [
      current.loaded.datasetId,
      scheme,
    ]);
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
    await this.engine.run('customers', 'setSelection', [current.loaded.datasetId, positions]);
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
   * errors (`valuation`): a failure here never hides the RFM analysis. True when shown.
   */
  async computeValue(options: ValueOptions = this.valueOptions): Promise<boolean> {
    const key = this.analysisKey;
    if (!key) return false;
    const settings = $state.snapshot(options) as ValueOptions;
    const spinMs = this.fitSpinMs;
    const shown = await this.valuation.run(key, (context) =>
      this.cancelling('value', context.signal, () =>
        valueStep(this.ports, key.datasetId, settings, { ...context, spinMs }),
      ),
    );
    // Only a result still on screen says which settings are in force.
    if (shown) this.valueOptions = settings;
    return shown;
  }

  /** Lifecycle stages, flows, cohorts and churn risk with the given settings. True when shown. */
  async computeLifecycle(options: LifecycleOptions = this.lifecycleOptions): Promise<boolean> {
    const current = this.current;
    const key = this.analysisKey;
    if (!current || !key) return false;
    const settings = $state.snapshot(options) as LifecycleOptions;
    const shown = await this.lifecycle.run(key, ({ signal }) =>
      this.cancelling('lifecycle', signal, () =>
        this.engine.run('lifecycle', 'lifecycle', [key.datasetId, settings, this.scheme], {
          timeoutMs: timeoutFor(current.loaded.rowCount * 100),
        }),
      ),
    );
    if (shown) this.lifecycleOptions = settings;
    return shown;
  }

  /** Fit on the purchases before `splitDate` and compare with what customers did after it. */
  async runHoldout(splitDate: string): Promise<void> {
    const key = this.analysisKey;
    if (!key) return;
    const options = {
      splitDate,
      unit: this.valueOptions.unit,
      purchaseModel: this.valueOptions.purchaseModel,
    };
    await this.holdoutCheck.run(key, (context) =>
      this.cancelling('holdout', context.signal, () =>
        holdoutStep(this.ports, key.datasetId, options, context),
      ),
    );
  }

  /**
   * Background work whose signal aborts (superseded, or the analyst's cancel) also stops the
   * engine — only while the engine is running this step's job, never someone else's.
   */
  private async cancelling<T>(step: string, signal: AbortSignal, work: () => Promise<T>) {
    const stop = () => {
      if (this.engine.running === step) this.engine.cancel();
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await work();
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  /**
   * The customers CSV, at once: with the columns of the steps that have finished. Whatever is
   * still computing is left out and named, never waited for (it may take long, or fail).
   */
  async exportCustomers(scope: 'all' | 'listed' = 'all'): Promise<void> {
    const current = this.current;
    if (!current) return;
    // "listed": the customers the list shows — a map selection, or a segment drilled into.
    const selected = scope === 'listed' && this.selectionFilter !== null;
    const segment = scope === 'listed' && !selected ? this.page.segment : null;
    const missing = [
      ...(this.valuation.status === 'computing' ? ['value'] : []),
      ...(this.lifecycle.status === 'computing' ? ['lifecycle'] : []),
    ];
    try {
      // The playbook (and its default texts) loads with its panel, not with the first screen.
      const { playbook } = await import('./playbook.svelte');
      const bytes = await this.engine.run('customers', 'exportCustomers', [
        current.loaded.datasetId,
        {
          scheme: this.scheme,
          locale: this.locale,
          playbook: playbook.exportRows(this.scheme, this.locale),
          selected,
          segment,
        },
      ]);
      const which = selected
        ? `selection-${this.selectionFilter?.count ?? 0}`
        : (segment ?? undefined);
      download(
        new Blob([bytes as BlobPart], { type: 'text/csv;charset=utf-8' }),
        this.customersFileName(current, which),
      );
      this.notice =
        missing.length > 0
          ? {
              key: 'export.partial',
              params: {
                steps: missing
                  .map((m) => this.t(`export.partial.${m}` as MessageKey))
                  .join(this.locale === 'zh-CN' ? '、' : ', '),
              },
            }
          : null;
    } catch (e) {
      const { code, details } = errorOf(e);
      this.notice = { key: 'export.failed', params: { reason: this.errorText(code, details) } };
    }
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
      value: this.valuation.resultFor(this.analysisKey),
    });
    download(
      new Blob([`${JSON.stringify(metadata, null, 2)}\n`], { type: 'application/json' }),
      this.customersFileName(current).replace(/\.csv$/, '.json'),
    );
  }

  /** `orders-customers-2024-03-03.csv`; a part says which: `orders-customers-selection-21-….csv`. */
  private customersFileName(current: Loaded & { result: AnalysisResult }, part?: string): string {
    const which = part ? `-${part}` : '';
    return `${fileStem(sourceName(current.source))}-customers${which}-${current.result.asOf}.csv`;
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
    /** Background steps not to start (see Replay.skip). */
    skip: string[] = [],
  ): Promise<{ analysedAt: number }> {
    const result = await this.engine.run(
      'analysis',
      'analyse',
      [
        target.loaded.datasetId,
        $state.snapshot(mapping), // reactive proxies cannot cross postMessage
        { asOf, scheme: this.scheme, policy: $state.snapshot(this.policy), dateFamily },
        proxy(this.onStage),
      ],
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
    this.preview = null;
    this.settled = false;
    this.selectionFilter = null;
    this.page = { segment: null, sort: 'monetary', descending: true, offset: 0 };
    await this.fetchPage();
    this.finish(op);
    this.holdoutCheck.reset();
    void this.backgroundSteps(skip);
    return { analysedAt };
  }

  /**
   * After an analysis: its value, then its lifecycle (whose stages use P(alive)), then, once, the
   * engine's warm-up. Each stops going on when another analysis has taken the screen.
   */
  private async backgroundSteps(skip: string[]): Promise<void> {
    const key = this.analysisKey;
    if (!key) return;
    if (!skip.includes('value')) await this.computeValue();
    if (!this.isOnScreen(key)) return;
    if (!skip.includes('lifecycle')) await this.computeLifecycle();
    if (!this.isOnScreen(key)) return;
    this.settled = true;
    if (this.warmedUp) return;
    // The first screen is complete: pay the engine's warm-up now, not on the analyst's file.
    this.warmedUp = true;
    void this.engine
      .call((api) => api.warmUp(), { timeoutMs: 120_000 })
      .then(
        (rounds) => (this.warmUpRounds = rounds),
        () => (this.warmUpRounds = 0),
      );
  }

  private isOnScreen(key: AnalysisKey): boolean {
    const now = this.analysisKey;
    return now !== null && now.datasetId === key.datasetId && now.asOf === key.asOf;
  }

  private async fetchPage(): Promise<void> {
    const current = this.current;
    if (!current) return;
    const bytes = await this.engine.run('customers', 'customerPage', [
      current.loaded.datasetId,
      {
        scheme: this.scheme,
        limit: PAGE_SIZE,
        ...this.page,
        selected: this.selectionFilter !== null,
      },
    ]);
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
    // first (the engine runs one job at a time), and they are redone for its result. Stopped
    // now, they can no longer write their settings over the ones the new load brings.
    this.valuation.cancel();
    this.lifecycle.cancel();
    const op = new AbortController();
    this.operation = op;
    this.status = 'loading';
    this.error = null;
    this.notice = null;
    this.unreadable = null;
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

  /**
   * A fresh engine has no tables. The step it was running when it stopped is marked failed in its
   * own panel and is not run again; the data are loaded again (or, when the analyst had just
   * dropped a file, that file) and every other step follows as usual. A second restart within a
   * minute turns this off: the analyst is told, and decides.
   */
  private recoverFromRestart(restart: Restart): void {
    const failed = {
      code: 'engine_restarted' as const,
      details: { reason: restart.reason, step: restart.step ?? '' },
    };
    const steps: Record<string, Computation<unknown>> = {
      value: this.valuation,
      lifecycle: this.lifecycle,
      holdout: this.holdoutCheck,
    };
    const culprit = restart.step;
    for (const [step, computation] of Object.entries(steps))
      if (step === culprit || computation.running || !restart.recover) computation.fail(failed);
    this.staged = null; // its tables died with the engine
    this.onRestarted(restart);
    if (!restart.recover) {
      this.operation?.abort();
      this.operation = null;
      this.recoveryOff = true;
      this.status = this.current ? 'ready' : 'error';
      this.stage = null;
      this.notice = { key: 'error.engine_restarted_twice', params: {} };
      return;
    }
    // A load in flight that is not what hung: it goes on, on the new engine.
    const loading = this.loading;
    const reading = culprit === 'ingest' || culprit === 'analysis';
    const current = this.current;
    let next: { source: Source; replay: Replay | null; readOptions: ReadOptions } | null = null;
    if (loading && !reading) next = loading;
    else if (current) {
      const { mapping, asOf, dateFamily } = current.result;
      // The value settings too: columns and CAC entries are the analyst's, not guessed again.
      const value = $state.snapshot(this.valueOptions) as ValueOptions;
      next = {
        source: current.source,
        replay: { mapping, asOf, dateFamily, value },
        readOptions: current.readOptions,
      };
    }
    if (!next) return;
    const skip = culprit && !reading ? [culprit] : [];
    const replay = next.replay ? { ...next.replay, skip } : null;
    void this.load(next.source, replay, next.readOptions).then(() => {
      if (this.status !== 'ready') return;
      this.notice =
        reading && loading
          ? { key: 'error.engine_restarted_reading', params: { name: sourceName(loading.source) } }
          : { key: 'restart.recovered', params: {} };
    });
  }

  /** Told after the engine was replaced (other states drop what referred to the old engine). */
  onRestarted: (restart: Restart) => void = () => {};

  /** The analyst's "reload": load the data on screen again after recovery was turned off. */
  async reloadData(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.recoveryOff = false;
    const { mapping, asOf, dateFamily } = current.result;
    const value = $state.snapshot(this.valueOptions) as ValueOptions;
    await this.load(current.source, { mapping, asOf, dateFamily, value }, current.readOptions);
  }

  private async drop(datasetId: number): Promise<void> {
    await this.engine.run('customers', 'drop', [datasetId]).catch(() => {});
  }
}
