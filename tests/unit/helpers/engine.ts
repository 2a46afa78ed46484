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
import { Engine } from '../../../workers/engine';
import { SqlRunner } from '../../../workers/sqlRunner';

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

export async function startEngine(): Promise<Engine> {
  const engine = new Engine(await startDuckDB());
  await engine.init();
  return engine;
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
  engine: Engine,
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
