import * as Comlink from 'comlink';
import * as duckdbEh from 'duckdb-wasm-browser-blocking/eh';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import type { ColumnMapping } from '../src/analysis/mapping';
import type { SegmentScheme } from '../src/analysis/segments';
import { toOutcome, type Outcome } from '../src/engine/errors';
import type {
  AnalysisOptions,
  AnalysisResult,
  CustomerPageRequest,
  ExportRequest,
  LoadedDataset,
  SegmentView,
  Stage,
  ValueOptions,
  ValueResult,
  HoldoutOptions,
  HoldoutResult,
  LifecycleOptions,
  LifecycleResult,
  AttributeBreakdown,
  ClusterOptions,
  ClusterResult,
  CustomerAttribute,
  PersonaRequest,
  PersonaResult,
  NotebookRunResult,
  NotebookTable,
  StepStatement,
} from '../src/engine/types';
import type { ReadOptions, SourceFile } from '../src/ingest/source';
import { Engine } from './engine';
import type { StatementTiming } from './sqlRunner';
import { EngineQueue } from './engineQueue';
import { warmUp } from './warmUp';

export interface EngineInfo {
  version: string;
  bundle: 'eh' | 'mvp';
  startMs: number;
}

let queue: EngineQueue | null = null;
/** For cancelling a notebook run that may still wait behind other work in the queue. */
let notebookEngine: Engine | null = null;
let starting: Promise<EngineInfo> | null = null;
/** Each worker of a page numbers its datasets from its own range: its name is `db-<generation>`. */
const generation = Number(/^db-(\d+)$/.exec(self.name)?.[1] ?? '0');
const firstDatasetId = generation * 1_000_000 + 1;

/**
 * The worker runs from a blob: URL (src/main.ts), against which a path such as the dev server's
 * `/node_modules/…/duckdb-eh.wasm` means nothing: asset URLs are resolved against this module's
 * own address instead.
 */
function absolute(url: string): string {
  return new URL(url, import.meta.url).href;
}

/** The engine starts as soon as the worker does, while the page is still loading. */
function start(): Promise<EngineInfo> {
  starting ??= (async () => {
    const t0 = performance.now();
    // Browsers without wasm exceptions fetch the mvp glue (≈130 KB gzip) only when they need it.
    const { BROWSER_RUNTIME, createDuckDB, DuckDBFeature, VoidLogger } = (
      await duckdbEh.getPlatformFeatures()
    ).wasmExceptions
      ? duckdbEh
      : await import('duckdb-wasm-browser-blocking/mvp');
    // Only eh and mvp are bundled: the threaded build needs cross-origin isolation, which a plain
    // static host does not give, and showed no gain on 2 cores.
    const db = await createDuckDB(
      {
        mvp: { mainModule: absolute(mvpWasm), mainWorker: '' },
        eh: { mainModule: absolute(ehWasm), mainWorker: '' },
      },
      new VoidLogger(),
      BROWSER_RUNTIME,
    );
    await db.instantiate(() => {});
    db.open({ query: { castBigIntToDouble: true } });
    const engine = new Engine(db, firstDatasetId);
    const { version } = await engine.init();
    queue = new EngineQueue(engine);
    notebookEngine = engine;
    const bundle = db.getFeatureFlags() & DuckDBFeature.WASM_EXCEPTIONS ? 'eh' : 'mvp';
    return { version, bundle, startMs: Math.round(performance.now() - t0) };
  })();
  return starting;
}
void start().catch(() => {}); // failures are reported by the first call to init()

/** Run a job on the engine once it has started, after the jobs before it. */
async function withEngine<T>(job: (engine: Engine) => Promise<T> | T): Promise<T> {
  await start();
  if (!queue) throw new Error('Engine did not start');
  return queue.run(job);
}

/** Bytes leave the worker transferred, not copied. */
function transferred(outcome: Outcome<Uint8Array>): Outcome<Uint8Array> {
  if (!outcome.ok) return outcome;
  const bytes =
    outcome.value.byteOffset === 0 && outcome.value.byteLength === outcome.value.buffer.byteLength
      ? outcome.value
      : outcome.value.slice();
  return Comlink.transfer({ ok: true, value: bytes }, [bytes.buffer]);
}

