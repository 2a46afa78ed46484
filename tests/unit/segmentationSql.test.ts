import { beforeAll, describe, expect, it } from 'vitest';
import {
  classifyAttribute,
  kindFromName,
  kindFromValues,
  unusableAttribute,
} from '../../src/analysis/attributeKinds';
import {
  attributeBreakdownSql,
  attributeCrossTabSql,
  attributeFactsSql,
  attributeGroupsSql,
} from '../../src/analysis/attributeSql';
import { clusterTraits, duplicateRanks } from '../../src/analysis/clusterNames';
import { clusterFeaturesSql } from '../../src/analysis/clusterSql';
import {
  personaDominantSql,
  personaProductsSql,
  personaSummarySql,
  personaTrendSql,
  segmentKeysSql,
} from '../../src/analysis/personaSql';
import type { SqlRunner } from '../../workers/sqlRunner';
import { startSql } from './helpers/engine';

let sql: SqlRunner;

/** A hand-made scored-customers table: (id, recency, frequency, monetary, r, f, m, rfm11, cn8). */
const RFM: [string, number, number, number, number, number, number, string, string][] = [
  ['c01', 5, 6, 600, 5, 5, 5, 'champions', 'important_value'],
  ['c02', 10, 4, 400, 5, 4, 4, 'champions', 'important_value'],
  ['c03', 20, 3, 300, 4, 4, 4, 'loyal', 'important_value'],
  ['c04', 40, 2, 200, 4, 3, 3, 'loyal', 'general_value'],
  ['c05', 80, 2, 100, 3, 3, 2, 'need_attention', 'general_keep'],
  ['c06', 100, 1, 80, 3, 1, 2, 'promising', 'general_retain'],
  ['c07', 200, 1, 60, 2, 1, 2, 'about_to_sleep', 'general_retain'],
  ['c08', 300, 1, 40, 1, 1, 1, 'lost', 'general_retain'],
  ['c09', 350, 1, 20, 1, 1, 1, 'lost', 'general_retain'],
  ['c10', 400, 1, 10, 1, 1, 1, 'lost', 'general_retain'],
];

async function table(name: string, columns: string, rows: unknown[][]): Promise<void> {
  const values = rows
    .map(
      (r) =>
        `(${r.map((v) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : v)).join(', ')})`,
    )
    .join(', ');
  await sql.run(
    `CREATE OR REPLACE TABLE ${name} AS SELECT * FROM (VALUES ${values}) AS t(${columns})`,
  );
}

beforeAll(async () => {
  sql = await startSql();
  await table(
    'rfm_t',
    'customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment_rfm11, segment_cn8',
    RFM,
  );
  await sql.run(
    `CREATE OR REPLACE TABLE rfm AS SELECT *, CAST(monetary AS DOUBLE) / frequency AS avg_order_value FROM rfm_t`,
  );
  // Total value = 2 × revenue for every customer, so value shares equal revenue shares.
  await sql.run(
    `CREATE OR REPLACE TABLE val AS SELECT customer_id, CAST(monetary AS DOUBLE) AS historical_value, CAST(2 * monetary AS DOUBLE) AS total_value FROM rfm`,
  );
});

const attr = (t: string) => `SELECT customer_id, v FROM ${t}`;

async function groups(
  attributeTable: string,
  binning: 'age' | 'quantile' | 'values',
  topN?: number,
) {
  return sql.rows<{ customer_id: string; grp: string | null; grp_kind: string; grp_order: number }>(
    `SELECT * FROM (${attributeGroupsSql({ attributeSql: attr(attributeTable), rfmTable: 'rfm', binning, topN })}) ORDER BY customer_id`,
  );
}

