/**
 * The exported pipeline (.sql) run by native DuckDB gives every customer the same RFM, segment,
 * value tier and lifecycle stage as the app's engine (DuckDB-WASM) on the same file and settings.
 *
 * Native DuckDB (@duckdb/node-api) comes from bench/native, installed there on demand like the
 * benchmark does: in the root package.json its per-platform bindings break `npm ci` (the registry
 * here serves only linux-x64's; see /work/shared/ENGINE-NOTES.md "Lockfile trap").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_VALUE_OPTIONS,
  type LoadedDataset,
  type ValueOptions,
} from '../../src/engine/types';
import { pipelineSql, type PipelineSpec } from '../../src/pipeline/pipelineSql';
import { pipelineSpecOf } from '../../src/pipeline/specOf';
import type { TestEngine as Engine } from './helpers/engine';
import type { SqlRunner } from '../../workers/sqlRunner';
import { startEngine, utf8, valueAndStages } from './helpers/engine';

const root = fileURLToPath(new URL('../../', import.meta.url));
const nativeDir = join(root, 'bench/native');

/** The part of @duckdb/node-api used here (it lives in bench/native, outside the root's types). */
interface NativeApi {
  DuckDBInstance: {
    create(path: string): Promise<{
      connect(): Promise<NativeConnection>;
      closeSync(): void;
    }>;
  };
}
interface NativeConnection {
  extractStatements(sql: string): Promise<{
    count: number;
    prepare(index: number): Promise<{ run(): Promise<unknown> }>;
  }>;
  runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }>;
  closeSync(): void;
}
let native: NativeApi;
let engine: Engine;

beforeAll(async () => {
  if (!existsSync(join(nativeDir, 'node_modules/@duckdb/node-api'))) {
    execFileSync('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund'], {
      cwd: nativeDir,
      stdio: 'inherit',
    });
  }
  native = createRequire(join(nativeDir, 'package.json'))('@duckdb/node-api') as NativeApi;
  engine = await startEngine();
}, 180_000);

interface CustomerRow {
  customer_id: string;
  recency_days: number;
  frequency: number;
  monetary: number;
  r_score: number;
  f_score: number;
  m_score: number;
  segment: string;
  value_tier: string;
  value_class: string;
  lifecycle_stage: string;
  predicted_value: number | null;
  p_alive: number | null;
}

const COLUMNS = `customer_id, recency_days, frequency, monetary, r_score, f_score, m_score`;

/** The app: load, analyse, value, lifecycle; its per-customer results and the pipeline spec. */
async function inApp(
  bytes: Uint8Array,
  name: string,
  valueOptions: ValueOptions,
): Promise<{ rows: CustomerRow[]; spec: PipelineSpec; method: string; model: string | null }> {
  const loaded: LoadedDataset = await engine.loadCsv(bytes, name);
  const analysis = await engine.analyse(loaded.datasetId, loaded.guess, {
    asOf: null,
    scheme: 'rfm11',
  });
  const { value, lifecycle } = await valueAndStages(engine, loaded.datasetId, valueOptions);
  const id = loaded.datasetId;
  const sql = (engine as unknown as { sql: SqlRunner }).sql;
  const rows = await sql.rows<CustomerRow>(
    `SELECT ${COLUMNS}, r.segment_rfm11 AS segment, v.value_tier, v.value_class,
       s.stage AS lifecycle_stage, v.predicted_value, v.p_alive
     FROM rfm_${id} r JOIN value_${id} v USING (customer_id) JOIN lcstage_${id} s USING (customer_id)
     ORDER BY customer_id`,
  );
  // The spec the app's export builds from the same results.
  const spec = pipelineSpecOf(loaded, analysis, value, lifecycle);
  return { rows, spec, method: value.method, model: value.purchaseModel };
}

