import * as Comlink from 'comlink';
import * as duckdbEh from 'duckdb-wasm-browser-blocking/eh';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import { toOutcome, type Outcome } from '../src/engine/errors';
import { blockNextJob, callStep, type JobEvent } from './api';
import { transferables } from '../src/engine/transfer';
import { Engine } from './engine';
import { EngineQueue } from './engineQueue';
import { warmUp } from './warmUp';

export interface EngineInfo {
  version: string;
  bundle: 'eh' | 'mvp';
  startMs: number;
}

let queue: EngineQueue | null = null;
let engine: Engine | null = null;
let starting: Promise<EngineInfo> | null = null;
/** Told when a job starts and ends: the page's watchdog knows which step a hang belongs to. */
let onJob: (event: JobEvent) => void = () => {};
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
    engine = new Engine(db, firstDatasetId);
    const { version } = await engine.init();
    queue = new EngineQueue(engine);
    queue.onJob = (label, state) => onJob({ label, state });
    const bundle = db.getFeatureFlags() & DuckDBFeature.WASM_EXCEPTIONS ? 'eh' : 'mvp';
    return { version, bundle, startMs: Math.round(performance.now() - t0) };
  })();
  return starting;
}
void start().catch(() => {}); // failures are reported by the first call to init()

async function started(): Promise<EngineQueue> {
  await start();
  if (!queue) throw new Error('Engine did not start');
  return queue;
}

/** Results leave the worker with their typed arrays transferred, not copied. */
function transferred<T>(outcome: Outcome<T>): Outcome<T> {
  return outcome.ok ? Comlink.transfer(outcome, transferables(outcome.value)) : outcome;
}

const api = {
  /** `jobs` hears which step the engine runs (a proxied callback; may be omitted). */
  init: (jobs?: (event: JobEvent) => void): Promise<Outcome<EngineInfo>> => {
    if (jobs) onJob = jobs;
    return toOutcome(start);
  },
  ping: (): string => 'pong',
  cancel: (): void => queue?.cancel(),
  /** Warm the engine up in the background; any other call pre-empts it. Resolves to the rounds run. */
  warmUp: async (): Promise<Outcome<number>> => toOutcome(async () => warmUp(await started())),
  /**
   * A method of a step (workers/api.ts, workers/steps/), queued after the work before it. The
   * arguments come one by one: Comlink proxies (progress callbacks) only as top-level arguments.
   */
  call: async (step: string, method: string, ...args: unknown[]): Promise<Outcome<unknown>> => {
    const outcome = await toOutcome(started);
    return outcome.ok ? transferred(await callStep(outcome.value, step, method, args)) : outcome;
  },
  /** Automation hook (tests of the watchdog): see blockNextJob in workers/api.ts. */
  blockNextJob: (step: string, ms: number): void => blockNextJob(step, ms),
  /** Outside the queue, like cancel: the run may be waiting behind other work. */
  cancelNotebookRun: async (runId: number): Promise<void> => {
    if (!engine) return;
    const { cancelNotebookRun } = await import('./steps/notebook');
    cancelNotebookRun(engine, runId);
  },
};

export type DbWorkerApi = typeof api;

Comlink.expose(api);
