import { beforeAll, describe, expect, it } from 'vitest';
import { customerDaysSql, customerIdsSql } from '../../src/analysis/customerDaysSql';
import {
  DEFAULT_LIFECYCLE_RULES,
  lifecycleRulesParams,
  lifecycleStageOf,
  type LifecycleRules,
} from '../../src/analysis/lifecycleRules';
import {
  atRiskCustomersSql,
  behaviourChangeSql,
  churnRiskSummarySql,
  cohortFromHistorySql,
  cohortMeanSql,
  cohortSql,
  lifecycleDaysSql,
  lifecycleRulesTableSql,
  populationIntervalSql,
  stageAtAsOfSql,
  stageCountsOverTimeSql,
  stageHistorySql,
  stageHistoryTablesSql,
  stageSegmentCrossTabSql,
  transitionsSql,
  type LifecycleSource,
} from '../../src/analysis/lifecycleSql';
import { paramsTableSql } from '../../src/analysis/sql';
import type { SqlRunner } from '../../workers/sqlRunner';
import { startSql } from './helpers/engine';

/** customer, day, amount, excluded_reason (null = used). */
type Row = [string, string, number, string?];

let sql: SqlRunner;
let fixture = 0;

/** A typed table like `tx_<n>` plus the params and rules tables; returns the builder sources. */
async function load(
  rows: readonly Row[],
  asOf: string,
  rules: LifecycleRules = DEFAULT_LIFECYCLE_RULES,
): Promise<LifecycleSource> {
  fixture += 1;
  const src = { txTable: `tx_${fixture}`, paramsTable: `p_${fixture}`, rulesTable: `r_${fixture}` };
  const values = rows
    .map(
      ([c, d, a, x], i) =>
        `(${i + 1}, '${c}', DATE '${d}', CAST(${a} AS DECIMAL(18,4)), CAST(NULL AS VARCHAR), ${
          x ? `'${x}'` : 'CAST(NULL AS VARCHAR)'
        })`,
    )
    .join(',\n');
  await sql.run(`CREATE TABLE ${src.txTable} AS SELECT * FROM (VALUES ${values})
    AS v(source_row, customer_id, day, amount, order_id, excluded_reason)`);
  sql.runWithParams(paramsTableSql(src.paramsTable), [asOf]);
  sql.runWithParams(lifecycleRulesTableSql(src.rulesTable), lifecycleRulesParams(rules));
  return src;
}

const iso = (ms: unknown) => new Date(ms as number).toISOString().slice(0, 10);

beforeAll(async () => {
  sql = await startSql();
});

/** As of 2024-07-01; see each customer's comment for the stage it must get. */
const STORY: Row[] = [
  // New: first purchase 61 days before the as-of date. The row after the as-of date is ignored.
  ['n1', '2024-05-01', 100],
  ['n1', '2024-07-05', 50],
  // Active: three purchases 60 days apart, 53 days since the last (ratio 0.88).
  ['a1', '2024-01-10', 20],
  ['a1', '2024-03-10', 20],
  ['a1', '2024-05-09', 20],
  // Loyal: six monthly purchases, 30 days since the last.
  ...['01', '02', '03', '04', '05', '06'].map((m): Row => ['l1', `2024-${m}-01`, 10]),
  // At risk: monthly buyer silent for 213 days (ratio 7); its duplicate row in June is not used.
  ['r1', '2023-10-01', 30],
  ['r1', '2023-11-01', 30],
  ['r1', '2023-12-01', 30],
  ['r1', '2024-06-20', 30, 'duplicate_row'],
  // Churned: 512 days since the last purchase.
  ['c1', '2023-01-05', 40],
  ['c1', '2023-02-05', 40],
  // Won back: silent 458 days (churned), bought again 30 days ago.
  ['w1', '2023-01-01', 25],
  ['w1', '2023-02-01', 25],
  ['w1', '2023-03-01', 25],
  ['w1', '2024-06-01', 25],
  // One-time buyer 151 days ago: 151 / 31 (the median repeat interval) = 4.9 → at risk.
  ['o1', '2024-02-01', 60],
  // One purchase 91 days ago and a refund 16 days ago: a refund is not a purchase → at risk.
  ['f1', '2024-04-01', 100],
  ['f1', '2024-06-15', -100],
  // Only a refund, or only rows after the as-of date: not customers.
  ['x1', '2024-05-01', -20],
  ['z1', '2024-07-02', 10],
];

