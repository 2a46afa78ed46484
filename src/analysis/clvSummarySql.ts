/**
 * SQL for the per-customer summary the CLV models are fitted on, and for the holdout actuals that
 * validate them. Pure builders: options in, SQL text out; table names are ours and every date
 * reaches SQL through a parameters table filled with bound `?` values.
 *
 * Definitions (the literature's, e.g. Fader, Hardie & Lee 2005 on CDNOW; `src/models/summary.ts`
 * is the reference implementation in TypeScript):
 * - A **purchase** is a used row of the typed table (`excluded_reason IS NULL`) with a positive
 *   amount, as everywhere in the app. Refunds and cancellations (negative amounts) are not
 *   purchases and change no figure here: they neither make a purchase day nor reduce spend (the
 *   Gamma-Gamma model needs positive spend). Zero-amount lines, when the policy keeps them, are not
 *   purchases either unless `zeroAmountPurchases` says so.
 * - Purchases on the same day count as one (a **purchase day**).
 * - The **calibration period** is every day before the as-of date, which is exclusive (by default
 *   the day after the last order; for a holdout test, the split date). Its last day, as-of − 1,
 *   is the calibration end.
 * - `x`  = distinct purchase days − 1;
 * - `tx` = last purchase day − first purchase day, in days;
 * - `T`  = calibration end (as-of − 1) − first purchase day, in days; so a customer whose first
 *   purchase is on the last calibration day has T = 0;
 * - `monetary` = mean over the repeat purchase days (all but the first) of the day's summed
 *   purchase amounts; 0 when x = 0.
 * Times are whole days; divide by 7 for weeks (`daysPerUnit`).
 */

export interface ClvParams {
  /** A one-row table: `as_of` (DATE, exclusive) and, for the holdout, `holdout_end`. */
  paramsTable: string;
  /**
   * Count used rows with a zero amount as purchases too (default false: a purchase has a positive
   * amount, as everywhere in the app). Zero-amount rows are used only when the policy keeps them;
   * the CDNOW literature counts its eight $0.00 transactions (free CDs) as purchases.
   */
  zeroAmountPurchases?: boolean;
}

export interface ClvSummaryOptions extends ClvParams {
  /** The typed table `tx_<n>` (customer_id, day, amount, excluded_reason). */
  txTable: string;
  /** When given, the statement creates (or replaces) this table instead of returning rows. */
  outTable?: string;
}

export interface HoldoutActualsOptions extends ClvParams {
  txTable: string;
  /** Periods of the repeat-transactions timeline: days, or weeks of 7 days aligned on the split. */
  period: 'day' | 'week';
}

/** The SQL of both holdout results; run each, rows ordered as documented. */
export interface HoldoutActualsSql {
  /**
   * One row per customer of the calibration cohort (a purchase before the split), ordered by
   * customer_id like `clvSummarySql`'s rows: `customer_id`, `holdout_purchases` (INTEGER, the
   * distinct purchase days in [split, holdout_end)).
   */
  customers: string;
  /**
   * One row per period, in time order, from the period holding the cohort's first purchase (the
   * split when there is no cohort) to the one ending at holdout_end, with no gaps:
   * `period_start` (DATE), `start_offset` and `end_offset` (INTEGER days from the split, end
   * exclusive and never past holdout_end), `repeat_transactions` (INTEGER: the cohort's purchase
   * days in the period other than each customer's first) and `first_purchases` (INTEGER: cohort
   * customers whose first purchase falls in the period).
   */
  timeline: string;
}

/**
 * Statement that (re)creates the holdout parameters table; its two `?` are the split date (stored
 * as `as_of`, so `clvSummarySql` on the same table gives the calibration summary) and the holdout
 * end, both exclusive ISO dates: calibration = days < split, holdout = split ≤ day < holdout end.
 */
export function holdoutParamsTableSql(paramsTable: string): string {
  return `CREATE OR REPLACE TABLE ${paramsTable} AS
SELECT CAST(? AS DATE) AS as_of, CAST(? AS DATE) AS holdout_end`;
}

/** Rows that are purchases (see the module comment), before `limit` (a DATE expression). */
function purchasesBefore(o: ClvParams & { txTable: string }, limit: string): string {
  const amount = o.zeroAmountPurchases === true ? 'amount >= 0' : 'amount > 0';
  return `SELECT customer_id, day, amount FROM ${o.txTable}, params
  WHERE excluded_reason IS NULL AND ${amount} AND day < ${limit}`;
}