const api = {
  init: (): Promise<Outcome<EngineInfo>> => toOutcome(start),
  ping: (): string => 'pong',
  cancel: (): void => queue?.cancel(),
  /** Warm the engine up in the background; any other call pre-empts it. Resolves to the rounds run. */
  warmUp: async (): Promise<Outcome<number>> =>
    toOutcome(async () => {
      await start();
      return queue ? warmUp(queue) : 0;
    }),
  /** Files (File objects cross to the worker without copying their bytes) into one dataset. */
  load: (
    files: SourceFile[],
    options: ReadOptions,
    onStage: (s: Stage, fraction?: number | null) => void,
  ): Promise<Outcome<LoadedDataset>> =>
    toOutcome(async () => withEngine((e) => e.load(files, options, onStage))),
  analyse: (
    datasetId: number,
    mapping: ColumnMapping,
    options: AnalysisOptions,
    onStage: (s: Stage) => void,
  ): Promise<Outcome<AnalysisResult>> =>
    toOutcome(async () => withEngine((e) => e.analyse(datasetId, mapping, options, onStage))),
  value: (
    datasetId: number,
    options: ValueOptions,
    onStage: (s: Stage) => void,
  ): Promise<Outcome<ValueResult>> =>
    toOutcome(async () => withEngine((e) => e.value(datasetId, options, onStage))),
  lifecycle: (
    datasetId: number,
    options: LifecycleOptions,
    scheme: SegmentScheme,
  ): Promise<Outcome<LifecycleResult>> =>
    toOutcome(async () => withEngine((e) => e.lifecycle(datasetId, options, scheme))),
  customerAttributes: (datasetId: number): Promise<Outcome<CustomerAttribute[]>> =>
    toOutcome(async () => withEngine((e) => e.customerAttributes(datasetId))),
  attributeBreakdown: (
    datasetId: number,
    attribute: CustomerAttribute,
    scheme: SegmentScheme,
  ): Promise<Outcome<AttributeBreakdown>> =>
    toOutcome(async () => withEngine((e) => e.attributeBreakdown(datasetId, attribute, scheme))),
  attributeGroupOrders: async (
    datasetId: number,
    attribute: CustomerAttribute,
  ): Promise<Outcome<Uint8Array>> =>
    transferred(
      await toOutcome(async () => withEngine((e) => e.attributeGroupOrders(datasetId, attribute))),
    ),
  clusters: (datasetId: number, options: ClusterOptions): Promise<Outcome<ClusterResult>> =>
    toOutcome(async () => withEngine((e) => e.clusters(datasetId, options))),
  personas: (datasetId: number, request: PersonaRequest): Promise<Outcome<PersonaResult>> =>
    toOutcome(async () => withEngine((e) => e.personas(datasetId, request))),
  holdout: (datasetId: number, options: HoldoutOptions): Promise<Outcome<HoldoutResult>> =>
    toOutcome(async () => withEngine((e) => e.holdout(datasetId, options))),
  segmentView: (datasetId: number, scheme: SegmentScheme): Promise<Outcome<SegmentView>> =>
    toOutcome(async () => withEngine((e) => e.segmentView(datasetId, scheme))),
  customerPage: async (
    datasetId: number,
    request: CustomerPageRequest,
  ): Promise<Outcome<Uint8Array>> =>
    transferred(await toOutcome(async () => withEngine((e) => e.customerPage(datasetId, request)))),
  allCustomers: async (datasetId: number): Promise<Outcome<Uint8Array>> =>
    transferred(await toOutcome(async () => withEngine((e) => e.allCustomers(datasetId)))),
  exportCustomers: async (
    datasetId: number,
    request: ExportRequest,
  ): Promise<Outcome<Uint8Array>> =>
    transferred(
      await toOutcome(async () => withEngine((e) => e.exportCustomers(datasetId, request))),
    ),
  points: async (datasetId: number, scheme: SegmentScheme): Promise<Outcome<Uint8Array>> =>
    transferred(await toOutcome(async () => withEngine((e) => e.points(datasetId, scheme)))),
  setSelection: (datasetId: number, positions: Int32Array | null): Promise<Outcome<void>> =>
    toOutcome(async () => withEngine((e) => e.setSelection(datasetId, positions))),
  statementLog: (): Promise<Outcome<StatementTiming[]>> =>
    toOutcome(async () => withEngine((e) => e.statementLog())),
  notebookSchema: (datasetId: number, scheme: SegmentScheme): Promise<Outcome<NotebookTable[]>> =>
    toOutcome(async () => withEngine((e) => e.notebookSchema(datasetId, scheme))),
  notebookRun: async (
    datasetId: number,
    scheme: SegmentScheme,
    sql: string,
    maxRows: number,
    runId: number,
  ): Promise<Outcome<NotebookRunResult>> => {
    const outcome = await toOutcome(async () =>
      withEngine((e) => e.notebookRun(datasetId, scheme, sql, maxRows, runId)),
    );
    if (!outcome.ok || outcome.value.status !== 'ok') return outcome;
    const bytes = transferred({ ok: true, value: outcome.value.ipc });
    if (!bytes.ok) return outcome;
    return Comlink.transfer({ ok: true, value: { ...outcome.value, ipc: bytes.value } }, [
      bytes.value.buffer,
    ]);
  },
  /** Outside the queue, like cancel: the run may be waiting behind other work. */
  notebookCancel: async (runId: number): Promise<Outcome<void>> => {
    notebookEngine?.cancelNotebookRun(runId);
    return { ok: true, value: undefined };
  },
  stepStatements: (datasetId: number, steps: string[]): Promise<Outcome<StepStatement[]>> =>
    toOutcome(async () => withEngine((e) => e.stepStatements(datasetId, steps))),
  drop: (datasetId: number): Promise<Outcome<void>> =>
    toOutcome(async () => withEngine((e) => e.drop(datasetId))),
};

export type DbWorkerApi = typeof api;

Comlink.expose(api);
