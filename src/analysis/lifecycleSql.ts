/**
 * Customer lifecycle in SQL: the stage of every customer at the as-of date and at every period end
 * of the data's history, flows between two dates, acquisition cohorts, churn-risk bands and
 * behaviour-change alerts. Pure builders (options in, SQL text out). The rules are defined in
 * `lifecycleRules.ts` (which also holds a reference implementation the SQL is tested against);
 * their values reach SQL only through the one-row rules table (`lifecycleRulesTableSql`), the
 * as-of date through the parameters table (`paramsTableSql`), and other values as bound `?`.
 *
 * Everything is set-based, one statement per result, with no loop over periods or customers
 * outside SQL. The stage history: used rows are summed per customer and day (once per as-of
 * date, customers numbered: customerDaysSql.ts); one window pass over the purchase days numbers
 * them and marks returns (each day carries the customer's state after it: purchase days so far,
 * first day, whether it is a return); days are grouped per customer and period; a second window
 * pass carries the state forward from period to period (latest return, next period with
 * activity); between two active periods each stage rule flips at most once, so the history is
 * kept as spells, runs of periods with one stage (spellCtes), which its readers count by
 * differences. The period list itself comes from `generate_series`.
 *
 * A purchase is a used row (`excluded_reason IS NULL`) with a positive amount; only rows before
 * the as-of date count. Revenue is net: every used row (refunds included) of the customer in the
 * period, like RFM's monetary.
 */
import {
  CHURN_RISK_BANDS,
  LIFECYCLE_RULE_SPECS,
  LIFECYCLE_STAGES,
  STAGE_PHASE,
  type ChurnRiskBand,
} from './lifecycleRules';
import { constantLiteral } from './sql';

export type LifecyclePeriod = 'week' | 'month' | 'quarter';
export type CohortPeriod = 'month' | 'quarter';

/** Weeks start on Monday (ISO, DuckDB's date_trunc('week')); quarters on Jan, Apr, Jul, Oct 1. */
const PERIODS: Record<LifecyclePeriod, { trunc: string; step: string }> = {
  week: { trunc: 'week', step: 'INTERVAL 7 DAY' },
  month: { trunc: 'month', step: 'INTERVAL 1 MONTH' },
  quarter: { trunc: 'quarter', step: 'INTERVAL 3 MONTH' },
};

function periodOf(period: string): { trunc: string; step: string } {
  const p = (PERIODS as Record<string, { trunc: string; step: string }>)[period];
  if (!p) throw new Error(`Invalid lifecycle period ${period}`);
  return p;
}

/** The first day of the period holding `day` (a DATE expression). */
function periodStartSql(period: LifecyclePeriod, day: string): string {
  return `CAST(date_trunc('${periodOf(period).trunc}', ${day}) AS DATE)`;
}

/** The last day of the period starting on `start` (a DATE expression). */
function periodEndSql(period: LifecyclePeriod, start: string): string {
  return `CAST(${start} + ${periodOf(period).step} AS DATE) - 1`;
}

/** Period starts from `from` to `to` (DATE expressions, both period starts), as a list. */
function periodSeriesSql(period: LifecyclePeriod, from: string, to: string): string {
  return `generate_series(CAST(${from} AS TIMESTAMP), CAST(${to} AS TIMESTAMP), ${periodOf(period).step})`;
}

/**
 * Statement that (re)creates the one-row rules table; bind `lifecycleRulesParams(rules)`
 * (lifecycleRules.ts), which lists the values in this column order.
 */
export function lifecycleRulesTableSql(table: string): string {
  const columns = LIFECYCLE_RULE_SPECS.map((s) => `CAST(? AS ${s.sqlType}) AS ${s.column}`);
  return `CREATE OR REPLACE TABLE ${table} AS\nSELECT ${columns.join(',\n  ')}`;
}

export interface LifecycleSource {
  /** The typed table `tx_<n>` (transactions.ts). */
  txTable: string;
  /** `as_of` (paramsTableSql): rows on or after it are not used. */
  paramsTable: string;
  /** The rules (lifecycleRulesTableSql). */
  rulesTable: string;
  /**
   * The customer days made once by `lifecycleDaysSql` for these as-of and rules; when given, every
   * statement reads it instead of summing the typed table and numbering purchase days again.
   */
  daysTable?: string;
  /**
   * The customers' numbers (customerIdsSql): given with `daysTable` (whose customers are numbers)
   * or `customerDaysTable`, to give statements that list customers their text ids back.
   */
  idsTable?: string;
  /**
   * The numbered customer days (customerDaysSql), read by `lifecycleDaysSql` instead of summing
   * the typed table.
   */
  customerDaysTable?: string;
  /** When given, the statement creates (or replaces) this table instead of returning rows. */
  outTable?: string;
}

function output(o: { outTable?: string }, select: string): string {
  return o.outTable ? `CREATE OR REPLACE TABLE ${o.outTable} AS\n${select}` : select;
}

/**
 * `params` (as-of and rules) and `daily`: per customer and day with used rows before the as-of
 * date, `net` (every used row: purchases minus refunds) and `spend` (positive rows only; NULL when
 * the day holds no purchase, so `spend IS NOT NULL` marks a purchase day). Every later step reads
 * `daily`, which is at most as long as the typed table and usually shorter. Read from a days table
 * or the numbered customer days, `daily.customer_id` is the customer's number.
 */
