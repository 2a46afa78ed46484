import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors';
import type { NotebookRunResult } from '../../src/engine/types';
import { CellResult } from '../../src/notebook/result';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8, valueAndStages } from './helpers/engine';
import type { SegmentKey } from '../../src/analysis/segments';
import { SEGMENT_LABELS } from '../../src/i18n/segmentLabels';

let engine: Engine;
let id: number;

/** 30 customers: c<k> buys k+1 times, 10·(k+1) each, a week apart, from 2024-01-01. */
function orders(): string {
  const rows = ['customer_id,order_date,amount'];
  for (let k = 0; k < 30; k++) {
    for (let n = 0; n <= k % 6; n++) {
      const day = new Date(Date.UTC(2024, 0, 1 + (k % 10) * 9 + n * 7)).toISOString().slice(0, 10);
      rows.push(`c${k},${day},${10 * (n + 1)}`);
    }
  }
  rows.push('c0,2024-01-02,-5'); // a return, netted: still an order row of the analysis
  rows.push(',2024-01-03,99'); // no customer: left out of `orders`
  return rows.join('\n');
}

async function run(sql: string, maxRows = 100_000): Promise<NotebookRunResult> {
  engine.beginWork();
  return engine.notebookRun(id, 'rfm11', sql, maxRows);
}

function rowsOf(result: NotebookRunResult): Record<string, unknown>[] {
  if (result.status !== 'ok') throw new Error(JSON.stringify(result));
  const table = CellResult.fromIpc(result.ipc);
  return Array.from({ length: table.numRows }, (_, r) =>
    Object.fromEntries(table.columns.map((c, k) => [c.name, table.value(r, k)])),
  );
}

beforeAll(async () => {
  engine = await startEngine();
  const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
  id = loaded.datasetId;
  await engine.analyse(id, loaded.guess, { asOf: '2024-06-01', scheme: 'rfm11' });
}, 60_000);

