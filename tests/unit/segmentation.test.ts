import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VALUE_OPTIONS, type CustomerAttribute } from '../../src/engine/types';
import { EMPTY_MAPPING } from '../../src/analysis/mapping';
import { DEFAULT_POLICY } from '../../src/analysis/policy';
import { Dataset } from '../../workers/dataset';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8 } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

/**
 * Three kinds of customer, well apart: 6 big recent spenders in 北京 (age 22, 女), 6 mid
 * customers in 上海 (age 30, 男), 8 one-off small buyers long ago in 广州/深圳 (age 60, 男).
 * Channel 天猫/京东 alternates; 商品 is the product.
 */
function orders(): string {
  const lines = ['订单编号,客户ID,下单时间,实付金额,城市,渠道,年龄,性别,商品'];
  let n = 0;
  const add = (
    c: string,
    day: string,
    amount: number,
    city: string,
    age: number,
    sex: string,
    product: string,
  ) =>
    lines.push(
      `SO${++n},${c},${day},${amount},${city},${n % 2 ? '天猫' : '京东'},${age},${sex},${product}`,
    );
  for (let i = 1; i <= 6; i++)
    for (let m = 1; m <= 6; m++)
      add(
        `A${i}`,
        `2024-0${m}-${10 + i}`,
        800 + 10 * i + m,
        '北京',
        22,
        '女',
        m % 2 ? '茶叶' : '茶具',
      );
  for (let i = 1; i <= 6; i++) {
    add(`B${i}`, `2024-01-0${i}`, 120 + i, '上海', 30, '男', '茶叶');
    add(`B${i}`, `2024-03-0${i}`, 110 + i, '上海', 30, '男', '零食');
  }
  for (let i = 1; i <= 8; i++)
    add(`C${i}`, `2023-0${i}-01`, 15 + i, i % 2 ? '广州' : '深圳', 60, '男', '零食');
  return lines.join('\n');
}