function sourceCtes(o: LifecycleSource): string {
  const params = `params AS (SELECT p.as_of, r.* FROM ${o.paramsTable} p, ${o.rulesTable} r)`;
  if (o.daysTable)
    return `${params},
daily AS (SELECT cid AS customer_id, day, net, spend, n, first_day, return_day FROM ${o.daysTable})`;
  if (o.customerDaysTable)
    return `${params},
daily AS (SELECT cid AS customer_id, day, net, spend FROM ${o.customerDaysTable})`;
  return `${params},
daily AS (
  SELECT t.customer_id, t.day, sum(t.amount) AS net, sum(t.amount) FILTER (WHERE t.amount > 0) AS spend
  FROM ${o.txTable} t, params
  WHERE t.excluded_reason IS NULL AND t.day < params.as_of
  GROUP BY t.customer_id, t.day
)`;
}

/**
 * After sourceCtes: `spans` (per customer: first_day, last_day, n purchase days), `population`
 * (interval_days: the interval for one-time buyers) and `marked` (per purchase day: n so far,
 * first_day, and return_day = the day itself when it is a return, else NULL). One window pass —
 * none when the days table holds them already.
 */
function stateCtes(o: LifecycleSource): string {
  const spans = o.daysTable
    ? `spans AS (
  SELECT customer_id, min(day) AS first_day, max(day) AS last_day, max(n) AS n
  FROM daily WHERE n IS NOT NULL GROUP BY customer_id
)`
    : `spans AS (
  SELECT customer_id, min(day) AS first_day, max(day) AS last_day, count(*) AS n
  FROM daily WHERE spend IS NOT NULL GROUP BY customer_id
)`;
  const population = `population AS (
  SELECT CAST(coalesce(
    any_value(params.one_time_interval_days),
    median((last_day - first_day) / (n - 1)) FILTER (WHERE n >= 2),
    any_value(params.new_days)) AS DOUBLE) AS interval_days
  FROM spans, params
)`;
  if (o.daysTable)
    return `${spans},
${population},
marked AS (
  SELECT customer_id, day, net, spend, n, first_day, return_day FROM daily WHERE n IS NOT NULL
)`;
  return `${spans},
${population},
seq AS (
  SELECT customer_id, day, net, spend,
    row_number() OVER w AS n,
    first_value(day) OVER w AS first_day,
    lag(day) OVER w AS prev_day
  FROM daily
  WHERE spend IS NOT NULL
  WINDOW w AS (PARTITION BY customer_id ORDER BY day)
),
marked AS (
  SELECT customer_id, day, net, spend, n, first_day,
    CASE WHEN n >= 2 AND day - first_day > params.new_days
      AND (day - prev_day > params.churn_days
        OR (day - prev_day) / CASE WHEN n >= 3 THEN (prev_day - first_day) / (n - 2)
          ELSE population.interval_days END > params.overdue_factor)
      THEN day END AS return_day
  FROM seq, params, population
)`;
}

/**
 * The customer days every lifecycle statement reads, made once per as-of date and rules (writes
 * `outTable`) from the numbered customer days (`customerDaysTable`, customerDaysSql.ts): per
 * customer number (`cid`) and day with used rows before the as-of date, `net`, `spend` (NULL on a
 * day without a purchase), and on purchase days `n` (purchase days so far), `first_day` and
 * `return_day` (the day when it is a return, else NULL); NULL on the other days. The one window
 * pass of the lifecycle; the statements given `daysTable` then only group and join, on numbers,
 * and give text ids back (`idsTable`) where they list customers.
 */
