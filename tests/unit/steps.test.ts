/**
 * The step registry and the dataset that owns its tables: a step run again drops what read it; a
 * step run across two calls (the value step's inputs, then its tables after the compute worker)
 * refuses to finish when a newer run began in between; dropping a dataset leaves no table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VALUE_OPTIONS } from '../../src/engine/types';
import { STEPS, withDependents } from '../../workers/steps/registry';
import { defaultLifecycleOptions, startEngine, utf8, type TestEngine } from './helpers/engine';

const ORDERS = [
  'customer_id,order_date,amount',
  ...Array.from({ length: 300 }, (_, i) => {
    const c = `c${i % 60}`;
    const day = 1 + ((i * 7) % 28);
    const month = 1 + (i % 10);
    return `${c},2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},${10 + (i % 13)}`;
  }),
].join('\n');

let engine: TestEngine;
beforeAll(async () => {
  engine = await startEngine();
});

/** The dataset's tables and views (`raw_<id>` is a view over a typed read). */
async function tables(id: number): Promise<string[]> {
  const rows = await engine.sql.rows<{ name: string }>(
    `SELECT name FROM (
      SELECT table_name AS name FROM duckdb_tables()
      UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal
    ) WHERE name LIKE '%\\_${id}%' ESCAPE '\\' ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

describe('the step registry', () => {
  it('knows what reads what', () => {
    expect(withDependents('analysis').sort()).toEqual(
      ['analysis', 'clusters', 'customerDays', 'lifecycle', 'selection', 'value'].sort(),
    );
    // The lifecycle reads the customer days: new days, a new lifecycle.
    expect(withDependents('customerDays')).toEqual(['customerDays', 'lifecycle']);
    expect(withDependents('ingest')).toHaveLength(Object.keys(STEPS).length);
    expect(withDependents('value')).toEqual(['value']);
  });
});

describe('a dataset owns its tables', () => {
  it('a new analysis drops the value and lifecycle tables made for the old one', async () => {
    const loaded = await engine.loadCsv(utf8(ORDERS), 'orders.csv');
    const id = loaded.datasetId;
    await engine.analyse(id, loaded.guess, { asOf: null, scheme: 'rfm11' });
    await engine.value(id, DEFAULT_VALUE_OPTIONS);
    await engine.lifecycle(id, defaultLifecycleOptions(), 'rfm11');
    expect(await tables(id)).toEqual(
      expect.arrayContaining([`value_${id}`, `lcstage_${id}`, `rfm_${id}`, `tx_${id}`]),
    );
    // Another as-of date: the typed rows stay, everything computed on the old analysis goes.
    await engine.analyse(id, loaded.guess, { asOf: '2024-08-01', scheme: 'rfm11' });
    const after = await tables(id);
    expect(after).toEqual(
      expect.arrayContaining([`rfm_${id}`, `tx_${id}`, `raw_${id}`, `rawtyped_${id}`]),
    );
    expect(after).not.toContain(`value_${id}`);
    expect(after).not.toContain(`lcstage_${id}`);
    expect(after).not.toContain(`cdays_${id}`);
    // The export no longer offers value columns from the old analysis.
    const csv = new TextDecoder().decode(
      await engine.exportCustomers(id, { scheme: 'rfm11', locale: 'en' }),
    );
    expect(csv.split('\n')[0]).not.toContain('clv_predicted');
    engine.drop(id);
    expect(await tables(id)).toEqual([]);
  });

  it('the customer days are made during the value step, once, and logged as their own step', async () => {
    const loaded = await engine.loadCsv(utf8(ORDERS), 'orders.csv');
    const id = loaded.datasetId;
    await engine.analyse(id, loaded.guess, { asOf: null, scheme: 'rfm11' });
    await engine.value(id, DEFAULT_VALUE_OPTIONS);
    // Asked for while the models fitted: there before the lifecycle runs.
    expect(await tables(id)).toEqual(expect.arrayContaining([`cids_${id}`, `cdays_${id}`]));
    await engine.lifecycle(id, defaultLifecycleOptions(), 'rfm11');
    const made = (step: string, table: string) =>
      (engine.sql.steps.get(step) ?? []).filter((s) =>
        s.sql.startsWith(`CREATE OR REPLACE TABLE ${table} `),
      ).length;
    expect(made('customerDays', `cdays_${id}`)).toBe(1);
    expect(made('lifecycle', `cdays_${id}`)).toBe(0);
    expect(made('lifecycle', `lcdays_${id}`)).toBe(1);
    expect(made('value', `cdays_${id}`)).toBe(0);
    // Without the value step the lifecycle makes them, and still logs its own statements as its.
    await engine.analyse(id, loaded.guess, { asOf: '2024-09-01', scheme: 'rfm11' });
    await engine.lifecycle(id, defaultLifecycleOptions(), 'rfm11');
    expect(made('customerDays', `cdays_${id}`)).toBe(1);
    expect(made('lifecycle', `lcdays_${id}`)).toBe(1);
    expect(made('customerDays', `lcdays_${id}`)).toBe(0);
  });

  it('the value step refuses to finish when a newer analysis began while it was fitting', async () => {
    const loaded = await engine.loadCsv(utf8(ORDERS), 'orders.csv');
    const id = loaded.datasetId;
    await engine.analyse(id, loaded.guess, { asOf: null, scheme: 'rfm11' });
    const ports = engine.ports;
    const inputs = await ports.engine('value', 'inputs', [id, DEFAULT_VALUE_OPTIONS]);
    // Meanwhile the analyst picks another as-of date.
    await engine.analyse(id, loaded.guess, { asOf: '2024-09-01', scheme: 'rfm11' });
    const n = inputs.summary.x.length;
    const predictions = {
      pAlive: new Float64Array(n).fill(0.5),
      expectedPurchases: new Float64Array(n).fill(1),
      expectedSpend: new Float64Array(n).fill(10),
      predictedValue: new Float64Array(n).fill(10),
    };
    await expect(
      ports.engine('value', 'finish', [id, inputs.ticket, DEFAULT_VALUE_OPTIONS, predictions]),
    ).rejects.toMatchObject({ code: 'superseded' });
    // Nor does an older value run finish over a newer one.
    const first = await ports.engine('value', 'inputs', [id, DEFAULT_VALUE_OPTIONS]);
    const second = await ports.engine('value', 'inputs', [id, DEFAULT_VALUE_OPTIONS]);
    await expect(
      ports.engine('value', 'finish', [id, first.ticket, DEFAULT_VALUE_OPTIONS, predictions]),
    ).rejects.toMatchObject({ code: 'superseded' });
    // The current run: its inputs table is made while the models fit (`facts`).
    await ports.engine('value', 'facts', [id, second.ticket, DEFAULT_VALUE_OPTIONS]);
    const m = second.summary.x.length;
    const tablesOfSecond = await ports.engine('value', 'finish', [
      id,
      second.ticket,
      DEFAULT_VALUE_OPTIONS,
      {
        pAlive: new Float64Array(m).fill(0.5),
        expectedPurchases: new Float64Array(m).fill(1),
        expectedSpend: new Float64Array(m).fill(10),
        predictedValue: new Float64Array(m).fill(10),
      },
    ]);
    // The predictions above were sized for the first analysis: fill the newer one's customers.
    expect(second.summary.x.length).toBeLessThan(n);
    expect(tablesOfSecond.totals.predicted).toBeCloseTo(10 * second.summary.x.length, 6);
    engine.drop(id);
  });
});
