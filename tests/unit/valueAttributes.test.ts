import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VALUE_OPTIONS } from '../../src/engine/types';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8 } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

function exportRows(bytes: Uint8Array): Record<string, string>[] {
  const [header, ...lines] = new TextDecoder().decode(bytes.subarray(3)).trim().split('\n');
  const names = (header as string).split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

// Six customers; costs on every row but one; channels and referrals in the orders.
const ORDERS = [
  '客户编号,下单日期,实付金额,成本,渠道,推荐人',
  'A,2024-01-05,100,60,抖音,',
  'A,2024-02-10,50,30,小红书,',
  'B,2024-01-20,80,50,抖音,A',
  'B,2024-03-01,40,,抖音,A',
  'C,2024-02-01,200,120,搜索,A',
  'D,2024-02-15,30,10,搜索,B',
  'E,2024-02-20,60,40,,',
  'F,2024-02-25,90,45,抖音,F',
].join('\n');

describe('value by channel, referral value and profit from a cost column', () => {
  it('credits referrers, groups channels with CLV/CAC, and turns historical value into profit', async () => {
    const loaded = await engine.loadCsv(utf8(ORDERS), '订单.csv');
    const id = loaded.datasetId;
    await engine.analyse(id, loaded.guess, { asOf: null, scheme: 'rfm11' });
    const column = (name: string) => loaded.columns.findIndex((c) => c.name === name);
    const value = await engine.value(id, {
      ...DEFAULT_VALUE_OPTIONS,
      channel: { source: 'orders', column: column('渠道') },
      referrer: { source: 'orders', column: column('推荐人') },
      costColumn: column('成本'),
      cac: [
        { channel: '抖音', cac: 50 },
        { channel: '搜索', cac: 0 },
      ],
    });
    // Profit = amount − cost; B's second row has no cost and counts at its amount.
    expect(value.margin.source).toBe('cost');
    expect(value.margin.rowsWithoutCost).toBe(1);
    const rows = exportRows(await engine.exportCustomers(id, { scheme: 'rfm11', locale: 'en' }));
    const by = Object.fromEntries(rows.map((r) => [r.customer_id, r]));
    expect(Number(by.A!.clv_historical)).toBeCloseTo(60, 6);
    expect(Number(by.B!.clv_historical)).toBeCloseTo(70, 6);
    expect(value.totals.historical).toBeCloseTo(60 + 70 + 80 + 20 + 20 + 45, 6);
    expect(value.margin.value).toBeCloseTo(295 / 650, 6);
    // A channel is where the customer came from: the first row's.
    expect(by.A!.acquisition_channel).toBe('抖音');
    expect(by.E!.acquisition_channel).toBe('');
    // Referral value: the lifetime value of those referred; a self-referral does not count.
    const total = (c: string) => Number(by[c]!.clv_total);
    expect(Number(by.A!.referral_value)).toBeCloseTo(total('B') + total('C'), 1);
    expect(by.A!.referred).toBe('2');
    expect(Number(by.B!.referral_value)).toBeCloseTo(total('D'), 1);
    expect(Number(by.F!.referral_value)).toBe(0);
    expect(by.A!.referral_class).toMatch(/^(champion|advocate)$/);
    expect(value.groups.referral_class.reduce((n, g) => n + g.customers, 0)).toBe(6);
    // Channels: members, mean lifetime value, the entered CAC and the ratio.
    const channels = Object.fromEntries(value.channels!.map((c) => [c.channel ?? '(none)', c]));
    expect(channels['抖音']!.customers).toBe(3);
    expect(channels['抖音']!.meanTotal).toBeCloseTo((total('A') + total('B') + total('F')) / 3, 1);
    expect(channels['抖音']!.cac).toBe(50);
    expect(channels['抖音']!.clvToCac).toBeCloseTo(channels['抖音']!.meanTotal / 50, 6);
    expect(channels['搜索']!.clvToCac).toBeNull(); // a CAC of 0 has no ratio
    expect(channels['(none)']!.customers).toBe(1);
  });

  it('reads profit from a margin column (0.4, 40, 40%) and CAC per customer from the customer list', async () => {
    const orders = [
      'customer_id,order_date,amount,毛利率',
      'A,2024-01-05,100,0.4',
      'A,2024-02-10,50,40%',
      'B,2024-01-20,80,25',
      'C,2024-02-01,200,',
    ].join('\n');
    const list = ['customer_id,渠道,获客成本', 'A,搜索,30', 'B,搜索,10', 'C,社交,¥50'].join('\n');
    const loaded = await engine.load(
      [
        { name: 'orders.csv', blob: new Blob([utf8(orders)]) },
        { name: 'customers.csv', blob: new Blob([utf8(list)]) },
      ],
      { encoding: null, sheet: null },
    );
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' });
    const value = await engine.value(loaded.datasetId, {
      ...DEFAULT_VALUE_OPTIONS,
      marginColumn: 3,
      channel: { source: 'customers', column: 0 },
      cacColumn: { source: 'customers', column: 1 },
    });
    // A: 100 × 0.4 + 50 × 0.4; B: 80 × 0.25; C: no margin, counted at its amount.
    expect(value.totals.historical).toBeCloseTo(60 + 20 + 200, 6);
    expect(value.margin).toMatchObject({ source: 'cost', rowsWithoutCost: 1 });
    const rows = exportRows(
      await engine.exportCustomers(loaded.datasetId, { scheme: 'rfm11', locale: 'en' }),
    );
    expect(Object.fromEntries(rows.map((r) => [r.customer_id, r.acquisition_cost]))).toEqual({
      A: '30.0',
      B: '10.0',
      C: '50.0',
    });
    const channels = Object.fromEntries(value.channels!.map((c) => [c.channel, c]));
    expect(channels['搜索']!.cac).toBeCloseTo(20, 6); // no entry: the mean of the column
    expect(channels['社交']!.cac).toBeCloseTo(50, 6);
  });

  it('refuses a column that does not exist', async () => {
    const loaded = await engine.loadCsv(utf8(ORDERS), 'o.csv');
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' });
    const error = await engine
      .value(loaded.datasetId, {
        ...DEFAULT_VALUE_OPTIONS,
        channel: { source: 'customers', column: 0 },
        costColumn: 99,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_value_options' });
    expect((error as { details: { problems: string[] } }).details.problems).toEqual([
      'channel',
      'costColumn',
    ]);
  });
});