export function lifecycleDaysSql(
  o: LifecycleSource & { customerDaysTable: string; outTable: string },
): string {
  const inner = { ...o, daysTable: undefined };
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH ${sourceCtes(inner)},
${stateCtes(inner)}
SELECT customer_id AS cid, day, net, spend, n, first_day, return_day FROM marked
UNION ALL
SELECT customer_id, day, net, spend, NULL, NULL, NULL FROM daily WHERE spend IS NULL`;
}

/** `rows` (a query with a `customer_id` column) with the text ids back when read from days. */
function withTextIds(o: LifecycleSource, rows: string): string {
  if (!o.daysTable) return rows;
  if (!o.idsTable) throw new Error('A days table needs its ids table');
  return `SELECT r.* REPLACE (i.customer_id AS customer_id)
FROM (${rows}) r JOIN ${o.idsTable} i ON i.cid = r.customer_id`;
}

/**
 * One row, `interval_days` (DOUBLE): the interval one-time buyers are judged against (the rules'
 * `oneTimeIntervalDays`, else the median own interval of the repeat buyers at the as-of date, else
 * `newDays`; NULL when nobody has bought), and `repeat_buyers` (INTEGER), what the median is over.
 */
export function populationIntervalSql(o: LifecycleSource): string {
  return `WITH ${sourceCtes(o)},
${stateCtes(o)}
SELECT interval_days, (SELECT CAST(count(*) AS INTEGER) FROM spans WHERE n >= 2) AS repeat_buyers
FROM population`;
}

/**
 * The stage rule (lifecycleRules.ts, rules 1–6) on columns `since_first`, `since_last`,
 * `overdue_ratio`, `since_return` (NULL without a return), `n`, `p_alive` (NULL: recency rules
 * only) and the rules in `params`. A NULL comparison is not true, so NULL P(alive) never fires.
 */
const STAGE_CASE = `CASE WHEN since_first <= params.new_days THEN 'new'
    WHEN since_last > params.churn_days OR p_alive < params.p_alive_churned THEN 'churned'
    WHEN overdue_ratio > params.overdue_factor OR p_alive < params.p_alive_at_risk THEN 'at_risk'
    WHEN since_return <= params.won_back_days THEN 'won_back'
    WHEN n >= params.loyal_min_purchases THEN 'loyal'
    ELSE 'active' END`;

/** CASE mapping a stage column to its phase (STAGE_PHASE). */
export function phaseCaseSql(stageColumn: string): string {
  const whens = LIFECYCLE_STAGES.map(
    (s) => `WHEN ${constantLiteral(s)} THEN ${constantLiteral(STAGE_PHASE[s])}`,
  );
  return `CASE ${stageColumn} ${whens.join(' ')} END`;
}

/** The sort position of a stage (LIFECYCLE_STAGES order; 'none' first). */
function stageOrderSql(stageColumn: string): string {
  const whens = LIFECYCLE_STAGES.map((s, i) => `WHEN ${constantLiteral(s)} THEN ${i + 1}`);
  return `CASE ${stageColumn} ${whens.join(' ')} ELSE 0 END`;
}

export interface StageAtAsOfOptions extends LifecycleSource {
  /** The value table `value_<n>` (p_alive, predicted_value, total_value), or null before value. */
  valueTable: string | null;
}

/**
 * One row per customer with a purchase before the as-of date, ordered by customer_id:
 * `customer_id`, `stage`, `phase`, `first_purchase`, `last_purchase`, `purchase_days`,
 * `days_since_first`, `days_since_last` (as-of − last purchase day), `mean_interval` (own; NULL
 * for one-time buyers), `interval_days` (the interval used: own, else the population interval),
 * `overdue_ratio`, `last_return` (the latest return day, or NULL), `p_alive` (NULL without a
 * value table or a fitted model), `churn_risk` (low / medium / high / not_judged), `risk_basis`
 * ('p_alive', 'overdue', or 'new' when not judged: what the band was judged on), `revenue` (net, before the as-of date),
 * `predicted_value`, `total_value` (from the value table, else NULL).
 */
export function stageAtAsOfSql(o: StageAtAsOfOptions): string {
  const value = o.valueTable
    ? `(SELECT customer_id, CAST(p_alive AS DOUBLE) AS p_alive, CAST(predicted_value AS DOUBLE) AS predicted_value,
        CAST(total_value AS DOUBLE) AS total_value FROM ${o.valueTable})`
    : `(SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS DOUBLE) AS p_alive,
        CAST(NULL AS DOUBLE) AS predicted_value, CAST(NULL AS DOUBLE) AS total_value WHERE false)`;
  return output(
    o,
    `WITH ${sourceCtes(o)},
${stateCtes(o)},
latest AS (
  SELECT customer_id, min(day) AS first_day, max(day) AS last_day, count(*) AS n,
    max(return_day) AS last_return
  FROM marked GROUP BY customer_id
),
revenue AS (SELECT customer_id, CAST(sum(net) AS DOUBLE) AS revenue FROM daily GROUP BY customer_id),
-- Joined on the customer (a number when read from days: ordered like the ids), text ids once.
named AS (${withTextIds(
      o,
      `SELECT l.*, r.revenue, l.customer_id AS sort_key
  FROM latest l LEFT JOIN revenue r USING (customer_id)`,
    )}),
measured AS (
  SELECT c.customer_id, c.sort_key, c.revenue, c.first_day, c.last_day, c.n, c.last_return,
    CAST(params.as_of - c.first_day AS INTEGER) AS since_first,
    CAST(params.as_of - c.last_day AS INTEGER) AS since_last,
    CAST(params.as_of - c.last_return AS INTEGER) AS since_return,
    CASE WHEN c.n >= 2 THEN (c.last_day - c.first_day) / (c.n - 1) END AS mean_interval,
    v.p_alive, v.predicted_value, v.total_value
  FROM named c LEFT JOIN ${value} v ON v.customer_id = c.customer_id, params
),
judged AS (
  SELECT measured.*, coalesce(mean_interval, population.interval_days) AS interval_days,
    since_last / coalesce(mean_interval, population.interval_days) AS overdue_ratio
  FROM measured, population
),
staged AS (SELECT judged.*, ${STAGE_CASE} AS stage FROM judged, params)
SELECT staged.customer_id, stage, ${phaseCaseSql('stage')} AS phase,
  first_day AS first_purchase, last_day AS last_purchase, CAST(n AS INTEGER) AS purchase_days,
  since_first AS days_since_first, since_last AS days_since_last,
  mean_interval, interval_days, overdue_ratio, last_return, p_alive,
  CASE WHEN p_alive IS NOT NULL THEN
      CASE WHEN p_alive < params.risk_high_p_alive THEN 'high'
        WHEN p_alive < params.risk_medium_p_alive THEN 'medium' ELSE 'low' END
    WHEN stage = 'new' THEN 'not_judged'
    ELSE
      CASE WHEN overdue_ratio > params.risk_high_overdue THEN 'high'
        WHEN overdue_ratio > params.risk_medium_overdue THEN 'medium' ELSE 'low' END
  END AS churn_risk,
  CASE WHEN p_alive IS NOT NULL THEN 'p_alive' WHEN stage = 'new' THEN 'new' ELSE 'overdue' END
    AS risk_basis,
  coalesce(revenue, 0) AS revenue, predicted_value, total_value