describe('attribute kinds', () => {
  it('reads kinds from English and Chinese headers and gender from values', () => {
    expect(kindFromName('城市')).toBe('region');
    expect(kindFromName('Country')).toBe('region');
    expect(kindFromName('所在省份')).toBe('region');
    expect(kindFromName('年龄')).toBe('age');
    expect(kindFromName('Age')).toBe('age');
    expect(kindFromName('性别')).toBe('gender');
    expect(kindFromName('Monthly Income')).toBe('income');
    expect(kindFromName('职业')).toBe('occupation');
    expect(kindFromName('渠道')).toBe('channel');
    expect(kindFromName('来源')).toBe('channel');
    expect(kindFromName('行业')).toBe('industry');
    expect(kindFromName('员工数')).toBe('company_size');
    expect(kindFromName('兴趣标签')).toBe('interests');
    expect(kindFromName('Description')).toBeNull();
    expect(kindFromValues(['男', '女'])).toBe('gender');
    expect(kindFromValues(['M', 'F', ''])).toBe('gender');
    expect(kindFromValues(['北京', '上海'])).toBeNull();
  });

  it('classifies family and binning, and leaves out identifiers and constants', () => {
    const facts = { filled: 100, distinctValues: 40, numericShare: 1, topValues: [] };
    expect(classifyAttribute({ ...facts, name: '年龄' })).toEqual({
      kind: 'age',
      family: 'demographic',
      numeric: true,
      binning: 'age',
    });
    expect(classifyAttribute({ ...facts, name: 'income' }).binning).toBe('quantile');
    expect(classifyAttribute({ ...facts, name: '城市', numericShare: 0 })).toEqual({
      kind: 'region',
      family: 'geographic',
      numeric: false,
      binning: 'values',
    });
    expect(classifyAttribute({ ...facts, name: '兴趣', numericShare: 0 }).family).toBe(
      'psychographic',
    );
    expect(classifyAttribute({ ...facts, name: '渠道', numericShare: 0 }).family).toBe(
      'behavioural',
    );
    // A 1–5 rating reads better as its values than as quartiles.
    expect(classifyAttribute({ ...facts, name: 'rating', distinctValues: 5 }).binning).toBe(
      'values',
    );
    expect(unusableAttribute({ ...facts, name: 'x', distinctValues: 1 }, 100)).toBe(true);
    expect(
      unusableAttribute({ ...facts, name: 'x', numericShare: 0, distinctValues: 90 }, 100),
    ).toBe(true);
    expect(
      unusableAttribute({ ...facts, name: 'x', numericShare: 0, distinctValues: 12 }, 100),
    ).toBe(false);
  });
});

