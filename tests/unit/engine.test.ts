import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_MAPPING } from '../../src/analysis/mapping';
import { EngineError } from '../../src/engine/errors';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8 } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

async function analyse(csv: string, asOf: string | null = null, scheme: 'rfm11' | 'cn8' = 'rfm11') {
  const loaded = await engine.loadCsv(utf8(csv), 'test.csv');
  const result = await engine.analyse(loaded.datasetId, loaded.guess, { asOf, scheme });
  return { loaded, result };
}

async function exportRows(
  datasetId: number,
  scheme: 'rfm11' | 'cn8' = 'rfm11',
  locale: 'en' | 'zh-CN' = 'en',
) {
  const bytes = await engine.exportCustomers(datasetId, { scheme, locale });
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...lines] = new TextDecoder().decode(bytes.slice(3)).trim().split('\n');
  const names = (header ?? '').split(',');
  return lines.map(
    (l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])) as Record<string, string>,
  );
}

async function expectError(work: Promise<unknown>, code: string) {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
  return error as EngineError;
}

describe('engine pipeline', () => {
  it('starts with the export header automation relies on', async () => {
    const { loaded } = await analyse('customer_id,date,amount\nA,2024-01-01,5\n');
    const bytes = await engine.exportCustomers(loaded.datasetId, { scheme: 'rfm11', locale: 'en' });
    // The export stays in memory: nothing is written to the disk of the process running the engine.
    expect(readdirSync('.').filter((f) => f.includes(`export_${loaded.datasetId}`))).toEqual([]);
    expect(new TextDecoder().decode(bytes.slice(3)).split('\n')[0]).toMatch(
      /^customer_id,first_purchase,last_purchase,recency_days,frequency,monetary,avg_order_value,r_score,f_score,m_score,segment/,
    );
  });

  it('reads semicolon files with Chinese headers, BOM, quantity × unit price and month-first dates', async () => {
    const csv =
      '\uFEFF会员ID;购买日期;数量;单价\n' +
      '001;12/1/2010 8:26;2;3.5\n' +
      '001;12/5/2010 9:00;1;10\n' +
      '002;12/3/2010 10:00;4;2.25\n';
    const { loaded, result } = await analyse(csv);
    expect(loaded.guess).toMatchObject({
      customerId: 0,
      orderDate: 1,
      quantity: 2,
      unitPrice: 3,
      amount: null,
    });
    expect(result.summary).toMatchObject({
      customers: 2,
      orders: 3,
      revenue: 26,
      firstDay: '2010-12-01',
      lastDay: '2010-12-05',
    });
    const rows = await exportRows(loaded.datasetId);
    expect(rows.map((r) => [r.customer_id, r.monetary, r.frequency])).toEqual([
      ['001', '17.0', '2'], // leading zeros kept: ids are text
      ['002', '9.0', '1'],
    ]);
  });

  it('counts purchase days as orders when no order id is mapped', async () => {
    const { loaded } = await analyse(
      'customer,date,amount\nA,2024-01-01 09:00,5\nA,2024-01-01 17:00,5\nA,2024-01-02,1\n',
    );
    expect(loaded.guess.orderId).toBeNull();
    expect((await exportRows(loaded.datasetId))[0]).toMatchObject({
      frequency: '2',
      monetary: '11.0',
    });
  });

  it('normalises float-looking ids and never sums them', async () => {
    const { result, loaded } = await analyse(
      'CustomerID,InvoiceDate,Sales\n17850.0,2024-01-01,5\n17850,2024-01-02,5\n',
    );
    expect(result.summary.customers).toBe(1);
    expect((await exportRows(loaded.datasetId))[0]?.customer_id).toBe('17850');
  });

  it('leaves out orders on or after a chosen as-of date and counts recency to it', async () => {
    const csv = 'customer_id,order_date,amount\nA,2024-01-01,10\nA,2024-02-01,10\nB,2024-01-15,5\n';
    const { loaded, result } = await analyse(csv, '2024-01-20');
    expect(result.summary).toMatchObject({
      customers: 2,
      rowsAfterAsOf: 1,
      revenue: 15,
      lastDay: '2024-01-15',
    });
    const a = (await exportRows(loaded.datasetId)).find((r) => r.customer_id === 'A');
    expect(a).toMatchObject({ recency_days: '19', frequency: '1', monetary: '10.0' });
  });

  it('re-types rows only when the mapping changes, not when the as-of date does', async () => {
    const csv =
      'order_id,customer_id,order_date,amount\no1,A,2024-01-01,10\no2,A,2024-02-01,10\no3,B,2024-01-15,5\n';
    const { loaded } = await analyse(csv);
    const typings = () =>
      engine.statementLog().filter((s) => s.sql.includes(`TABLE tx_${loaded.datasetId}`)).length;
    expect(typings()).toBe(1);
    const earlier = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: '2024-01-20',
      scheme: 'rfm11',
    });
    expect(typings()).toBe(1);
    expect(earlier.summary).toMatchObject({ customers: 2, rowsAfterAsOf: 1 });
    const byDay = await engine.analyse(
      loaded.datasetId,
      { ...loaded.guess, orderId: null },
      { asOf: null, scheme: 'rfm11' },
    );
    expect(typings()).toBe(2);
    expect(byDay.summary.orders).toBe(3);
  });

  it('classifies the 8-class scheme against the customer means', async () => {
    // Means: recency (1+1+30+30)/4 = 15.5 days, frequency 2, monetary 250.
    const csv = [
      'customer_id,order_date,amount',
      'HIGH_ALL,2024-01-01,300',
      'HIGH_ALL,2024-01-10,300',
      'HIGH_ALL,2024-01-30,300', // R↑ F↑ M↑
      'NEW_BIG,2024-01-30,400', // R↑ F↓ M↑
      'OLD_OFTEN,2023-12-01,10',
      'OLD_OFTEN,2023-12-15,10',
      'OLD_OFTEN,2024-01-01,10', // R↓ F↑ M↓
      'OLD_SMALL,2024-01-01,10', // R↓ F↓ M↓
    ].join('\n');
    const { loaded, result } = await analyse(csv, '2024-01-31', 'cn8');
    const rows = await exportRows(loaded.datasetId, 'cn8', 'zh-CN');
    const segment = Object.fromEntries(rows.map((r) => [r.customer_id, r.segment]));
    expect(segment).toEqual({
      HIGH_ALL: '重要价值客户',
      NEW_BIG: '重要发展客户',
      OLD_OFTEN: '一般保持客户',
      OLD_SMALL: '一般挽留客户',
    });
    expect(result.segments.map((s) => s.segment)).toHaveLength(8);
    expect(result.segments.find((s) => s.segment === 'important_value')).toMatchObject({
      customers: 1,
      customerShare: 0.25,
    });
  });

  it('gives the same scores whatever the row order', async () => {
    const lines: string[] = [];
    for (let c = 0; c < 60; c++) {
      for (let k = 0; k <= c % 4; k++)
        lines.push(`C${c},2024-0${1 + (k % 9)}-${10 + (c % 18)},${(c * 7) % 13}.${c % 10}`);
    }
    const header = 'customer_id,order_date,amount';
    const a = await analyse([header, ...lines].join('\n'));
    const b = await analyse([header, ...[...lines].reverse()].join('\n'));
    const byId = (rows: Record<string, string>[]) =>
      Object.fromEntries(rows.map((r) => [r.customer_id, r]));
    expect(byId(await exportRows(b.loaded.datasetId))).toEqual(
      byId(await exportRows(a.loaded.datasetId)),
    );
    expect(b.result.grid).toEqual(a.result.grid);
  });

  it('keeps ragged lines: short ones padded (then counted for what they lack), long ones widen the table', async () => {
    const { loaded, result } = await analyse(
      'customer_id,order_date,amount\nA,2024-01-01,5\nB,2024-01-02\nC,2024-01-03,5,extra\nD,2024-01-04,5\n',
    );
    expect(loaded.columns.map((c) => c.name)).toEqual([
      'customer_id',
      'order_date',
      'amount',
      'column3',
    ]);
    expect(result.summary).toMatchObject({ rowsRead: 4, customers: 3 });
    expect(result.quality.rules).toEqual([
      {
        rule: 'invalid_amount',
        effect: 'excluded',
        rows: 1,
        share: 0.25,
        amount: null,
        customers: 1,
        samples: [
          {
            sourceRow: 2,
            customerText: 'B',
            dateText: '2024-01-02',
            amountText: null,
            orderText: null,
            productText: null,
            rawLine: null,
          },
        ],
      },
    ]);
  });

  it('fills the grid with all 25 cells and labels each with its segment', async () => {
    const { result } = await analyse(
      'customer_id,order_date,amount\nA,2024-01-01,5\nB,2024-01-02,7\n',
    );
    expect(result.grid).toHaveLength(25);
    expect(result.grid.reduce((n, c) => n + c.customers, 0)).toBe(2);
    expect(result.grid.filter((c) => c.customers > 0).every((c) => c.segment !== null)).toBe(true);
  });

  it('switches scheme without re-scoring', async () => {
    const { loaded } = await analyse(
      'customer_id,order_date,amount\nA,2024-01-01,5\nB,2024-01-02,7\n',
    );
    const view = await engine.segmentView(loaded.datasetId, 'cn8');
    expect(view.scheme).toBe('cn8');
    expect(view.segments.reduce((n, s) => n + s.customers, 0)).toBe(2);
  });

  it('pages customers with a stable order and a segment filter', async () => {
    const { loaded } = await analyse(
      'customer_id,order_date,amount\n' +
        Array.from(
          { length: 30 },
          (_, i) => `C${i},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${1 + (i % 5)}`,
        ).join('\n'),
    );
    const { tableFromIPC } = await import('apache-arrow');
    const page = async (offset: number) =>
      tableFromIPC(
        await engine.customerPage(loaded.datasetId, {
          scheme: 'rfm11',
          segment: null,
          sort: 'monetary',
          descending: true,
          offset,
          limit: 10,
        }),
      )
        .toArray()
        .map((r) => r.toJSON().customer_id as string);
    const all = [...(await page(0)), ...(await page(10)), ...(await page(20))];
    expect(new Set(all).size).toBe(30);
  });
});