FROM staged, params
ORDER BY sort_key`,
  );
}

export interface StageHistoryOptions extends LifecycleSource {
  period: LifecyclePeriod;
}

/**
 * The stage history as spells (the common table expressions after sourceCtes and stateCtes):
 * `periods` (`idx` 0…, `period_start`, `period_end`: its last day, or as-of − 1 for the period the
 * as-of date falls in) and `spells`, one row per customer and run of periods with one stage:
 * `customer_id`, `k_from`, `k_to` (period indexes, `k_to` exclusive), `stage`, `first_purchase`,
 * `purchased` and `revenue` (what the customer bought and its net revenue in period `k_from`;
 * false and 0 unless that is a period with used rows).
 *
 * How: days are grouped per customer and period; a window pass carries the state (last purchase
 * day, purchase days so far, latest return) forward to the next period with activity. Between two
 * such periods the state is fixed, and each stage rule (STAGE_CASE) flips at most once as the period
 * end moves on: "new" ends, "churned" and "at risk" begin, "won back" ends. The first period where
 * each flips is computed from dates (`periodIndexSql`), so a customer silent for thirty periods
 * makes at most five spells, not thirty rows. The "at risk" rule compares a ratio of days, so its
 * day count is the least whole number of days that passes it, found with the same floating-point
 * division the rule uses.
 */
function spellCtes(o: StageHistoryOptions): string {
  const p = o.period;
  const at = (day: string) => periodIndexSql(p, day);
  const interval = `CASE WHEN n >= 2 THEN (last_day - first_day) / (n - 1) ELSE population.interval_days END`;
  // The least whole number of days s with s / interval > factor: floor(factor × interval) ± 1
  // covers rounding either way. Capped where dates would overflow (no one waits 2,700 years).
  const riskDays = `least(CASE
      WHEN (s0 - 1) / i > params.overdue_factor THEN s0 - 1
      WHEN s0 / i > params.overdue_factor THEN s0
      WHEN (s0 + 1) / i > params.overdue_factor THEN s0 + 1
      ELSE s0 + 2 END, 1000000)`;
  return `${sourceCtes(o)},
${stateCtes(o)},
periods AS (
  SELECT CAST(ps AS DATE) AS period_start,
    least(${periodEndSql(p, 'CAST(ps AS DATE)')}, params.as_of - 1) AS period_end,
    CAST(row_number() OVER (ORDER BY ps) - 1 AS INTEGER) AS idx
  FROM (
    SELECT unnest(${periodSeriesSql(p, periodStartSql(p, 'min(first_day)'), periodStartSql(p, 'any_value(params.as_of) - 1'))}) AS ps
    FROM spans, params
  ), params
),
bounds AS (SELECT min(period_start) AS first_start, CAST(count(*) AS INTEGER) AS k_end FROM periods),
all_days AS (${
    o.daysTable
      ? 'SELECT customer_id, day, n, first_day, return_day, net FROM daily'
      : `SELECT customer_id, day, n, first_day, return_day, net FROM marked
  UNION ALL
  SELECT customer_id, day, NULL, NULL, NULL, net FROM daily WHERE spend IS NULL`
  }),
per_period AS (
  SELECT customer_id, ${at(periodStartSql(p, 'day'))} AS idx,
    max(CASE WHEN n IS NOT NULL THEN day END) AS last_day, max(n) AS n, min(first_day) AS first_day,
    max(return_day) AS period_return, sum(net) AS revenue, max(n) IS NOT NULL AS purchased
  -- Days before the first purchase period (a refund before anyone bought) are in no period.
  FROM all_days, bounds b, params WHERE day >= b.first_start GROUP BY ALL
),
carried AS (
  SELECT customer_id, idx, revenue, purchased,
    last_value(last_day IGNORE NULLS) OVER w AS last_day,
    last_value(n IGNORE NULLS) OVER w AS n,
    last_value(first_day IGNORE NULLS) OVER w AS first_day,
    max(period_return) OVER w AS last_return,
    lead(idx) OVER w AS next_idx
  FROM per_period
  WINDOW w AS (PARTITION BY customer_id ORDER BY idx)
),
flips AS (
  SELECT customer_id, idx, k_stop, revenue, purchased, first_day, loyal,
    ${at('first_day + params.new_days')} AS new_until,
    ${at('last_day + params.churn_days')} AS churned_from,
    ${at(`last_day + CAST(${riskDays} AS INTEGER) - 1`)} AS at_risk_from,
    CASE WHEN last_return IS NULL THEN 0 ELSE ${at('last_return + params.won_back_days')} END AS won_back_until
  FROM (
    SELECT customer_id, idx, revenue, purchased, first_day, last_day, last_return,
      coalesce(next_idx, b.k_end) AS k_stop, n >= params.loyal_min_purchases AS loyal, i,
      CAST(floor(params.overdue_factor * i) AS BIGINT) AS s0
    FROM (SELECT *, ${interval} AS i FROM carried, population WHERE n IS NOT NULL), bounds b, params
  ), bounds b, params
),
-- Each flip inside the run [idx, k_stop) starts a spell (the same period twice starts one) that
-- lasts until the next flip: five candidates per run, no lists and no window.
spells AS (
  SELECT customer_id, k_from,
    least(k_stop, ${['new_until', 'churned_from', 'at_risk_from', 'won_back_until']
      .map((f) => `CASE WHEN ${f} > k_from THEN ${f} END`)
      .join(', ')}) AS k_to,
    first_day AS first_purchase,
    CASE WHEN k_from < new_until THEN 'new' WHEN k_from >= churned_from THEN 'churned'
      WHEN k_from >= at_risk_from THEN 'at_risk' WHEN k_from < won_back_until THEN 'won_back'
      WHEN loyal THEN 'loyal' ELSE 'active' END AS stage,
    k_from = idx AND purchased AS purchased,
    CASE WHEN k_from = idx THEN CAST(revenue AS DOUBLE) ELSE 0 END AS revenue
  FROM (
    SELECT flips.*, CASE j WHEN 0 THEN idx WHEN 1 THEN new_until WHEN 2 THEN churned_from
      WHEN 3 THEN at_risk_from ELSE won_back_until END AS k_from, j
    FROM flips, (VALUES (0), (1), (2), (3), (4)) candidates(j)
  )
  WHERE k_from >= idx AND k_from < k_stop
    AND (j = 0 OR k_from > idx)
    AND (j <= 1 OR k_from <> new_until)
    AND (j <= 2 OR k_from <> churned_from)
    AND (j <= 3 OR k_from <> at_risk_from)
)`;
}

/**
 * The index of the first period whose end is on or after `day` (a DATE expression): the period
 * holding it, 0 before the first, and the number of periods when it is on or after the as-of date.
 * Reads `bounds` and `params` (spellCtes).
 */
function periodIndexSql(period: LifecyclePeriod, day: string): string {
  const offset =
    period === 'week'
      ? `(${day} - b.first_start) // 7`
      : `date_diff('${periodOf(period).trunc}', b.first_start, ${day})`;
  return `CASE WHEN ${day} >= params.as_of THEN b.k_end ELSE CAST(greatest(${offset}, 0) AS INTEGER) END`;
}