interface StageRow {
  customer_id: string;
  stage: string;
  phase: string;
  purchase_days: number;
  days_since_last: number;
  mean_interval: number | null;
  interval_days: number;
  overdue_ratio: number;
  last_return: number | null;
  p_alive: number | null;
  churn_risk: string;
  risk_basis: string;
  revenue: number;
}

describe('lifecycle stages on a hand-made history', () => {
  let src: LifecycleSource;
  beforeAll(async () => {
    src = await load(STORY, '2024-07-01');
    await sql.run(stageAtAsOfSql({ ...src, valueTable: null, outTable: 'story_stage' }));
    await sql.run(stageHistorySql({ ...src, period: 'month', outTable: 'story_hist' }));
    // What the step keeps and its readers take: the same history as spells.
    for (const statement of stageHistoryTablesSql({
      ...src,
      period: 'month',
      outTable: 'story_spells',
    }))
      await sql.run(statement);
  });

  it('judges one-time buyers against the median repeat interval', async () => {
    // Repeat buyers' own intervals: 60, 30.4, 30.5, 31, 517/3 → median 31.
    expect(await sql.row(populationIntervalSql(src))).toEqual({
      interval_days: 31,
      repeat_buyers: 5,
    });
  });

  it('gives every customer with a purchase one stage at the as-of date', async () => {
    const rows = await sql.rows<StageRow>('SELECT * FROM story_stage');
    const by = Object.fromEntries(rows.map((r) => [r.customer_id, r]));
    expect(Object.fromEntries(rows.map((r) => [r.customer_id, r.stage]))).toEqual({
      a1: 'active',
      c1: 'churned',
      f1: 'at_risk',
      l1: 'loyal',
      n1: 'new',
      o1: 'at_risk',
      r1: 'at_risk',
      w1: 'won_back',
    });
    expect(rows.map((r) => r.customer_id)).toEqual([
      'a1',
      'c1',
      'f1',
      'l1',
      'n1',
      'o1',
      'r1',
      'w1',
    ]);
    expect(by.a1).toMatchObject({
      phase: 'growth',
      purchase_days: 3,
      days_since_last: 53,
      mean_interval: 60,
      interval_days: 60,
      p_alive: null,
      churn_risk: 'low',
      risk_basis: 'overdue',
      revenue: 60,
    });
    expect(by.a1!.overdue_ratio).toBeCloseTo(53 / 60, 12);
    expect(by.w1).toMatchObject({ phase: 'growth', purchase_days: 4, churn_risk: 'low' });
    expect(iso(by.w1!.last_return)).toBe('2024-06-01');
    expect(by.o1).toMatchObject({ mean_interval: null, interval_days: 31, churn_risk: 'high' });
    expect(by.o1!.overdue_ratio).toBeCloseTo(151 / 31, 12);
    // The refund nets revenue to 0 but is not a purchase: one purchase day, 91 days ago.
    expect(by.f1).toMatchObject({ purchase_days: 1, days_since_last: 91, revenue: 0 });
    // New, without a model: too young to have a pace, so its churn risk is not judged (its
    // 66-day gap against a population interval of 31 would otherwise read as "medium").
    expect(by.n1).toMatchObject({
      phase: 'introduction',
      churn_risk: 'not_judged',
      risk_basis: 'new',
      revenue: 100,
    });
    expect(by.l1).toMatchObject({ phase: 'maturity', churn_risk: 'low' });
    expect(by.r1).toMatchObject({ phase: 'decline', days_since_last: 213, churn_risk: 'high' });
    expect(by.c1).toMatchObject({ phase: 'decline', days_since_last: 512, churn_risk: 'high' });
  });

  it('uses P(alive) from the value table when there is one', async () => {
    await sql.run(`CREATE TABLE story_value AS SELECT * FROM (VALUES
      ('n1', 0.05, 10.0, 110.0), ('a1', 0.05, 1.0, 61.0), ('l1', 0.3, 5.0, 65.0),
      ('r1', 0.95, 50.0, 140.0), ('c1', 0.9, 0.0, 80.0), ('w1', 0.6, 20.0, 120.0),
      ('o1', 0.9, 30.0, 90.0), ('f1', 0.85, 0.0, 0.0)
    ) v(customer_id, p_alive, predicted_value, total_value)`);
    const rows = await sql.rows<StageRow & { total_value: number }>(
      stageAtAsOfSql({ ...src, valueTable: 'story_value' }),
    );
    const got = Object.fromEntries(
      rows.map((r) => [r.customer_id, [r.stage, r.churn_risk, r.risk_basis]]),
    );
    expect(got).toEqual({
      // P(alive) < 0.1 → churned; < 0.5 → at risk; but nothing overrides New.
      a1: ['churned', 'high', 'p_alive'],
      l1: ['at_risk', 'high', 'p_alive'],
      n1: ['new', 'high', 'p_alive'],
      // A high P(alive) does not clear the recency rules; the band follows P(alive) alone.
      r1: ['at_risk', 'low', 'p_alive'],
      c1: ['churned', 'low', 'p_alive'],
      o1: ['at_risk', 'low', 'p_alive'],
      f1: ['at_risk', 'low', 'p_alive'],
      w1: ['won_back', 'medium', 'p_alive'],
    });
    expect(rows.find((r) => r.customer_id === 'w1')!.total_value).toBe(120);
  });

  it('takes a set interval for one-time buyers instead of the median', async () => {
    const s = await load(STORY, '2024-07-01', {
      ...DEFAULT_LIFECYCLE_RULES,
      oneTimeIntervalDays: 60,
    });
    const rows = await sql.rows<StageRow>(stageAtAsOfSql({ ...s, valueTable: null }));
    const by = Object.fromEntries(rows.map((r) => [r.customer_id, r]));
    // 91 / 60 = 1.5: no longer overdue, past the New window → active.
    expect(by.f1).toMatchObject({ stage: 'active', interval_days: 60, churn_risk: 'medium' });
    expect(by.o1).toMatchObject({ stage: 'at_risk', interval_days: 60 });
    expect(by.a1).toMatchObject({ stage: 'active', interval_days: 60 });
  });

  it('follows a won-back customer month by month', async () => {
    const rows = await sql.rows<{ period_end: number; stage: string; revenue_in_period: number }>(
      `SELECT period_end, stage, revenue_in_period FROM story_hist WHERE customer_id = 'w1'
       ORDER BY period_end`,
    );
    expect(rows.map((r) => iso(r.period_end))).toEqual([
      ...['01-31', '02-28', '03-31', '04-30', '05-31', '06-30'].map((d) => `2023-${d}`),
      ...['07-31', '08-31', '09-30', '10-31', '11-30', '12-31'].map((d) => `2023-${d}`),
      ...['01-31', '02-29', '03-31', '04-30', '05-31', '06-30'].map((d) => `2024-${d}`),
    ]);
    expect(rows.map((r) => r.stage)).toEqual([
      ...Array<string>(3).fill('new'),
      // 61 days after the last purchase, against a 29.5-day interval: overdue from April.
      ...Array<string>(10).fill('at_risk'),
      // 366 days silent at the end of February 2024.
      ...Array<string>(4).fill('churned'),
      'won_back',
    ]);
    expect(rows.map((r) => r.revenue_in_period)).toEqual([
      25, 25, 25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25,
    ]);
  });

  it('ends every history at the stage at the as-of date (without P(alive))', async () => {
    const mismatches = await sql.rows(`SELECT s.customer_id, s.stage, h.stage AS last
      FROM story_stage s JOIN story_hist h ON h.customer_id = s.customer_id
        AND h.period_end = DATE '2024-06-30'
      WHERE s.stage <> h.stage`);
    expect(mismatches).toEqual([]);
    const f1 = await sql.rows<{ stage: string; revenue_in_period: number }>(
      `SELECT stage, revenue_in_period FROM story_hist WHERE customer_id = 'f1' ORDER BY period_end`,
    );
    expect(f1).toEqual([
      { stage: 'new', revenue_in_period: 100 },
      { stage: 'new', revenue_in_period: 0 },
      { stage: 'at_risk', revenue_in_period: -100 },
    ]);
    const customers = await sql.rows('SELECT DISTINCT customer_id FROM story_hist');
    expect(customers).toHaveLength(8);
  });

  it('counts stages (and phases) at every month end', async () => {
    const counts = await sql.rows<{ period_end: number; stage: string; customers: number }>(
      stageCountsOverTimeSql({ historyTable: 'story_spells' }),
    );
    expect(counts).toHaveLength(18 * 6);
    const jan = counts.filter((c) => iso(c.period_end) === '2024-01-31');
    expect(jan.map((c) => [c.stage, c.customers])).toEqual([
      ['new', 2],
      ['active', 0],
      ['loyal', 0],
      ['at_risk', 3],
      ['churned', 0],
      ['won_back', 0],
    ]);
    const june = await sql.rows<{ phase: string; customers: number; revenue: number }>(
      `SELECT * FROM (${stageCountsOverTimeSql({ historyTable: 'story_spells', groupBy: 'phase' })})
       WHERE period_end = DATE '2024-06-30'`,
    );
    expect(june.map((c) => [c.phase, c.customers, c.revenue])).toEqual([
      ['introduction', 1, 0],
      ['growth', 2, 25],
      ['maturity', 1, 10],
      ['decline', 4, -100],
    ]);
  });

  it('counts flows between two dates, snapped to period ends', async () => {
    const flows = sql.rowsWithParams<Record<string, unknown>>(
      transitionsSql({ historyTable: 'story_spells' }),
      ['2024-01-15', '2024-07-01'],
    );
    expect(new Set(flows.map((f) => `${iso(f.period_end_a)} ${iso(f.period_end_b)}`))).toEqual(
      new Set(['2024-01-31 2024-06-30']),
    );
    expect(flows.map((f) => [f.from_stage, f.to_stage, f.customers])).toEqual([
      ['none', 'new', 1],
      ['none', 'at_risk', 2],
      ['new', 'active', 1],
      ['new', 'loyal', 1],
      ['at_risk', 'at_risk', 1],
      ['at_risk', 'churned', 1],
      ['at_risk', 'won_back', 1],
    ]);
  });

  it('bands churn risk and lists the most valuable customers at risk', async () => {
    const bands = await sql.rows(churnRiskSummarySql({ stageTable: 'story_stage' }));
    expect(bands).toEqual([
      { churn_risk: 'low', customers: 3, share: 3 / 8, revenue: 220, predicted_value: null },
      { churn_risk: 'medium', customers: 0, share: 0, revenue: 0, predicted_value: null },
      { churn_risk: 'high', customers: 4, share: 4 / 8, revenue: 230, predicted_value: null },
      { churn_risk: 'not_judged', customers: 1, share: 1 / 8, revenue: 100, predicted_value: null },
    ]);
    // High risk and not churned (c1 is gone), by revenue without a value table.
    const list = sql.rowsWithParams<{ customer_id: string }>(
      atRiskCustomersSql({ stageTable: 'story_stage' }),
      [10],
    );
    expect(list.map((r) => r.customer_id)).toEqual(['r1', 'o1', 'f1']);
    const top = sql.rowsWithParams<{ customer_id: string }>(
      atRiskCustomersSql({ stageTable: 'story_stage', bands: ['high', 'medium'] }),
      [2],
    );
    expect(top.map((r) => r.customer_id)).toEqual(['r1', 'o1']);
    expect(() => atRiskCustomersSql({ stageTable: 's', bands: [] })).toThrow();
  });

  it('crosses stages with RFM segments', async () => {
    await sql.run(`CREATE TABLE story_rfm AS SELECT customer_id,
        CASE WHEN customer_id IN ('r1', 'o1') THEN 'at_risk' ELSE 'champions' END AS segment_rfm11,
        'general_value' AS segment_cn8
      FROM story_stage`);
    const cells = await sql.rows(
      stageSegmentCrossTabSql({
        stageTable: 'story_stage',
        rfmTable: 'story_rfm',
        scheme: 'rfm11',
      }),
    );
    expect(cells).toEqual([
      { stage: 'new', segment: 'champions', customers: 1, revenue: 100 },
      { stage: 'active', segment: 'champions', customers: 1, revenue: 60 },
      { stage: 'loyal', segment: 'champions', customers: 1, revenue: 60 },
      { stage: 'at_risk', segment: 'at_risk', customers: 2, revenue: 150 },
      { stage: 'at_risk', segment: 'champions', customers: 1, revenue: 0 },
      { stage: 'churned', segment: 'champions', customers: 1, revenue: 80 },
      { stage: 'won_back', segment: 'champions', customers: 1, revenue: 100 },
    ]);
    const cn8 = await sql.rows<{ customers: number }>(
      stageSegmentCrossTabSql({ stageTable: 'story_stage', rfmTable: 'story_rfm', scheme: 'cn8' }),
    );
    expect(cn8.reduce((n, c) => n + c.customers, 0)).toBe(8);
  });
});