describe('attribute groups', () => {
  it('puts ages in bands at the right edges; unreadable and empty ages are missing', async () => {
    await table('ages', 'customer_id, v', [
      ['c01', '19'],
      ['c02', '24.9'],
      ['c03', '25'],
      ['c04', '34'],
      ['c05', '35'],
      ['c06', '54'],
      ['c07', '55'],
      ['c08', '80'],
      ['c09', 'abc'],
      ['c10', null],
    ]);
    const rows = await groups('ages', 'age');
    expect(rows.map((r) => r.grp)).toEqual([
      'lt25',
      'lt25',
      '25_34',
      '25_34',
      '35_44',
      '45_54',
      '55_plus',
      '55_plus',
      null,
      null,
    ]);
    expect(rows.map((r) => r.grp_order)).toEqual([1, 1, 2, 2, 3, 4, 5, 5, 7, 7]);
    expect(rows[9]!.grp_kind).toBe('missing');
    const facts = await sql.row<{ filled: number; distinct_values: number; numbers: number }>(
      attributeFactsSql({ attributeSql: attr('ages'), rfmTable: 'rfm' }),
    );
    expect(facts).toMatchObject({ filled: 9, distinct_values: 9, numbers: 8 });
  });

  it('keeps the top N values by customers and sums the rest as other', async () => {
    await table('cities', 'customer_id, v', [
      ['c01', '北京'],
      ['c02', '北京'],
      ['c03', '北京'],
      ['c04', '上海'],
      ['c05', '上海'],
      ['c06', '广州'],
      ['c07', '广州'],
      ['c08', '深圳'],
      ['c09', '成都'],
      ['c10', null],
    ]);
    const rows = await groups('cities', 'values', 2);
    expect(rows.map((r) => [r.grp, r.grp_kind, r.grp_order])).toEqual([
      ['北京', 'value', 1],
      ['北京', 'value', 1],
      ['北京', 'value', 1],
      ['上海', 'value', 2],
      ['上海', 'value', 2],
      [null, 'other', 3],
      [null, 'other', 3],
      [null, 'other', 3],
      [null, 'other', 3],
      [null, 'missing', 4],
    ]);
    const facts = await sql.row<{ top_values: { toArray(): string[] } }>(
      attributeFactsSql({ attributeSql: attr('cities'), rfmTable: 'rfm' }),
    );
    // Ties (广州 and 上海 have two each) by value, so the order is stable.
    expect([...facts.top_values.toArray()]).toEqual(['北京', '上海', '广州', '成都', '深圳']);
  });

  it('cuts numbers into quartile bands', async () => {
    await table(
      'incomes',
      'customer_id, v',
      RFM.slice(0, 8).map((r, i) => [r[0], `${(i + 1) * 1000}`]),
    );
    const rows = await groups('incomes', 'quantile');
    // Quartile cuts of 1000..8000: 2750, 4500, 6250.
    expect(rows.map((r) => r.grp)).toEqual([
      'q1',
      'q1',
      'q2',
      'q2',
      'q3',
      'q3',
      'q4',
      'q4',
      null,
      null,
    ]);
    const breakdown = await sql.rows<{ grp: string | null; lo: number; hi: number }>(
      attributeBreakdownSql({
        groupsSql: attributeGroupsSql({
          attributeSql: attr('incomes'),
          rfmTable: 'rfm',
          binning: 'quantile',
        }),
        rfmTable: 'rfm',
        valueTable: null,
      }),
    );
    expect(breakdown.map((b) => [b.grp, b.lo, b.hi])).toEqual([
      ['q1', 1000, 2000],
      ['q2', 3000, 4000],
      ['q3', 5000, 6000],
      ['q4', 7000, 8000],
      [null, null, null],
    ]);
  });

  it('sums customers, revenue, value and mean RFM per group', async () => {
    const rows = await sql.rows<Record<string, number | string | null>>(
      attributeBreakdownSql({
        groupsSql: attributeGroupsSql({
          attributeSql: attr('cities'),
          rfmTable: 'rfm',
          binning: 'values',
          topN: 2,
        }),
        rfmTable: 'rfm',
        valueTable: 'val',
      }),
    );
    expect(rows.map((r) => r.grp_kind)).toEqual(['value', 'value', 'other', 'missing']);
    const beijing = rows[0]!;
    // c01–c03: revenue 600 + 400 + 300 of 1810 in all.
    expect(beijing).toMatchObject({ grp: '北京', customers: 3, revenue: 1300 });
    expect(beijing.customer_share).toBeCloseTo(0.3, 12);
    expect(beijing.revenue_share).toBeCloseTo(1300 / 1810, 12);
    expect(beijing.total_value).toBeCloseTo(2600, 12);
    expect(beijing.value_share).toBeCloseTo(1300 / 1810, 12);
    expect(beijing.mean_recency_days).toBeCloseTo(35 / 3, 12);
    expect(beijing.mean_frequency).toBeCloseTo(13 / 3, 12);
    expect(beijing.mean_r).toBeCloseTo(14 / 3, 12);
    const other = rows[2]!;
    // c06–c09: 80 + 60 + 40 + 20.
    expect(other).toMatchObject({ customers: 4, revenue: 200, historical_value: 200 });
    expect(rows.reduce((n, r) => n + (r.customers as number), 0)).toBe(10);
  });

  it('cross-tabs segments by group with exact counts', async () => {
    const rows = await sql.rows<{
      grp_order: number;
      segment: string;
      customers: number;
      revenue: number;
    }>(
      attributeCrossTabSql({
        groupsSql: attributeGroupsSql({
          attributeSql: attr('cities'),
          rfmTable: 'rfm',
          binning: 'values',
          topN: 2,
        }),
        rfmTable: 'rfm',
        scheme: 'rfm11',
      }),
    );
    expect(rows.map((r) => [r.grp_order, r.segment, r.customers, r.revenue])).toEqual([
      [1, 'champions', 2, 1000],
      [1, 'loyal', 1, 300],
      [2, 'loyal', 1, 200],
      [2, 'need_attention', 1, 100],
      [3, 'about_to_sleep', 1, 60],
      [3, 'lost', 2, 60],
      [3, 'promising', 1, 80],
      [4, 'lost', 1, 10],
    ]);
    const cn8 = await sql.rows<{ segment: string; customers: number }>(
      attributeCrossTabSql({
        groupsSql: attributeGroupsSql({
          attributeSql: attr('cities'),
          rfmTable: 'rfm',
          binning: 'values',
          topN: 2,
        }),
        rfmTable: 'rfm',
        scheme: 'cn8',
      }),
    );
    expect(
      cn8.filter((r) => r.segment === 'general_retain').reduce((n, r) => n + r.customers, 0),
    ).toBe(5);
  });
});

