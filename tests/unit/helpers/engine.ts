import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DuckDBBindings } from 'duckdb-wasm-browser-blocking';
import { DEFAULT_LIFECYCLE_RULES } from '../../../src/analysis/lifecycleRules';
import type { SegmentScheme } from '../../../src/analysis/segments';
import {
  DEFAULT_VALUE_OPTIONS,
  type LifecycleOptions,
  type LifecycleResult,
  type ValueOptions,
  type ValueResult,
} from '../../../src/engine/types';
import { clusterStep } from '../../../src/compute/clusterStep';
import { holdoutStep } from '../../../src/compute/holdoutStep';
import { jobSteps } from '../../../src/compute/jobs';
import type { Ports } from '../../../src/compute/ports';
import { valueStep } from '../../../src/compute/valueStep';
import type { ClusterOptions, HoldoutOptions } from '../../../src/engine/types';
import { runToEnd } from '../../../src/models/steps';
import type { ReadOptions, SourceFile } from '../../../src/ingest/source';
import {
  STEP_MODULES,
  type StepArgs,
  type StepMethod,
  type StepModule,
  type StepResult,
} from '../../../workers/api';
import { Engine } from '../../../workers/engine';
import { SqlRunner } from '../../../workers/sqlRunner';
import { loadCsv, type StageListener } from '../../../workers/steps/ingest';
import { cancelNotebookRun } from '../../../workers/steps/notebook';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));

/** A fresh DuckDB-WASM instance (the same build the browser runs), through its Node bindings. */
export async function startDuckDB(): Promise<DuckDBBindings> {
  const duckdb = await import('@duckdb/duckdb-wasm/blocking');
  const db = await duckdb.createDuckDB(
    {
      mvp: {
        mainModule: join(dist, 'duckdb-mvp.wasm'),
        mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs'),
      },
      eh: {
        mainModule: join(dist, 'duckdb-eh.wasm'),
        mainWorker: join(dist, 'duckdb-node-eh.worker.cjs'),
      },
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME,
  );
  await db.instantiate();
  db.open({ query: { castBigIntToDouble: true } });
  return db;
}

/** The engine the worker runs, on a fresh database (for the queue and the step modules). */
export async function startCoreEngine(): Promise<Engine> {
  const engine = new Engine(await startDuckDB());
  await engine.init();
  return engine;
}

/** The engine with every step reachable as a method, as the tests use it. */
export async function startEngine(): Promise<TestEngine> {
  return new TestEngine(await startCoreEngine());
}

/**
 * Both workers' steps run in this process: the engine's step methods called directly, one after
 * another in the order asked (each a unit of work, as the worker's queue runs them: calls made
 * side by side, like the value facts and the customer days during the fits, never interleave),
 * and compute jobs run to their end at once.
 */
export function inProcessPorts(engine: Engine): Ports {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    engine: <S extends StepModule, M extends StepMethod<S>>(
      step: S,
      method: M,
      args: StepArgs<S, M>,
    ) => {
      const call = async () => {
        const module = await STEP_MODULES[step]();
        const fn = (module.methods as Record<string, (e: Engine, ...a: unknown[]) => unknown>)[
          method
        ] as (e: Engine, ...a: unknown[]) => unknown;
        engine.beginWork();
        return (await fn(engine, ...(args as unknown[]))) as StepResult<S, M>;
      };
      const result = tail.then(call, call);
      tail = result.catch(() => {});
      return result;
    },
    compute: async (job) => runToEnd(jobSteps(job)),
  };
}

const noContext = () => ({ signal: new AbortController().signal, report: () => {} });

/**
 * The app's engine as tests drive it: every step's methods by name, and the value, holdout and
 * cluster steps run across the in-process ports exactly as the page runs them across workers.
 */