describe('rule boundaries', () => {
  it('holds each threshold exactly as documented (SQL and the reference agree)', async () => {
    const asOf = Date.UTC(2024, 6, 1) / 86_400_000;
    const before = (n: number) => iso((asOf - n) * 86_400_000);
    // [customer, purchase days before the as-of date, expected stage]
    const cases: [string, number[], string][] = [
      ['new_90', [90], 'new'], // first purchase 90 days before: still New (≤ newDays)
      ['new_91', [91], 'active'], // 91: past New; 91 / 100 (set interval) is not overdue
      ['ratio_2', [150, 100], 'active'], // 100 days since, interval 50: ratio exactly 2
      ['ratio_2.02', [151, 101], 'at_risk'], // ratio 101 / 50 > 2
      ['churn_365', [765, 365], 'active'], // 365 days since: not churned (> churnDays)
      ['churn_366', [766, 366], 'churned'],
      ['back_90', [600, 590, 90], 'won_back'], // returned after 500 days, 90 days ago
      ['back_91', [600, 590, 91], 'active'], // 91 days ago: no longer "won back"
      ['gap_365', [825, 425, 60], 'active'], // a 365-day gap (ratio 0.9) is not a lapse
      ['gap_366', [826, 426, 60], 'won_back'], // 366 days silent: churned, then back
      ['back_then_loyal', [700, 690, 80, 70, 60, 50], 'won_back'], // latest return 80 days ago
      ['loyal_after', [700, 690, 120, 110, 100, 20], 'loyal'], // return 120 days ago, 5 days
      ['young_90', [100, 95, 10], 'active'], // the late buy came while still New: no return
      ['young_91', [101, 96, 10], 'won_back'], // 91 days in, 86 days silent (interval 5)
    ];
    const rows = cases.flatMap(([c, ds]) => ds.map((d): Row => [c, before(d), 10]));
    const rules = { ...DEFAULT_LIFECYCLE_RULES, oneTimeIntervalDays: 100 };
    const src = await load(rows, '2024-07-01', rules);
    const got = await sql.rows<{ customer_id: string; stage: string }>(
      stageAtAsOfSql({ ...src, valueTable: null }),
    );
    const stages = Object.fromEntries(got.map((r) => [r.customer_id, r.stage]));
    for (const [c, ds, stage] of cases) {
      expect([c, stages[c]]).toEqual([c, stage]);
      const reference = lifecycleStageOf(rules, {
        purchaseDays: ds.map((d) => asOf - d).sort((a, b) => a - b),
        reference: asOf,
        populationInterval: 100,
      });
      expect([c, reference?.stage]).toEqual([c, stage]);
    }
  });
});