describe('segmentation on the engine', () => {
  let id: number;
  let attributes: CustomerAttribute[];
  const byName = (name: string) => attributes.find((a) => a.name === name)!;

  beforeAll(async () => {
    const loaded = await engine.loadCsv(utf8(orders()), '订单.csv');
    id = loaded.datasetId;
    const product = loaded.columns.findIndex((c) => c.name === '商品');
    await engine.analyse(id, { ...loaded.guess, product }, { asOf: null, scheme: 'rfm11' });
    attributes = await engine.customerAttributes(id);
  });

  it('lists the unmapped columns as attributes, classified', () => {
    expect(attributes.map((a) => a.name)).toEqual(['城市', '渠道', '年龄', '性别']);
    expect(byName('城市')).toMatchObject({
      kind: 'region',
      family: 'geographic',
      binning: 'values',
    });
    expect(byName('渠道')).toMatchObject({ kind: 'channel', family: 'behavioural' });
    expect(byName('年龄')).toMatchObject({ kind: 'age', numeric: true, binning: 'age' });
    expect(byName('性别')).toMatchObject({ kind: 'gender', family: 'demographic', filled: 20 });
    expect(byName('城市').distinctValues).toBe(4);
  });

  it('breaks customers and revenue down by age band, with the segment cross-tab', async () => {
    const b = await engine.attributeBreakdown(id, byName('年龄'), 'rfm11');
    expect(b.groups.map((g) => [g.group, g.customers])).toEqual([
      ['lt25', 6],
      ['25_34', 6],
      ['55_plus', 8],
    ]);
    const young = b.groups[0]!;
    // A1..A6: Σ_i Σ_m (800 + 10i + m) = 36·800 + 6·10·21 + 6·21.
    expect(young.revenue).toBeCloseTo(36 * 800 + 1260 + 126, 6);
    expect(young.meanFrequency).toBe(6);
    expect(b.valued).toBe(false);
    expect(young.totalValue).toBeNull();
    const cells = b.crossTab.filter((c) => c.order === 5);
    expect(cells.reduce((n, c) => n + c.customers, 0)).toBe(8);
    expect(b.crossTab.reduce((n, c) => n + c.customers, 0)).toBe(20);
  });

  it('clusters the three kinds apart, numbered by spend and named by profile', async () => {
    const result = await engine.clusters(id, { k: null, attributes: [] });
    expect(result.k).toBe(3);
    expect(result.chosenBy).toBe('silhouette');
    expect(result.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(result.clusters.map((c) => c.customers)).toEqual([6, 6, 8]);
    const [top, mid, low] = result.clusters;
    expect(top!.traits).toEqual({ recency: 'recent', frequency: 'frequent', spend: 'high' });
    expect(low!.traits).toEqual({ recency: 'lapsed', frequency: 'one_off', spend: 'low' });
    expect(mid!.meanMonetary).toBeCloseTo((2 * 6 * 115 + 2 * 21) / 6 / 1, 6);
    expect(top!.meanMonetary).toBeGreaterThan(mid!.meanMonetary);
    // Same data, same clusters.
    const again = await engine.clusters(id, { k: null, attributes: [] });
    expect(again.clusters.map((c) => c.centroid)).toEqual(result.clusters.map((c) => c.centroid));
    // The analyst's k.
    const four = await engine.clusters(id, { k: 4, attributes: [byName('年龄')] });
    expect(four.k).toBe(4);
    expect(four.chosenBy).toBe('analyst');
    expect(four.clusters).toHaveLength(4);
    expect(four.clusters[0]!.centroid).toHaveLength(4);
    expect(four.clusters.reduce((n, c) => n + c.customers, 0)).toBe(20);
  });

  it('personas per cluster: size, medians, dominant attributes, products and trend', async () => {
    await engine.clusters(id, { k: 3, attributes: [] });
    const result = await engine.personas(id, {
      basis: 'clusters',
      scheme: 'rfm11',
      attribute: null,
      describe: [byName('城市'), byName('性别')],
      months: 6,
    });
    expect(result.hasProducts).toBe(true);
    expect(result.personas.map((p) => p.key)).toEqual(['1', '2', '3']);
    const [a, b, c] = result.personas;
    expect(a).toMatchObject({ customers: 6, medianFrequency: 6 });
    expect(a!.dominant[0]).toMatchObject({ group: '北京', share: 1, overallShare: 0.3 });
    expect(a!.dominant[1]).toMatchObject({ group: '女', share: 1 });
    expect(c!.dominant[0]).toMatchObject({ group: '广州', share: 0.5 }); // 4 and 4: first by order
    expect(b!.products.map((p) => [p.product, p.buyers])).toEqual([
      ['茶叶', 6],
      ['零食', 6],
    ]);
    // Both teas reach all six; the set (even months, larger amounts) brought more revenue.
    expect(a!.products.map((p) => [p.product, p.buyers, p.buyerShare])).toEqual([
      ['茶具', 6, 1],
      ['茶叶', 6, 1],
    ]);
    // The last 6 months up to the as-of date (the day after 2024-06-16): 2024-01 … 2024-06.
    expect(a!.trend.map((t) => t.month)).toEqual([
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
      '2024-05',
      '2024-06',
    ]);
    expect(a!.trend.every((t) => t.customers === 6)).toBe(true);
    expect(b!.trend.map((t) => t.customers)).toEqual([6, 0, 6, 0, 0, 0]);
    expect(c!.trend.every((t) => t.customers === 0 && t.revenue === 0)).toBe(true);
    expect(a!.revenueShare! + b!.revenueShare! + c!.revenueShare!).toBeCloseTo(1, 12);
  });

  it('personas per segment and per attribute group, with value shares once valued', async () => {
    await engine.value(id, DEFAULT_VALUE_OPTIONS);
    const bySegment = await engine.personas(id, {
      basis: 'segments',
      scheme: 'cn8',
      attribute: null,
      describe: [],
      months: 3,
    });
    expect(bySegment.valued).toBe(true);
    expect(bySegment.personas.reduce((n, p) => n + p.customers, 0)).toBe(20);
    expect(bySegment.personas.reduce((n, p) => n + (p.valueShare ?? 0), 0)).toBeCloseTo(1, 9);
    expect(bySegment.personas[0]!.trend).toHaveLength(3);
    const byCity = await engine.personas(id, {
      basis: 'attribute',
      scheme: 'rfm11',
      attribute: byName('城市'),
      describe: [byName('年龄')],
      months: 6,
    });
    // Equal groups in the order of their values' text.
    expect(byCity.groups!.map((g) => g.group)).toEqual(['上海', '北京', '广州', '深圳']);
    expect(byCity.personas.map((p) => p.customers)).toEqual([6, 6, 4, 4]);
    expect(byCity.personas[0]!.dominant[0]).toMatchObject({ group: '25_34', share: 1 });
    expect(byCity.personas[1]!.dominant[0]).toMatchObject({ group: 'lt25', share: 1 });
    const b = await engine.attributeBreakdown(id, byName('城市'), 'rfm11');
    expect(b.valued).toBe(true);
    expect(b.groups.reduce((n, g) => n + (g.valueShare ?? 0), 0)).toBeCloseTo(1, 9);
  });

  it('refuses attributes the dataset does not have', async () => {
    const bad = { ...byName('城市'), ref: { source: 'orders' as const, column: 99 } };
    await expect(engine.attributeBreakdown(id, bad, 'rfm11')).rejects.toThrow(/invalid attribute/);
    await expect(engine.clusters(id, { k: 9, attributes: [] })).rejects.toThrow(/k must be/);
  });
});

describe('attribute candidates', () => {
  it('leaves out unmapped order columns that name an order role, such as a product description', async () => {
    const csv = [
      'CustomerID,InvoiceDate,Amount,Description,Country,Segment',
      'c1,2024-01-01,10,RED MUG,United Kingdom,Retail',
      'c1,2024-02-01,12,BLUE MUG,United Kingdom,Retail',
      'c2,2024-01-05,30,TEA SET,France,Wholesale',
      'c3,2024-01-09,8,RED MUG,Germany,Retail',
    ].join('\n');
    const loaded = await engine.loadCsv(utf8(csv), 'orders.csv');
    expect(loaded.guess.product).toBe(3);
    // The analyst leaves the product unmapped: Description is still not an attribute.
    await engine.analyse(
      loaded.datasetId,
      { ...loaded.guess, product: null },
      { asOf: null, scheme: 'rfm11' },
    );
    const list = await engine.customerAttributes(loaded.datasetId);
    expect(list.map((a) => [a.name, a.kind, a.distinctValues])).toEqual([
      ['Country', 'region', 3],
      ['Segment', 'other', 2],
    ]);
  });
});

describe('clustering speed', () => {
  it('clusters 100,000 customers in a few seconds', async () => {
    const tested = await startEngine();
    const { sql } = tested;
    const n = 100_000;
    // Three behaviours with noise, from a hash of the row number (deterministic).
    await sql.run(`CREATE OR REPLACE TABLE rfm_1 AS
SELECT 'c' || lpad(CAST(i AS VARCHAR), 6, '0') AS customer_id,
  CAST(CASE i % 3 WHEN 0 THEN 5 WHEN 1 THEN 90 ELSE 400 END + hash(i) % 30 AS INTEGER) AS recency_days,
  CAST(CASE i % 3 WHEN 0 THEN 8 WHEN 1 THEN 3 ELSE 1 END + hash(i * 7) % 2 AS INTEGER) AS frequency,
  CAST(CASE i % 3 WHEN 0 THEN 2000 WHEN 1 THEN 300 ELSE 40 END + hash(i * 13) % 50 AS DOUBLE) AS monetary,
  3 AS r_score, 3 AS f_score, 3 AS m_score
FROM range(${n}) t(i)`);
    const started = performance.now();
    // A dataset whose analysis is that table (no file behind it).
    const dataset = new Dataset(1, [], null);
    dataset.typed = {
      mapping: EMPTY_MAPPING,
      policy: DEFAULT_POLICY,
      rules: [],
      rowsRead: n,
      lastDayPlusOne: '2024-01-01',
    };
    dataset.completed('analysis', '2024-01-01');
    tested.core.add(dataset);
    const result = await tested.clusters(1, { k: null, attributes: [] });
    const ms = performance.now() - started;
    console.log(
      `clustering ${n} customers: total ${ms.toFixed(0)} ms, fit ${result.fitMs.toFixed(0)} ms (k = ${result.k})`,
    );
    expect(result.k).toBe(3);
    expect(result.clusters.map((c) => c.customers)).toEqual([33_334, 33_333, 33_333]);
    expect(result.sampled).toBe(20_000);
    const { n: rows } = await sql.row<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM cluster_1',
    );
    expect(rows).toBe(n);
    expect(ms).toBeLessThan(15_000);
  }, 60_000);
});