/**
 * Per customer with a purchase before the as-of date: `customer_id`, `first_purchase` and
 * `last_purchase` (DATE), `x`, `tx`, `T` (INTEGER, days) and `monetary` (DOUBLE), ordered by
 * customer_id. Aggregated in two steps (per customer-day, then per customer): the first day's
 * spend is taken with arg_min, so no join is needed.
 */
export function clvSummarySql(o: ClvSummaryOptions): string {
  const select = `WITH params AS (SELECT as_of FROM ${o.paramsTable}),
daily AS (
  SELECT customer_id, day, sum(amount) AS spend
  FROM (${purchasesBefore(o, 'params.as_of')})
  GROUP BY customer_id, day
),
per_customer AS (
  SELECT customer_id,
    min(day) AS first_purchase,
    max(day) AS last_purchase,
    count(*) AS purchase_days,
    sum(spend) AS total_spend,
    arg_min(spend, day) AS first_day_spend
  FROM daily GROUP BY customer_id
)
SELECT customer_id, first_purchase, last_purchase,
  CAST(purchase_days - 1 AS INTEGER) AS x,
  CAST(last_purchase - first_purchase AS INTEGER) AS tx,
  CAST((params.as_of - first_purchase) - 1 AS INTEGER) AS T,
  CASE WHEN purchase_days > 1
    THEN CAST(total_spend - first_day_spend AS DOUBLE) / (purchase_days - 1)
    ELSE CAST(0 AS DOUBLE) END AS monetary
FROM per_customer, params
ORDER BY customer_id`;
  return o.outTable === undefined ? select : `CREATE OR REPLACE TABLE ${o.outTable} AS\n${select}`;
}

/**
 * Holdout actuals for a split S (`as_of`) and holdout end E (`holdout_end`) read from the
 * parameters table (`holdoutParamsTableSql`). The cohort is every customer with a purchase before
 * S (the customers of `clvSummarySql` on the same table); customers whose first purchase is in the
 * holdout are left out of both results, since the model was not fitted on them. Purchases on or
 * after E are ignored. When E ≤ S there is no holdout: counts are 0 and the timeline stops at S.
 */
export function holdoutActualsSql(o: HoldoutActualsOptions): HoldoutActualsSql {
  const step = o.period === 'week' ? 7 : 1;
  const common = `WITH params AS (
  SELECT as_of AS split, holdout_end, greatest(as_of, holdout_end) AS stop FROM ${o.paramsTable}
),
days AS (
  SELECT customer_id, day FROM (${purchasesBefore(o, 'params.stop')})
  GROUP BY customer_id, day
),
cohort_days AS (
  SELECT customer_id, day, min(day) OVER (PARTITION BY customer_id) AS first_day
  FROM days
  QUALIFY first_day < (SELECT split FROM params)
)`;
  const customers = `${common}
SELECT customer_id,
  CAST(count(*) FILTER (WHERE day >= params.split) AS INTEGER) AS holdout_purchases
FROM cohort_days, params
GROUP BY customer_id
ORDER BY customer_id`;
  // Period of a day: its offset from the split, floored to the step (weeks start on the split's
  // weekday, so the split is always a period boundary).
  const periodOf = (dayExpr: string) =>
    step === 1
      ? `CAST(${dayExpr} - params.split AS INTEGER)`
      : `CAST(floor((${dayExpr} - params.split) / ${step}) AS INTEGER) * ${step}`;
  const timeline = `${common},
bounds AS (
  SELECT ${periodOf('coalesce((SELECT min(first_day) FROM cohort_days), params.split)')} AS lo,
    CAST(params.stop - params.split AS INTEGER) AS hi
  FROM params
),
grid AS (SELECT CAST(unnest(range(lo, hi, ${step})) AS INTEGER) AS start_offset, hi FROM bounds),
counts AS (
  SELECT ${periodOf('day')} AS start_offset,
    count(*) FILTER (WHERE day > first_day) AS repeats,
    count(*) FILTER (WHERE day = first_day) AS firsts
  FROM cohort_days, params
  GROUP BY ALL
)
SELECT CAST(params.split + grid.start_offset AS DATE) AS period_start,
  grid.start_offset,
  CAST(least(grid.start_offset + ${step}, grid.hi) AS INTEGER) AS end_offset,
  CAST(coalesce(counts.repeats, 0) AS INTEGER) AS repeat_transactions,
  CAST(coalesce(counts.firsts, 0) AS INTEGER) AS first_purchases
FROM grid CROSS JOIN params LEFT JOIN counts USING (start_offset)
ORDER BY grid.start_offset`;
  return { customers, timeline };
}