const COHORTS: Row[] = [
  ['A', '2024-01-05', 100],
  ['A', '2024-02-10', 50],
  ['A', '2024-03-03', 20],
  ['A', '2024-04-02', 999],
  ['B', '2024-01-20', 200],
  ['B', '2024-03-15', -50],
  ['C', '2024-01-31', 10],
  ['D', '2024-02-01', 30],
  ['D', '2024-03-01', 30],
  ['E', '2024-02-28', 40],
  ['F', '2024-03-31', 5],
  // A refund before the first purchase: before the cohort's first period, so left out.
  ['G', '2024-01-02', -10],
  ['G', '2024-02-05', 60],
];

interface CohortRow {
  cohort_start: number;
  period_index: number;
  period_start: number;
  cohort_size: number;
  customers: number;
  share: number;
  revenue: number;
  cumulative_revenue_per_customer: number;
  complete: boolean;
}

const cell = (r: CohortRow) => [
  iso(r.cohort_start),
  r.period_index,
  r.cohort_size,
  r.customers,
  Number(r.share.toFixed(6)),
  r.revenue,
  Number(r.cumulative_revenue_per_customer.toFixed(6)),
  r.complete,
];

describe('acquisition cohorts', () => {
  it('fills the retention triangle: sizes, active customers, shares, revenue, LTV', async () => {
    const src = await load(COHORTS, '2024-04-01');
    const rows = await sql.rows<CohortRow>(cohortSql({ ...src, period: 'month' }));
    expect(rows.map(cell)).toEqual([
      ['2024-01-01', 0, 3, 3, 1, 310, 103.333333, true],
      ['2024-01-01', 1, 3, 1, 0.333333, 50, 120, true],
      // A bought 20, B returned 50: one customer active, revenue −30.
      ['2024-01-01', 2, 3, 1, 0.333333, -30, 110, true],
      ['2024-02-01', 0, 3, 3, 1, 130, 43.333333, true],
      ['2024-02-01', 1, 3, 1, 0.333333, 30, 53.333333, true],
      ['2024-03-01', 0, 1, 1, 1, 5, 5, true],
    ]);
    await sql.run(cohortSql({ ...src, period: 'month', outTable: 'coh_month' }));
    const mean = await sql.rows<Record<string, number>>(
      cohortMeanSql({ cohortTable: 'coh_month' }),
    );
    expect(
      mean.map((m) => [
        m.period_index,
        m.cohorts,
        m.cohort_customers,
        m.customers,
        Number(m.share!.toFixed(6)),
        Number(m.cumulative_revenue_per_customer!.toFixed(6)),
      ]),
    ).toEqual([
      [0, 3, 7, 7, 1, Number((445 / 7).toFixed(6))],
      [1, 2, 6, 2, 0.333333, Number((520 / 6).toFixed(6))],
      [2, 1, 3, 1, 0.333333, 110],
    ]);
    const quarters = await sql.rows<CohortRow>(cohortSql({ ...src, period: 'quarter' }));
    expect(quarters.map(cell)).toEqual([
      ['2024-01-01', 0, 7, 7, 1, 485, Number((485 / 7).toFixed(6)), true],
    ]);
  });

  it('marks the running period incomplete and leaves it out of the mean', async () => {
    const src = await load(COHORTS, '2024-03-20');
    await sql.run(cohortSql({ ...src, period: 'month', outTable: 'coh_partial' }));
    const rows = await sql.rows<CohortRow>('SELECT * FROM coh_partial ORDER BY ALL');
    expect(rows.map(cell)).toEqual([
      ['2024-01-01', 0, 3, 3, 1, 310, 103.333333, true],
      ['2024-01-01', 1, 3, 1, 0.333333, 50, 120, true],
      ['2024-01-01', 2, 3, 1, 0.333333, -30, 110, false],
      ['2024-02-01', 0, 3, 3, 1, 130, 43.333333, true],
      ['2024-02-01', 1, 3, 1, 0.333333, 30, 53.333333, false],
    ]);
    const mean = await sql.rows<{ period_index: number; share: number }>(
      cohortMeanSql({ cohortTable: 'coh_partial' }),
    );
    expect(mean.map((m) => [m.period_index, Number(m.share.toFixed(6))])).toEqual([
      [0, 1],
      [1, 0.333333],
    ]);
  });

  it('gives the same table from the stage history', async () => {
    for (const asOf of ['2024-04-01', '2024-03-20']) {
      const src = await load(COHORTS, asOf);
      for (const period of ['month', 'quarter'] as const) {
        const direct = await sql.rows<CohortRow>(cohortSql({ ...src, period }));
        for (const statement of stageHistoryTablesSql({ ...src, period, outTable: 'coh_hist' }))
          await sql.run(statement);
        const viaHistory = await sql.rows<CohortRow>(
          cohortFromHistorySql({ historyTable: 'coh_hist', period }),
        );
        expect(viaHistory.map(cell)).toEqual(direct.map(cell));
      }
    }
  });
});

