import { beforeAll, describe, expect, it } from 'vitest';
import type { TestEngine as Engine } from './helpers/engine';
import { EMPTY_MAPPING } from '../../src/analysis/mapping';
import { startEngine, utf8 } from './helpers/engine';

/**
 * Hand-made history, as-of 2024-02-01 (day after the last order 2024-01-31):
 *  A: orders o1 (2024-01-01, 10+5 on two lines), o2 (2024-01-31, 20)  → R 1 day, F 2, M 35
 *  B: o3 (2024-01-10, 100), refund r1 (2024-01-20, −30)              → R 22, F 1, M 70
 *  C: o4 (2023-12-01, 7)                                              → R 62, F 1, M 7
 *  D: o5, o6, o7 on 2024-01-05/15/25, 1 each                         → R 7, F 3, M 3
 *  E: o8 (2024-01-30, 50)                                             → R 2, F 1, M 50
 *  plus: a row without customer id, one with a bad date, one with a bad amount.
 */
const ORDERS = `order_id,customer_id,order_date,amount
o1,A,2024-01-01,10
o1,A,2024-01-01,5
o2,A,2024-01-31,20
o3,B,2024-01-10,100
r1,B,2024-01-20,-30
o4,C,2023-12-01,7
o5,D,2024-01-05,1
o6,D,2024-01-15,1
o7,D,2024-01-25,1
o8,E,2024-01-30,50
o9,,2024-01-30,50
o10,E,not a date,50
o11,E,2024-01-30,lots
`;

describe('RFM on a hand-made file', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });

  it('computes recency, frequency, monetary and exclusions with known answers', async () => {
    const loaded = await engine.loadCsv(utf8(ORDERS), 'orders.csv');
    expect(loaded.rowCount).toBe(13);
    expect(loaded.guess).toEqual({
      ...EMPTY_MAPPING,
      orderId: 0,
      customerId: 1,
      orderDate: 2,
      amount: 3,
    });
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    expect(result.asOf).toBe('2024-02-01');
    expect(result.summary).toMatchObject({
      rowsRead: 13,
      rowsValid: 10,
      refundRows: 1,
      customers: 5,
      orders: 8,
      revenue: 165,
      firstDay: '2023-12-01',
      lastDay: '2024-01-31',
    });
    expect(result.quality.rules.map((x) => [x.rule, x.rows])).toEqual([
      ['missing_customer_id', 1],
      ['invalid_date', 1],
      ['invalid_amount', 1],
      ['return_netted', 1],
    ]);
    expect(result.quality.rules.find((x) => x.rule === 'invalid_date')?.samples[0]).toMatchObject({
      sourceRow: 12,
      dateText: 'not a date',
    });
    const csv = new TextDecoder().decode(
      await engine.exportCustomers(loaded.datasetId, { scheme: 'rfm11', locale: 'en' }),
    );
    const rows = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const byId = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
    // customer_id,first,last,recency,frequency,monetary,aov,r,f,m,segment,fm,segment_key
    expect(byId.A?.slice(0, 7)).toEqual([
      'A',
      '2024-01-01',
      '2024-01-31',
      '1',
      '2',
      '35.0',
      '17.5',
    ]);
    expect(byId.B?.slice(0, 7)).toEqual([
      'B',
      '2024-01-10',
      '2024-01-10',
      '22',
      '1',
      '70.0',
      '70.0',
    ]);
    expect(byId.C?.slice(3, 6)).toEqual(['62', '1', '7.0']);
    expect(byId.D?.slice(3, 7)).toEqual(['7', '3', '3.0', '1.0']);
    // Scores: R ranks (most recent best) A 1d, E 2d, D 7d, B 22d, C 62d → 5,4,3,2,1.
    expect(Object.fromEntries(rows.slice(1).map((r) => [r[0], r[7]]))).toEqual({
      A: '5',
      B: '2',
      C: '1',
      D: '3',
      E: '4',
    });
    // F: 1,1,1 (B,C,E) share rank 1 → 1; A (2) rank 4 → 4; D (3) rank 5 → 5.
    expect(Object.fromEntries(rows.slice(1).map((r) => [r[0], r[8]]))).toEqual({
      A: '4',
      B: '1',
      C: '1',
      D: '5',
      E: '1',
    });
    // M: D 3, C 7, A 35, E 50, B 70 → 1..5.
    expect(Object.fromEntries(rows.slice(1).map((r) => [r[0], r[9]]))).toEqual({
      A: '3',
      B: '5',
      C: '2',
      D: '1',
      E: '4',
    });
  });
});