/** Native DuckDB: the pipeline file on the same bytes, from a file on disk. */
async function inNative(spec: PipelineSpec, bytes: Uint8Array): Promise<CustomerRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'valuemap-pipeline-'));
  const csv = join(dir, 'orders.csv');
  writeFileSync(csv, bytes);
  const text = pipelineSql({ ...spec, sourceName: csv });
  writeFileSync(join(dir, 'pipeline.sql'), text);
  const instance = await native.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const statements = await connection.extractStatements(
      readFileSync(join(dir, 'pipeline.sql'), 'utf8'),
    );
    for (let i = 0; i < statements.count; i++) await (await statements.prepare(i)).run();
    const reader = await connection.runAndReadAll(
      `SELECT ${COLUMNS}, segment, value_tier, value_class, lifecycle_stage, predicted_value, p_alive
       FROM customer_results ORDER BY customer_id`,
    );
    return reader.getRowObjectsJS().map((r) => ({
      ...(r as unknown as CustomerRow),
      frequency: Number(r.frequency),
      recency_days: Number(r.recency_days),
    }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function expectSame(app: CustomerRow[], pipeline: CustomerRow[]): void {
  expect(pipeline.length).toBe(app.length);
  const exact = (r: CustomerRow) => ({
    customer_id: r.customer_id,
    recency_days: r.recency_days,
    frequency: r.frequency,
    monetary: r.monetary,
    r_score: r.r_score,
    f_score: r.f_score,
    m_score: r.m_score,
    segment: r.segment,
    value_tier: r.value_tier,
    value_class: r.value_class,
    lifecycle_stage: r.lifecycle_stage,
  });
  expect(pipeline.map(exact)).toEqual(app.map(exact));
  // Predictions: the same formulas, summed in SQL instead of TypeScript.
  for (const [i, a] of app.entries()) {
    const p = pipeline[i] as CustomerRow;
    if (a.predicted_value === null) expect(p.predicted_value).toBeNull();
    else expect(p.predicted_value).toBeCloseTo(a.predicted_value, 6);
    if (a.p_alive === null) expect(p.p_alive).toBeNull();
    else expect(p.p_alive).toBeCloseTo(a.p_alive, 10);
  }
}

/**
 * A small shop with returns, a cancelled order, a duplicate line and a postage line, too few
 * customers for the models: the heuristic value.
 */
function smallShop(): string {
  const rows = ['InvoiceNo,StockCode,CustomerID,InvoiceDate,Quantity,UnitPrice'];
  let invoice = 5000;
  for (let c = 0; c < 40; c++) {
    for (let k = 0; k <= c % 5; k++) {
      // Monthly buyers over a year: history enough to extrapolate (more than 4 × the typical gap
      // between purchases), customers too few for a model, so the heuristic values them.
      const day = `2024-${String(1 + (c % 8) + k).padStart(2, '0')}-${String(1 + ((c * 7 + k) % 28)).padStart(2, '0')}`;
      rows.push(
        `${invoice++},P${k},${1000 + c}.0,${day},${1 + (c % 3)},${(2.5 + (c % 7)).toFixed(2)}`,
      );
    }
  }
  rows.push('C9001,P1,1003,2024-11-02,-1,3.50'); // a cancellation, netted
  rows.push(rows[3] as string); // a line exported twice
  rows.push('9002,POST,1004,2024-11-03,1,18.00'); // postage, not a product
  rows.push('9003,P2,1005,2024-10-05,-2,4.50'); // a return
  return rows.join('\n');
}

describe('pipeline export: native DuckDB reproduces the app', () => {
  it('the built-in sample (BG/NBD and Gamma-Gamma): same RFM, segments, tiers, stages', async () => {
    const bytes = readFileSync(join(root, 'public/samples/online-retail-en.csv'));
    const app = await inApp(bytes, 'online-retail-en.csv', {
      ...DEFAULT_VALUE_OPTIONS,
      purchaseModel: 'bgnbd',
    });
    expect(app.method).toBe('model');
    expect(app.model).toBe('bgnbd');
    expect(app.rows.length).toBeGreaterThan(1000);
    const pipeline = await inNative(app.spec, bytes);
    expectSame(app.rows, pipeline);
    // Every tier and several stages occur, so the comparison means something.
    expect(new Set(pipeline.map((r) => r.value_tier))).toEqual(new Set(['high', 'mid', 'low']));
    expect(new Set(pipeline.map((r) => r.lifecycle_stage)).size).toBeGreaterThanOrEqual(4);
  }, 180_000);

  it('a shop where nobody churns (the NBD, no dropout): the same predictions', async () => {
    // The data-shape suite's GB18030 export, as UTF-8 (native DuckDB reads UTF-8 only).
    const gb = readFileSync(join(root, 'tests/fixtures/generated/shape-nochurn-zh.csv'));
    const bytes = utf8(new TextDecoder('gb18030').decode(gb));
    const app = await inApp(bytes, 'nochurn.csv', DEFAULT_VALUE_OPTIONS);
    expect(app.model).toBe('nbd');
    expect(app.rows.every((r) => r.p_alive === 1)).toBe(true);
    const pipeline = await inNative(app.spec, bytes);
    expectSame(app.rows, pipeline);
  }, 180_000);

  it('a small shop with returns, cancellations and duplicates (heuristic value)', async () => {
    const bytes = utf8(smallShop());
    const app = await inApp(bytes, 'shop.csv', DEFAULT_VALUE_OPTIONS);
    expect(app.method).toBe('heuristic');
    expect(app.rows.length).toBe(40);
    // "1000.0" became "1000": the pipeline reads ids the same way.
    expect(app.rows[0]?.customer_id).toBe('1000');
    const pipeline = await inNative(app.spec, bytes);
    expectSame(app.rows, pipeline);
  }, 120_000);

  it('a shop with six weeks of orders: no prediction in the app, none in the pipeline', async () => {
    const lines = ['customer_id,order_date,amount'];
    for (let c = 0; c < 60; c++)
      for (let k = 0; k <= c % 3; k++)
        lines.push(`C${c},2024-03-${String(1 + ((c + k * 9) % 28)).padStart(2, '0')},${10 + c}`);
    lines.push('C99,2024-04-12,25');
    const bytes = utf8(lines.join('\n'));
    const app = await inApp(bytes, 'six-weeks.csv', DEFAULT_VALUE_OPTIONS);
    expect(app.method).toBe('none');
    expect(app.rows.every((r) => r.predicted_value === null)).toBe(true);
    const pipeline = await inNative(app.spec, bytes);
    expectSame(app.rows, pipeline);
  }, 120_000);
});