describe('behaviour change against the customer’s own baseline', () => {
  it('flags declines and improvements in purchase rate or spend', async () => {
    // As of 2024-07-01: recent window from 2024-04-02, baseline 270 days before it (2023-07-07).
    const monthly = (c: string, months: string[], amount = 10): Row[] =>
      months.map((m) => [c, `${m}-01`, amount]);
    const rows: Row[] = [
      // Six baseline purchase days, none recently → declined (rate −100%).
      ['D1', '2023-01-01', 10],
      ...monthly('D1', ['2023-08', '2023-09', '2023-10', '2023-11', '2023-12', '2024-01']),
      // Two baseline days, three recent → improved (3/90 against 2/270: +350%).
      ['I1', '2023-06-01', 10],
      ...['2023-09-10', '2023-12-10', '2024-04-10', '2024-05-10', '2024-06-10'].map((d): Row => [
        'I1',
        d,
        10,
      ]),
      // Same pace (2/90 = 6/270) and same spend per day: stable; a refund is not spend.
      ['S1', '2023-06-01', 10],
      ...monthly('S1', ['2023-08', '2023-09', '2023-10', '2023-11', '2023-12', '2024-01']),
      ...monthly('S1', ['2024-05', '2024-06']),
      ['S1', '2024-06-15', -100],
      // One baseline purchase day only: not judged.
      ['N1', '2023-09-01', 10],
      ['N1', '2024-05-01', 10],
      // First purchase inside the baseline: the baseline runs from it (91 days), not 270.
      ['Y1', '2024-01-02', 10],
      ['Y1', '2024-02-01', 10],
      ['Y1', '2024-05-01', 20],
      // Same pace, a tenth of the spend → declined on spend.
      ['P1', '2023-06-01', 100],
      ...monthly('P1', ['2023-08', '2023-10', '2023-12'], 100),
      ['P1', '2024-05-01', 10],
    ];
    const src = await load(rows, '2024-07-01');
    const got = await sql.rows<Record<string, number | boolean | string>>(behaviourChangeSql(src));
    const by = Object.fromEntries(got.map((r) => [r.customer_id, r]));
    expect(Object.keys(by)).toEqual(['D1', 'I1', 'P1', 'S1', 'Y1']);
    const flags = (c: string) => [by[c]!.declined, by[c]!.improved];
    expect(flags('D1')).toEqual([true, false]);
    expect(flags('I1')).toEqual([false, true]);
    expect(flags('S1')).toEqual([false, false]);
    expect(flags('Y1')).toEqual([false, false]);
    expect(flags('P1')).toEqual([true, false]);
    expect(by.D1).toMatchObject({ recent_purchase_days: 0, baseline_purchase_days: 6 });
    expect(by.D1!.rate_change).toBe(-1);
    expect(by.I1!.rate_change).toBeCloseTo(3.5, 12);
    expect(by.S1).toMatchObject({ recent_spend: 20, baseline_spend: 60, baseline_days: 270 });
    expect(by.S1!.rate_change).toBeCloseTo(0, 12);
    expect(by.S1!.spend_change).toBeCloseTo(0, 12);
    expect(by.Y1).toMatchObject({ baseline_days: 91, baseline_purchase_days: 2 });
    expect(by.Y1!.rate_change).toBeCloseTo(91 / 180 - 1, 12);
    expect(by.P1!.spend_change).toBeCloseTo(-0.9, 12);
  });
});