/** The periods table beside a history table made by `stageHistoryTablesSql`. */
export function historyPeriodsTable(historyTable: string): string {
  return `${historyTable}_periods`;
}

/**
 * The stage history as the lifecycle step keeps it (two statements, run in order): the periods
 * (`historyPeriodsTable(outTable)`: `idx`, `period_start`, `period_end`) and the spells
 * (`outTable`: `customer_id`, `k_from`, `k_to`, `stage`, `first_purchase`, `purchased`,
 * `revenue`; see spellCtes). The readers below take it as `historyTable`. `stageHistorySql` is the
 * same history one row per customer and period end.
 */
export function stageHistoryTablesSql(o: StageHistoryOptions & { outTable: string }): string[] {
  const ctes = spellCtes({ ...o, outTable: undefined });
  return [
    `CREATE OR REPLACE TABLE ${historyPeriodsTable(o.outTable)} AS
WITH ${ctes}
SELECT idx, period_start, period_end FROM periods`,
    `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH ${ctes}
SELECT customer_id, k_from, k_to, stage, first_purchase, purchased, revenue FROM spells`,
  ];
}

/**
 * The stage of every customer at every period end, from the period of their first purchase to
 * the period holding the last day before the as-of date, in one statement. A period's end is its
 * last day, or as-of − 1 for the period the as-of date falls in (so the last row of each customer
 * is its stage at the as-of date by the recency rules). The stage at period end E is judged at
 * reference date E + 1 (purchases on E count) by the recency, frequency and interval rules only:
 * no P(alive) in the history (there is one fitted model, at the as-of date). The population
 * interval for one-time buyers is the one at the as-of date, for every period.
 *
 * Rows: `period_start`, `period_end` (DATE), `customer_id` (the customer's number, `cid`, when read
 * from a days table), `stage`, `first_purchase` (DATE), `purchased` (a purchase day in the period),
 * `revenue_in_period` (net revenue of the customer's used rows dated in the period, refunds
 * included; 0 when none). Ordered by period_end, customer_id when returned as rows.
 *
 * The spells of `stageHistoryTablesSql`, expanded: one row per customer and period (7.1M rows for
 * the 5M-row benchmark file by month, against 4M spells), so the step keeps the spells and this is
 * the history's definition in rows (tests, the notebook).
 */
export function stageHistorySql(o: StageHistoryOptions): string {
  return output(
    o,
    `WITH ${spellCtes(o)}
SELECT pr.period_start, pr.period_end, s.customer_id, s.stage, s.first_purchase,
  s.purchased AND s.k = s.k_from AS purchased,
  CASE WHEN s.k = s.k_from THEN s.revenue ELSE 0 END AS revenue_in_period
FROM (SELECT spells.*, unnest(range(k_from, k_to)) AS k FROM spells) s
JOIN periods pr ON pr.idx = s.k${o.outTable ? '' : '\nORDER BY pr.period_end, s.customer_id'}`,
  );
}

/**
 * Customers and revenue per period end and stage (or phase), from a history made by
 * `stageHistoryTablesSql`: every group at every period end, 0 when empty, ordered by period_end then
 * LIFECYCLE_STAGES (LIFECYCLE_PHASES) order. Rows: `period_end`, `stage` (or `phase`),
 * `customers`, `revenue` (the revenue in the period of the customers in that group). Customers
 * are counted as spells starting minus spells ending, summed over the periods.
 */