describe('cluster features', () => {
  it('standardises log R, F, M and numeric attributes; missing numbers sit at the mean', async () => {
    await sql.run(
      clusterFeaturesSql({ rfmTable: 'rfm', attributeSqls: [attr('ages')], outTable: 'feats' }),
    );
    const rows = await sql.rows<Record<string, number | string>>('SELECT * FROM feats ORDER BY k');
    expect(rows.map((r) => r.customer_id)).toEqual(RFM.map((r) => r[0]));
    expect(rows.map((r) => r.k)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const z of ['z0', 'z1', 'z2', 'z3']) {
      const values = rows.map((r) => r[z] as number);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      expect(mean).toBeCloseTo(0, 12);
    }
    // Population z-scores of log1p(recency): check one by hand.
    const logs = RFM.map((r) => Math.log1p(r[1]));
    const m = logs.reduce((a, b) => a + b, 0) / logs.length;
    const s = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / logs.length);
    expect(rows[0]!.z0).toBeCloseTo((logs[0]! - m) / s, 10);
    expect(rows[8]!.z3).toBe(0); // c09's age "abc" reads as no number
    expect(rows[9]!.z3).toBe(0);
    expect(rows[0]!.monetary).toBe(600);
  });

  it('names clusters from the centroid and tells apart clusters with the same traits', () => {
    expect(clusterTraits([-1, 1, 1], 5)).toEqual({
      recency: 'recent',
      frequency: 'frequent',
      spend: 'high',
    });
    expect(clusterTraits([1.2, -0.8, -1], 1)).toEqual({
      recency: 'lapsed',
      frequency: 'one_off',
      spend: 'low',
    });
    expect(clusterTraits([0.2, -0.8, 0], 1.6)).toEqual({
      recency: 'average',
      frequency: 'occasional',
      spend: 'mid',
    });
    const a = clusterTraits([0, 0, 0], 2);
    expect(duplicateRanks([a, clusterTraits([-1, 1, 1], 5), a])).toEqual([1, 0, 2]);
  });
});