describe('the shared customer days table', () => {
  /** Rows of two queries that are not in the other (as multisets); 0 when they agree. */
  async function differing(a: string, b: string): Promise<number> {
    const { n } = await sql.row<{ n: number }>(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM (
        (SELECT * FROM (${a}) EXCEPT ALL SELECT * FROM (${b}))
        UNION ALL (SELECT * FROM (${b}) EXCEPT ALL SELECT * FROM (${a})))`,
    );
    return n;
  }

  /** A seeded messy history: 60 customers over two years, refunds, same-day orders, silences. */
  function messyRows(): Row[] {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const rows: Row[] = [];
    for (let c = 0; c < 60; c++) {
      let day = Math.floor(next() * 600);
      const orders = 1 + Math.floor(next() * 12);
      for (let k = 0; k < orders && day < 730; k++) {
        const d = new Date(Date.UTC(2023, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
        rows.push([`m${c}`, d, Math.round(next() * 200) - 20]);
        day += Math.floor(next() * (next() < 0.2 ? 300 : 40));
      }
    }
    return rows;
  }

  for (const [name, rows, asOf] of [
    ['the story', STORY, '2024-07-01'],
    ['a seeded messy history', messyRows(), '2025-01-01'],
  ] as const) {
    it(`gives every lifecycle result unchanged (${name})`, async () => {
      const src = await load(rows, asOf);
      const [ids, customerDays, days] = ['ids', 'cdays', 'days'].map(
        (x) => `${src.txTable}_${x}`,
      ) as [string, string, string];
      await sql.run(customerIdsSql({ ...src, outTable: ids }));
      await sql.run(customerDaysSql({ ...src, idsTable: ids, outTable: customerDays }));
      await sql.run(lifecycleDaysSql({ ...src, customerDaysTable: customerDays, outTable: days }));
      const shared = { ...src, daysTable: days, idsTable: ids };
      // The history read from days numbers its customers; their ids back, to compare.
      const named = (history: string) =>
        `SELECT h.* REPLACE (i.customer_id AS customer_id) FROM (${history}) h
         JOIN ${ids} i ON i.cid = h.customer_id`;
      const pairs: [string, string][] = [
        [
          stageAtAsOfSql({ ...src, valueTable: null }),
          stageAtAsOfSql({ ...shared, valueTable: null }),
        ],
        [populationIntervalSql(src), populationIntervalSql(shared)],
        [behaviourChangeSql(src), behaviourChangeSql(shared)],
        ...(['week', 'month', 'quarter'] as const).map((period): [string, string] => [
          stageHistorySql({ ...src, period }),
          named(stageHistorySql({ ...shared, period })),
        ]),
        ...(['month', 'quarter'] as const).map((period): [string, string] => [
          cohortSql({ ...src, period }),
          cohortSql({ ...shared, period }),
        ]),
      ];
      // The stages come ordered by customer id either way (the numbers follow the ids' order).
      const stageRows = (q: string) =>
        sql.rows<{ customer_id: string }>(q).then((r) => r.map((x) => x.customer_id));
      expect(await stageRows(stageAtAsOfSql({ ...shared, valueTable: null }))).toEqual(
        await stageRows(stageAtAsOfSql({ ...src, valueTable: null })),
      );
      for (const [direct, fromDays] of pairs) {
        expect(await sql.rows(direct)).not.toHaveLength(0);
        expect(await differing(direct, fromDays), fromDays.slice(0, 60)).toBe(0);
      }
    });
  }
});