export function stageCountsOverTimeSql(o: {
  historyTable: string;
  groupBy?: 'stage' | 'phase';
}): string {
  const byPhase = o.groupBy === 'phase';
  const keys = byPhase
    ? [...new Set(LIFECYCLE_STAGES.map((s) => STAGE_PHASE[s]))]
    : LIFECYCLE_STAGES;
  const name = byPhase ? 'phase' : 'stage';
  const groups = keys.map((k, i) => `(${constantLiteral(k)}, ${i})`).join(', ');
  const key = byPhase ? phaseCaseSql('stage') : 'stage';
  return `WITH s AS (SELECT k_from, k_to, ${key} AS grp, revenue FROM ${o.historyTable}),
groups(grp, ord) AS (VALUES ${groups}),
deltas AS (
  SELECT k, grp, sum(d) AS d
  FROM (SELECT k_from AS k, grp, 1 AS d FROM s UNION ALL SELECT k_to, grp, -1 FROM s)
  GROUP BY k, grp
),
revenue AS (SELECT k_from AS k, grp, sum(revenue) AS revenue FROM s GROUP BY k_from, grp),
counted AS (
  SELECT p.period_end, g.grp, g.ord,
    sum(coalesce(d.d, 0)) OVER (PARTITION BY g.grp ORDER BY p.idx) AS customers,
    r.revenue
  FROM ${historyPeriodsTable(o.historyTable)} p CROSS JOIN groups g
  LEFT JOIN deltas d ON d.k = p.idx AND d.grp = g.grp
  LEFT JOIN revenue r ON r.k = p.idx AND r.grp = g.grp
)
SELECT period_end, grp AS ${name}, CAST(customers AS INTEGER) AS customers,
  CAST(coalesce(revenue, 0) AS DOUBLE) AS revenue
FROM counted
ORDER BY period_end, ord`;
}

/**
 * Flows between two dates, from a history made by `stageHistoryTablesSql`; bind [dateA, dateB] (ISO
 * dates). Each date is snapped to the first period end on or after it (the end of the period that
 * holds it), or to the last period end when it is later than all. Customers without a purchase
 * by a date are 'none' there. Rows: `period_end_a`, `period_end_b`, `from_stage`, `to_stage`,
 * `customers`, ordered by from then to (none first, then LIFECYCLE_STAGES order).
 */
export function transitionsSql(o: { historyTable: string }): string {
  const periods = historyPeriodsTable(o.historyTable);
  return `WITH picked AS (SELECT CAST(? AS DATE) AS a, CAST(? AS DATE) AS b),
ends AS (
  SELECT coalesce(min(e.period_end) FILTER (WHERE e.period_end >= picked.a), max(e.period_end)) AS end_a,
    coalesce(min(e.period_end) FILTER (WHERE e.period_end >= picked.b), max(e.period_end)) AS end_b
  FROM ${periods} e, picked
),
ks AS (
  SELECT (SELECT idx FROM ${periods} WHERE period_end = ends.end_a) AS ka,
    (SELECT idx FROM ${periods} WHERE period_end = ends.end_b) AS kb
  FROM ends
),
at_a AS (SELECT s.customer_id, s.stage FROM ${o.historyTable} s, ks WHERE s.k_from <= ks.ka AND ks.ka < s.k_to),
at_b AS (SELECT s.customer_id, s.stage FROM ${o.historyTable} s, ks WHERE s.k_from <= ks.kb AND ks.kb < s.k_to),
flows AS (
  SELECT coalesce(a.stage, 'none') AS from_stage, coalesce(b.stage, 'none') AS to_stage,
    count(*) AS customers
  FROM at_a a FULL OUTER JOIN at_b b ON a.customer_id = b.customer_id
  GROUP BY ALL
)
SELECT ends.end_a AS period_end_a, ends.end_b AS period_end_b, from_stage, to_stage,
  CAST(customers AS INTEGER) AS customers
FROM flows, ends
ORDER BY ${stageOrderSql('from_stage')}, ${stageOrderSql('to_stage')}`;
}

export interface CohortOptions extends LifecycleSource {
  period: CohortPeriod;
}

/**
 * Acquisition cohorts: a customer's cohort is the period of its first purchase (before the as-of
 * date). One row per cohort and period index k = 0, 1, … up to the period holding as-of − 1, with
 * no gaps: `cohort_start` (DATE, the cohort's period start), `period_index` k, `period_start`,
 * `cohort_size` (customers acquired in the cohort period), `customers` (of them, those with a
 * purchase in period k; all of them at k = 0), `share` = customers ÷ cohort_size, `revenue` (net
 * revenue of the cohort's customers in period k, refunds included; rows before the cohort period
 * are left out), `cumulative_revenue_per_customer` (Σ revenue of periods 0..k ÷ cohort_size: the
 * cohort's LTV so far), `complete` (the period ended before the as-of date). Ordered by cohort,
 * then k.
 */
export function cohortSql(o: CohortOptions): string {
  const p = o.period;
  if (p !== 'month' && p !== 'quarter') throw new Error(`Invalid cohort period ${String(p)}`);
  return output(
    o,
    `WITH ${sourceCtes(o)},
members AS (
  SELECT customer_id, ${periodStartSql(p, 'min(day)')} AS cohort_start
  FROM daily WHERE spend IS NOT NULL GROUP BY customer_id
),
sizes AS (SELECT cohort_start, count(*) AS cohort_size FROM members GROUP BY cohort_start),
activity AS (
  SELECT customer_id, ${periodStartSql(p, 'day')} AS period_start,
    bool_or(spend IS NOT NULL) AS purchased, sum(net) AS revenue
  FROM daily GROUP BY ALL
),
cells AS (
  SELECT m.cohort_start, a.period_start, count(*) FILTER (WHERE a.purchased) AS customers,
    sum(a.revenue) AS revenue
  FROM activity a JOIN members m USING (customer_id)
  WHERE a.period_start >= m.cohort_start
  GROUP BY ALL
),
grid AS (
  SELECT cohort_start, cohort_size,
    CAST(unnest(${periodSeriesSql(p, 'cohort_start', periodStartSql(p, 'params.as_of - 1'))}) AS DATE) AS period_start
  FROM sizes, params
)
SELECT g.cohort_start, CAST(date_diff('${periodOf(p).trunc}', g.cohort_start, g.period_start) AS INTEGER) AS period_index,
  g.period_start, CAST(g.cohort_size AS INTEGER) AS cohort_size,
  CAST(coalesce(c.customers, 0) AS INTEGER) AS customers,
  coalesce(c.customers, 0) / g.cohort_size AS share,
  CAST(coalesce(c.revenue, 0) AS DOUBLE) AS revenue,
  CAST(sum(coalesce(c.revenue, 0)) OVER (PARTITION BY g.cohort_start ORDER BY g.period_start) AS DOUBLE)
    / g.cohort_size AS cumulative_revenue_per_customer,
  ${periodEndSql(p, 'g.period_start')} < params.as_of AS complete
FROM grid g LEFT JOIN cells c ON c.cohort_start = g.cohort_start AND c.period_start = g.period_start,
params
ORDER BY g.cohort_start, period_index`,
  );
}