describe('notebook SQL on the friendly views', () => {
  it('orders and customers agree with the analysis', async () => {
    const [totals] = rowsOf(
      await run(
        `SELECT count(*) AS lines, count(DISTINCT customer_id) AS customers, sum(amount) AS amount
         FROM orders`,
      ),
    );
    // Lines: Σ over k of (k mod 6) + 1 = 5·(1+…+6) = 105, plus the return.
    expect(totals).toEqual({
      lines: 106,
      customers: 30,
      amount: 5 * (10 + 30 + 60 + 100 + 150 + 210) - 5,
    });
    const [c0] = rowsOf(
      await run(`SELECT customer_id, frequency, monetary, segment, total_value, stage
                 FROM customers WHERE customer_id = 'c0'`),
    );
    expect(c0).toMatchObject({
      customer_id: 'c0',
      frequency: 1,
      monetary: 5,
      total_value: null,
      stage: null,
    });
    expect(typeof c0?.segment).toBe('string');
    const segments = rowsOf(
      await run('SELECT sum(customers) AS n, sum(revenue_share) AS s FROM segments'),
    );
    expect(segments[0]?.n).toBe(30);
    expect(segments[0]?.s).toBeCloseTo(1, 10);
  });

  it('follows the analysis on screen: value and stages join in once computed', async () => {
    await valueAndStages(engine, id);
    const [joined] = rowsOf(
      await run(`SELECT count(total_value) AS valued, count(stage) AS staged,
                   (SELECT count(*) FROM customer_value) AS value_rows FROM customers`),
    );
    expect(joined).toEqual({ valued: 30, staged: 30, value_rows: 30 });
    // Under the other scheme, `segment` is the cn8 column.
    engine.beginWork();
    const cn8 = await engine.notebookRun(
      id,
      'cn8',
      `SELECT count(*) AS same FROM customers c JOIN rfm r USING (customer_id) WHERE c.segment = r.segment_cn8`,
      10,
    );
    expect(rowsOf(cn8)[0]).toEqual({ same: 30 });
    // Each segment key comes with its name in the UI's language.
    engine.beginWork();
    const labels = rowsOf(
      await engine.notebookRun(
        id,
        'cn8',
        'SELECT DISTINCT segment, segment_label FROM customers ORDER BY segment',
        20,
        0,
        'zh-CN',
      ),
    );
    expect(labels.length).toBeGreaterThan(0);
    for (const row of labels)
      expect(row.segment_label).toBe(SEGMENT_LABELS['zh-CN'][row.segment as SegmentKey]);
    engine.beginWork();
    const english = rowsOf(
      await engine.notebookRun(id, 'rfm11', 'SELECT segment, segment_label FROM segments', 20),
    );
    for (const row of english)
      expect(row.segment_label).toBe(SEGMENT_LABELS.en[row.segment as SegmentKey]);
    engine.beginWork();
    const schema = await engine.notebookSchema(id, 'rfm11');
    expect(schema.slice(0, 3).map((t) => t.name)).toEqual(['orders', 'customers', 'segments']);
    const customers = schema.find((t) => t.name === 'customers');
    expect(customers?.columns.map((c) => c.name)).toContain('p_alive');
    expect(customers?.columns.find((c) => c.name === 'monetary')?.type).toBe('DOUBLE');
    expect(schema.map((t) => t.name)).toContain('customer_stages');
  }, 60_000);

  it('sends at most maxRows rows and counts them all', async () => {
    const result = await run('SELECT range AS i FROM range(250000)', 100_000);
    expect(result).toMatchObject({ status: 'ok', totalRows: 250_000, shownRows: 100_000 });
    const rows = rowsOf(result);
    expect(rows.length).toBe(100_000);
    expect(rows[99_999]).toEqual({ i: 99_999 });
  });

  it('reports DuckDB errors with the position in the cell', async () => {
    const sql = "SELECT '客户', nope FROM customers";
    const result = await run(sql);
    expect(result).toMatchObject({ status: 'error', type: 'Binder' });
    if (result.status !== 'error') throw new Error('expected an error');
    expect(result.message).toContain('nope');
    expect(result.offset).toBe(sql.indexOf('nope'));
    const syntax = await run('SELECT *\nFRM orders');
    expect(syntax).toMatchObject({ status: 'error', type: 'Parser' });
    if (syntax.status !== 'error') throw new Error('expected an error');
    expect(syntax.message).toMatch(/syntax error at or near "orders"/);
    expect(syntax.offset).toBe('SELECT *\nFRM '.length);
    // The engine still works after an error.
    expect(rowsOf(await run('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
  });

  it('refuses statements that write, and several statements, leaving the tables intact', async () => {
    const before = rowsOf(await run('SELECT count(*) AS n FROM rfm'))[0];
    expect(await run(`DROP TABLE rfm_${id}`)).toEqual({
      status: 'refused',
      reason: 'not_read_only',
      keyword: 'DROP',
    });
    // DuckDB's read-only transaction stops a write behind WITH (no lexer of ours decides).
    expect(await run(`WITH x AS (SELECT 1) DELETE FROM rfm_${id}`)).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/read-only mode/),
    });
    expect(await run('SELECT 1; SELECT 2')).toMatchObject({
      status: 'refused',
      reason: 'several_statements',
    });
    expect(await run('  -- nothing\n ; ')).toMatchObject({ status: 'refused', reason: 'empty' });
    expect(rowsOf(await run('SELECT count(*) AS n FROM rfm'))[0]).toEqual(before);
    // A write hidden in SQL text (query()) is refused by DuckDB: query() runs only a SELECT.
    expect(await run(`SELECT * FROM query('DELETE FROM rfm_${id}')`)).toMatchObject({
      status: 'error',
    });
    expect(rowsOf(await run('SELECT count(*) AS n FROM rfm'))[0]).toEqual(before);
  });

  it('a long query stops on cancel, and the next cell runs', async () => {
    const started = performance.now();
    const running = run('SELECT sum(a.range * b.range) FROM range(100000) a, range(100000) b');
    setTimeout(() => engine.cancel(), 300);
    const error = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('cancelled');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(rowsOf(await run('SELECT count(*) AS n FROM customers'))).toEqual([{ n: 30 }]);
  });

  it('a run cancelled before its turn does not start; another run is not affected', async () => {
    engine.cancelNotebookRun(41);
    engine.beginWork();
    const waiting = engine.notebookRun(id, 'rfm11', 'SELECT 1 AS one', 10, 41);
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
    engine.beginWork();
    expect(rowsOf(await engine.notebookRun(id, 'rfm11', 'SELECT 1 AS one', 10, 42))).toEqual([
      { one: 1 },
    ]);
  });

  it('shows the SQL of a step, rewritten to the friendly views', async () => {
    engine.beginWork();
    const statements = await engine.stepStatements(id, ['analysis', 'value']);
    const rfm = statements.find(
      (s) => s.step === 'analysis' && s.sql.startsWith(`CREATE OR REPLACE TABLE rfm_${id}`),
    );
    expect(rfm?.cellSql).toMatch(/^WITH params AS \(SELECT as_of FROM analysis_params\)/);
    expect(rfm?.cellSql).not.toMatch(new RegExp(`_${id}\\b`));
    // The rewritten statement runs in a cell and gives the step's customers.
    const rerun = await run(`SELECT count(*) AS n FROM (${rfm?.cellSql})`);
    expect(rowsOf(rerun)).toEqual([{ n: 30 }]);
    expect(statements.some((s) => s.step === 'value')).toBe(true);
    expect(statements.every((s) => !s.sql.startsWith('insert '))).toBe(true);
    const withParams = statements.find((s) => s.parameters);
    expect(withParams?.sql).toContain('?');
  });
});