export class TestEngine {
  readonly ports: Ports;
  constructor(readonly core: Engine) {
    this.ports = inProcessPorts(core);
  }
  private run<S extends StepModule, M extends StepMethod<S>>(
    step: S,
    method: M,
    ...args: StepArgs<S, M>
  ): Promise<StepResult<S, M>> {
    return this.ports.engine(step, method, args);
  }
  get sql(): SqlRunner {
    return this.core.sql;
  }
  beginWork = () => this.core.beginWork();
  cancel = () => this.core.cancel();
  statementLog = () => this.core.statementLog();
  loadCsv = (bytes: Uint8Array, name: string, onStage?: StageListener) => {
    this.core.beginWork(); // each call is a unit of work, as the worker's queue makes it
    return loadCsv(this.core, bytes, name, onStage);
  };
  load = (files: SourceFile[], options: ReadOptions, onStage?: StageListener) =>
    this.run('ingest', 'load', files, options, onStage);
  analyse = (...a: StepArgs<'analysis', 'analyse'>) => this.run('analysis', 'analyse', ...a);
  segmentView = (...a: StepArgs<'analysis', 'segmentView'>) =>
    this.run('analysis', 'segmentView', ...a);
  value = (datasetId: number, options: ValueOptions) =>
    valueStep(this.ports, datasetId, options, noContext());
  lifecycle = (...a: StepArgs<'lifecycle', 'lifecycle'>) =>
    this.run('lifecycle', 'lifecycle', ...a);
  holdout = (datasetId: number, options: HoldoutOptions) =>
    holdoutStep(this.ports, datasetId, options, noContext());
  clusters = (datasetId: number, options: ClusterOptions) =>
    clusterStep(this.ports, datasetId, options, noContext());
  customerAttributes = (datasetId: number) => this.run('segmentation', 'attributes', datasetId);
  attributeBreakdown = (...a: StepArgs<'segmentation', 'breakdown'>) =>
    this.run('segmentation', 'breakdown', ...a);
  attributeGroupOrders = (...a: StepArgs<'segmentation', 'groupOrders'>) =>
    this.run('segmentation', 'groupOrders', ...a);
  personas = (...a: StepArgs<'segmentation', 'personas'>) =>
    this.run('segmentation', 'personas', ...a);
  notebookSchema = (...a: StepArgs<'notebook', 'schema'>) => this.run('notebook', 'schema', ...a);
  orderLevel = (...a: StepArgs<'orders', 'orderLevel'>) => this.run('orders', 'orderLevel', ...a);
  notebookRun = (...a: StepArgs<'notebook', 'run'>) => this.run('notebook', 'run', ...a);
  cancelNotebookRun = (runId: number) => cancelNotebookRun(this.core, runId);
  stepStatements = (...a: StepArgs<'notebook', 'statements'>) =>
    this.run('notebook', 'statements', ...a);
  points = (...a: StepArgs<'customers', 'points'>) => this.run('customers', 'points', ...a);
  setSelection = (...a: StepArgs<'customers', 'setSelection'>) =>
    this.run('customers', 'setSelection', ...a);
  customerPage = (...a: StepArgs<'customers', 'customerPage'>) =>
    this.run('customers', 'customerPage', ...a);
  allCustomers = (datasetId: number) => this.run('customers', 'allCustomers', datasetId);
  exportCustomers = (...a: StepArgs<'customers', 'exportCustomers'>) =>
    this.run('customers', 'exportCustomers', ...a);
  drop = (datasetId: number) => this.core.drop(datasetId);
}

export async function startSql(): Promise<SqlRunner> {
  const sql = new SqlRunner(await startDuckDB());
  await sql.run('SET autoload_known_extensions = false');
  return sql;
}

export const utf8 = (text: string) => new TextEncoder().encode(text);

/** The lifecycle panel's defaults: default rules, monthly periods, no flow picked. */
export function defaultLifecycleOptions(): LifecycleOptions {
  return {
    rules: { ...DEFAULT_LIFECYCLE_RULES },
    period: 'month',
    cohortPeriod: 'month',
    flowFrom: null,
    flowTo: null,
  };
}

/**
 * Value, then lifecycle stages with the default options, on an analysed dataset: what the app
 * computes after the segments, each begun as its own unit of work.
 */
export async function valueAndStages(
  engine: TestEngine,
  datasetId: number,
  valueOptions: ValueOptions = DEFAULT_VALUE_OPTIONS,
  scheme: SegmentScheme = 'rfm11',
): Promise<{ value: ValueResult; lifecycle: LifecycleResult }> {
  engine.beginWork();
  const value = await engine.value(datasetId, valueOptions);
  engine.beginWork();
  const lifecycle = await engine.lifecycle(datasetId, defaultLifecycleOptions(), scheme);
  return { value, lifecycle };
}