/**
 * The same cohort table as `cohortSql` (same rows, columns and definitions), from a history made
 * by `stageHistoryTablesSql`: the history holds every customer at every period from its first (so
 * a cohort's members at any period are all its members), with its revenue and whether it bought,
 * so this is a few aggregates over its spells instead of a second pass over the typed rows.
 * `period` must be the history's; cohorts are by that period.
 */
export function cohortFromHistorySql(o: {
  historyTable: string;
  period: LifecyclePeriod;
  outTable?: string;
}): string {
  const p = o.period;
  const periods = historyPeriodsTable(o.historyTable);
  return output(
    o,
    `WITH s AS (
  SELECT ${periodStartSql(p, 'first_purchase')} AS cohort_start, k_from, k_to, purchased, revenue
  FROM ${o.historyTable}
),
deltas AS (
  SELECT cohort_start, k, sum(d) AS d
  FROM (SELECT cohort_start, k_from AS k, 1 AS d FROM s UNION ALL SELECT cohort_start, k_to, -1 FROM s)
  GROUP BY ALL
),
starts AS (
  SELECT cohort_start, k_from AS k, count(*) FILTER (WHERE purchased) AS customers, sum(revenue) AS revenue
  FROM s GROUP BY ALL
),
cells AS (
  SELECT c.cohort_start, pr.period_start, pr.period_end = ${periodEndSql(p, 'pr.period_start')} AS complete,
    sum(coalesce(d.d, 0)) OVER (PARTITION BY c.cohort_start ORDER BY pr.idx) AS cohort_size,
    coalesce(st.customers, 0) AS customers, coalesce(st.revenue, 0) AS revenue
  FROM (SELECT DISTINCT cohort_start FROM deltas) c
  JOIN ${periods} pr ON pr.period_start >= c.cohort_start
  LEFT JOIN deltas d ON d.cohort_start = c.cohort_start AND d.k = pr.idx
  LEFT JOIN starts st ON st.cohort_start = c.cohort_start AND st.k = pr.idx
)
SELECT cohort_start, CAST(date_diff('${periodOf(p).trunc}', cohort_start, period_start) AS INTEGER) AS period_index,
  period_start, CAST(cohort_size AS INTEGER) AS cohort_size, CAST(customers AS INTEGER) AS customers,
  customers / cohort_size AS share, CAST(revenue AS DOUBLE) AS revenue,
  CAST(sum(revenue) OVER (PARTITION BY cohort_start ORDER BY period_start) AS DOUBLE)
    / cohort_size AS cumulative_revenue_per_customer,
  complete
FROM cells
ORDER BY cohort_start, period_index`,
  );
}

/**
 * The mean retention line from a table made by `cohortSql`, over complete periods only (a period
 * still running would pull the mean down): per k, `cohorts`, `cohort_customers` (Σ cohort sizes),
 * `customers` (Σ active), `share` = Σ active ÷ Σ sizes (the cohorts' shares weighted by size), and
 * `cumulative_revenue_per_customer` likewise weighted. Ordered by k.
 */
export function cohortMeanSql(o: { cohortTable: string }): string {
  return `SELECT period_index, CAST(count(*) AS INTEGER) AS cohorts,
  CAST(sum(cohort_size) AS INTEGER) AS cohort_customers, CAST(sum(customers) AS INTEGER) AS customers,
  sum(customers) / sum(cohort_size) AS share,
  sum(cumulative_revenue_per_customer * cohort_size) / sum(cohort_size) AS cumulative_revenue_per_customer
FROM ${o.cohortTable}
WHERE complete
GROUP BY period_index
ORDER BY period_index`;
}

/**
 * Customers, revenue and value per churn-risk band, from a table made by `stageAtAsOfSql`: all
 * four bands (low, medium, high, not_judged), 0 when empty. Rows: `churn_risk`, `customers`, `share` (of all
 * customers), `revenue` (net historical), `predicted_value` (NULL without a value table).
 */
export function churnRiskSummarySql(o: { stageTable: string }): string {
  const bands = CHURN_RISK_BANDS.map((b, i) => `(${constantLiteral(b)}, ${i})`).join(', ');
  return `WITH bands(churn_risk, ord) AS (VALUES ${bands}),
total AS (SELECT count(*) AS n FROM ${o.stageTable}),
per AS (
  SELECT churn_risk, count(*) AS customers, sum(revenue) AS revenue, sum(predicted_value) AS predicted_value
  FROM ${o.stageTable} GROUP BY churn_risk
)
SELECT b.churn_risk, CAST(coalesce(per.customers, 0) AS INTEGER) AS customers,
  coalesce(per.customers, 0) / nullif(total.n, 0) AS share,
  CAST(coalesce(per.revenue, 0) AS DOUBLE) AS revenue, per.predicted_value
FROM bands b LEFT JOIN per USING (churn_risk), total
ORDER BY b.ord`;
}