describe('personas', () => {
  beforeAll(async () => {
    await sql.run(`CREATE OR REPLACE TABLE params AS SELECT DATE '2024-07-01' AS as_of`);
    // Rows: (source_row, customer, day, amount, excluded); product text in raw by row.
    await table('tx_t', 'source_row, customer_id, day, amount, excluded_reason, product', [
      [1, 'c01', '2024-06-20', 100, null, 'Tea'],
      [2, 'c01', '2024-05-02', 200, null, 'Cups'],
      [3, 'c02', '2024-06-03', 50, null, 'Tea'],
      [4, 'c02', '2024-03-15', 70, null, 'Tea'],
      [5, 'c03', '2024-01-10', 30, null, 'Pot'],
      [6, 'c03', '2024-06-30', 999, 'return', 'Gold'],
      [7, 'c08', '2023-08-01', 40, null, 'Tea'],
      [8, 'c02', '2024-07-05', 10, null, 'Later'],
    ]);
    await sql.run(
      `CREATE OR REPLACE TABLE tx AS SELECT source_row, customer_id, CAST(day AS DATE) AS day, CAST(amount AS DECIMAL(18,4)) AS amount, excluded_reason FROM tx_t`,
    );
    await sql.run(`CREATE OR REPLACE TABLE raw AS SELECT product FROM tx_t ORDER BY source_row`);
  });

  it('sums size and value shares with medians per segment', async () => {
    const rows = await sql.rows<Record<string, number | string>>(
      personaSummarySql({
        keysSql: segmentKeysSql('rfm', 'rfm11'),
        rfmTable: 'rfm',
        valueTable: 'val',
      }),
    );
    const lost = rows.find((r) => r.persona === 'lost')!;
    expect(lost).toMatchObject({
      customers: 3,
      revenue: 70,
      median_recency_days: 350,
      median_monetary: 20,
    });
    expect(lost.customer_share).toBeCloseTo(0.3, 12);
    expect(lost.value_share).toBeCloseTo(70 / 1810, 12);
    const champions = rows.find((r) => r.persona === 'champions')!;
    expect(champions.median_frequency).toBe(5);
    expect(champions.median_order_value).toBe(100);
    expect(rows.reduce((n, r) => n + (r.customers as number), 0)).toBe(10);
  });

  it('finds each persona’s dominant group and its share against everyone', async () => {
    const rows = await sql.rows<Record<string, number | string | null>>(
      personaDominantSql({
        keysSql: segmentKeysSql('rfm', 'rfm11'),
        groupsSql: attributeGroupsSql({
          attributeSql: attr('cities'),
          rfmTable: 'rfm',
          binning: 'values',
          topN: 2,
        }),
      }),
    );
    const by = Object.fromEntries(rows.map((r) => [r.persona, r]));
    expect(by.champions).toMatchObject({ grp: '北京', customers: 2, share: 1, overall_share: 0.3 });
    expect(by.loyal).toMatchObject({ grp: '北京', customers: 1, share: 0.5 }); // tie → first group
    // "lost" are all in other or missing: no dominant value.
    expect(by.lost).toBeUndefined();
  });

  it('lists the products most customers bought, before the as-of date and from used rows', async () => {
    const rows = await sql.rows<Record<string, number | string>>(
      personaProductsSql({
        keysSql: `SELECT customer_id, CASE WHEN customer_id IN ('c01', 'c02', 'c03') THEN 'top' ELSE 'rest' END AS persona FROM rfm`,
        txTable: 'tx',
        rawTable: 'raw',
        paramsTable: 'params',
        productColumn: 0,
        top: 2,
      }),
    );
    expect(rows.map((r) => [r.persona, r.product, r.buyers, r.revenue])).toEqual([
      ['rest', 'Tea', 1, 40],
      ['top', 'Tea', 2, 220],
      ['top', 'Cups', 1, 200],
    ]);
    expect(rows[1]!.buyer_share).toBeCloseTo(2 / 3, 12);
  });

  it('gives active customers and revenue for each of the last months, zero-filled', async () => {
    const rows = await sql.rows<{
      persona: string;
      month: string;
      customers: number;
      revenue: number;
    }>(
      personaTrendSql({
        keysSql: `SELECT customer_id, 'all' AS persona FROM rfm`,
        txTable: 'tx',
        paramsTable: 'params',
        months: 4,
      }),
    );
    expect(rows.map((r) => [r.month, r.customers, r.revenue])).toEqual([
      ['2024-03', 1, 70],
      ['2024-04', 0, 0],
      ['2024-05', 1, 200],
      ['2024-06', 2, 150],
    ]);
  });
});