describe('bad input', () => {
  it('rejects an empty file', async () => {
    await expectError(engine.loadCsv(new Uint8Array(0), 'empty.csv'), 'empty_file');
  });

  it('rejects a header without rows', async () => {
    const e = await expectError(
      engine.loadCsv(utf8('customer_id,order_date,amount\n'), 'h.csv'),
      'no_rows',
    );
    expect(e.details.columns).toEqual(['customer_id', 'order_date', 'amount']);
  });

  it('rejects a file with no date or amount column, naming what it found', async () => {
    const e = await expectError(
      engine.loadCsv(utf8('name,city\nAnn,Paris\nBob,Rome\n'), 'people.csv'),
      'no_usable_columns',
    );
    expect(e.details).toMatchObject({
      file: 'people.csv',
      columns: ['name', 'city'],
      lacks: 'date',
    });
  });

  it('asks for the missing columns when the mapping is incomplete', async () => {
    const loaded = await engine.loadCsv(utf8('who,when,how much\nA,2024-01-01,5\n'), 'odd.csv');
    expect(loaded.guess.customerId).toBeNull();
    const e = await expectError(
      engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' }),
      'mapping_incomplete',
    );
    expect(e.details.missing).toEqual(['customerId', 'amount']);
    const result = await engine.analyse(
      loaded.datasetId,
      { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, amount: 2 },
      { asOf: null, scheme: 'rfm11' },
    );
    expect(result.summary.customers).toBe(1);
  });

  it('explains when no row is usable', async () => {
    const loaded = await engine.loadCsv(
      utf8('customer_id,order_date,amount\n,2024-01-01,5\nA,2024-01-01,N/A\n'),
      'x.csv',
    );
    const e = await expectError(
      engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' }),
      'no_valid_rows',
    );
    expect(e.details.reasons).toEqual(['invalid_amount:1', 'missing_customer_id:1']);
  });

  it('rejects an as-of date that is not a date, and one before every purchase', async () => {
    const loaded = await engine.loadCsv(
      utf8('customer_id,order_date,amount\nA,2024-01-01,5\n'),
      'a.csv',
    );
    await expectError(
      engine.analyse(loaded.datasetId, loaded.guess, {
        asOf: "2024-01-01'; DROP TABLE x; --",
        scheme: 'rfm11',
      }),
      'invalid_as_of',
    );
    await expectError(
      engine.analyse(loaded.datasetId, loaded.guess, { asOf: '2020-01-01', scheme: 'rfm11' }),
      'no_customers',
    );
  });

  it('keeps hostile header text out of SQL', async () => {
    const { result } = await analyse(
      '"customer_id"" ; DROP TABLE raw_1; --",order_date,amount\nA,2024-01-01,5\n',
    );
    expect(result.summary.customers).toBe(1);
  });

  it('cancels a load and stays usable', async () => {
    const loading = engine.loadCsv(
      utf8('customer_id,order_date,amount\nA,2024-01-01,5\n'),
      'c.csv',
    );
    engine.cancel(); // as a cancel message arriving while the load runs
    await expectError(loading, 'cancelled');
    const { result } = await analyse('customer_id,order_date,amount\nA,2024-01-01,5\n');
    expect(result.summary.customers).toBe(1);
  });
});