/**
 * The most valuable customers at risk, from a table made by `stageAtAsOfSql`; bind [limit].
 * Customers in one of `bands` (default: high) who are not churned — still worth saving — ordered
 * by total value (lifetime value from the value table) when known, else net revenue, descending;
 * ties by customer id. All columns of the stage table.
 */
export function atRiskCustomersSql(o: {
  stageTable: string;
  bands?: readonly ChurnRiskBand[];
}): string {
  const bands = o.bands ?? ['high'];
  if (bands.length === 0 || bands.some((b) => !CHURN_RISK_BANDS.includes(b)))
    throw new Error(`Invalid churn-risk bands ${bands.join(', ')}`);
  return `SELECT * FROM ${o.stageTable}
WHERE churn_risk IN (${bands.map(constantLiteral).join(', ')}) AND stage <> 'churned'
ORDER BY coalesce(total_value, revenue) DESC, customer_id
LIMIT CAST(? AS INTEGER)`;
}

/**
 * Behaviour change at the as-of date (lifecycleRules.ts): one row per customer with at least
 * `behaviour_min_baseline_days` purchase days in the baseline, ordered by customer_id:
 * `customer_id`, `recent_purchase_days`, `baseline_purchase_days`, `baseline_days` (the baseline's
 * length in days, from its start or the customer's first purchase when later, to the recent
 * window), `recent_spend`, `baseline_spend` (purchase amounts, refunds left out),
 * `recent_rate`, `baseline_rate` (purchase days per day), `rate_change`, `spend_change` (recent ÷
 * baseline per day − 1), `declined`, `improved`.
 */
export function behaviourChangeSql(o: LifecycleSource): string {
  return output(
    o,
    `WITH ${sourceCtes(o)},
windows AS (
  SELECT as_of - behaviour_window_days AS recent_start,
    as_of - behaviour_window_days - behaviour_baseline_days AS baseline_start,
    behaviour_window_days, behaviour_change_share, behaviour_min_baseline_days
  FROM params
),
purchases AS (SELECT customer_id, day, spend FROM daily WHERE spend IS NOT NULL),
per AS (${withTextIds(
      o,
      `SELECT customer_id, min(day) AS first_day,
    count(*) FILTER (WHERE day >= w.recent_start) AS recent_purchase_days,
    count(*) FILTER (WHERE day >= w.baseline_start AND day < w.recent_start) AS baseline_purchase_days,
    coalesce(sum(spend) FILTER (WHERE day >= w.recent_start), 0) AS recent_spend,
    coalesce(sum(spend) FILTER (WHERE day >= w.baseline_start AND day < w.recent_start), 0) AS baseline_spend
  FROM purchases, windows w
  GROUP BY customer_id`,
    )}),
rates AS (
  SELECT per.*, CAST(w.recent_start - greatest(w.baseline_start, per.first_day) AS INTEGER) AS baseline_days,
    recent_purchase_days / w.behaviour_window_days AS recent_rate,
    baseline_purchase_days / (w.recent_start - greatest(w.baseline_start, per.first_day)) AS baseline_rate,
    CAST(recent_spend AS DOUBLE) / w.behaviour_window_days AS recent_spend_rate,
    CAST(baseline_spend AS DOUBLE) / (w.recent_start - greatest(w.baseline_start, per.first_day)) AS baseline_spend_rate,
    w.behaviour_change_share AS share
  FROM per, windows w
  WHERE baseline_purchase_days >= w.behaviour_min_baseline_days
),
changes AS (
  SELECT *, recent_rate / baseline_rate - 1 AS rate_change,
    recent_spend_rate / baseline_spend_rate - 1 AS spend_change
  FROM rates
)
SELECT customer_id, CAST(recent_purchase_days AS INTEGER) AS recent_purchase_days,
  CAST(baseline_purchase_days AS INTEGER) AS baseline_purchase_days, baseline_days,
  CAST(recent_spend AS DOUBLE) AS recent_spend, CAST(baseline_spend AS DOUBLE) AS baseline_spend,
  recent_rate, baseline_rate, rate_change, spend_change,
  (rate_change < -share OR spend_change < -share) AS declined,
  NOT (rate_change < -share OR spend_change < -share)
    AND (rate_change > share OR spend_change > share) AS improved
FROM changes
ORDER BY customer_id`,
  );
}

/**
 * Stage × segment: customers and net revenue per stage and RFM segment, from a table made by
 * `stageAtAsOfSql` and the RFM table `rfm_<n>` (rfm.ts), on the chosen scheme's column. Only
 * non-empty cells; ordered by stage (LIFECYCLE_STAGES order) then segment.
 */
export function stageSegmentCrossTabSql(o: {
  stageTable: string;
  rfmTable: string;
  scheme: 'rfm11' | 'cn8';
}): string {
  const column = o.scheme === 'rfm11' ? 'segment_rfm11' : o.scheme === 'cn8' ? 'segment_cn8' : null;
  if (!column) throw new Error(`Invalid segment scheme ${String(o.scheme)}`);
  return `SELECT s.stage, r.${column} AS segment, CAST(count(*) AS INTEGER) AS customers,
  CAST(sum(s.revenue) AS DOUBLE) AS revenue
FROM ${o.stageTable} s JOIN ${o.rfmTable} r USING (customer_id)
GROUP BY s.stage, r.${column}
ORDER BY ${stageOrderSql('s.stage')}, segment`;
}
