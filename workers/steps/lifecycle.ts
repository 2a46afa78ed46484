import { lifecycleRulesParams, validateLifecycleRules } from '../../src/analysis/lifecycleRules';
import {
  atRiskCustomersSql,
  behaviourChangeSql,
  churnRiskSummarySql,
  cohortFromHistorySql,
  cohortMeanSql,
  cohortSql,
  lifecycleRulesTableSql,
  stageAtAsOfSql,
  stageCountsOverTimeSql,
  stageHistoryTablesSql,
  historyPeriodsTable,
  stageSegmentCrossTabSql,
  transitionsSql,
  lifecycleDaysSql,
} from '../../src/analysis/lifecycleSql';
import { customerDaysSql, customerIdsSql } from '../../src/analysis/customerDaysSql';
import type { SegmentScheme } from '../../src/analysis/segments';
import { isIsoDate, tableName } from '../../src/analysis/sql';
import { EngineError } from '../../src/engine/errors';
import type { LifecycleOptions, LifecycleResult } from '../../src/engine/types';
import type { Engine } from '../engine';
import type { SqlRunner } from '../sqlRunner';

/** Customers listed as "can't lose them". */
const AT_RISK_LIST = 50;
const BEHAVIOUR_EXAMPLES = 50;

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (date: string, days: number) => iso(new Date(Date.parse(date) + days * 86_400_000));

/**
 * Lifecycle of an analysed dataset (src/analysis/lifecycleSql.ts): stages at the as-of date (with
 * P(alive) when the value step fitted a model), the stage history at every period end, flows
 * between two dates, cohorts, churn risk, behaviour change, and stage × segment. The stage table
 * (`lcstage_<id>`) stays for the customers export.
 */
export async function computeLifecycle(
  sql: SqlRunner,
  datasetId: number,
  o: {
    options: LifecycleOptions;
    asOf: string;
    /** `value_<id>` when values were computed for this as-of date. */
    valueTable: string | null;
    scheme: SegmentScheme;
  },
): Promise<LifecycleResult> {
  const { rules, problems } = validateLifecycleRules(o.options.rules);
  const dates = [o.options.flowFrom, o.options.flowTo].filter((d) => d !== null);
  if (dates.some((d) => !isIsoDate(d))) problems.push('flow');
  if (!['week', 'month', 'quarter'].includes(o.options.period)) problems.push('period');
  if (!['month', 'quarter'].includes(o.options.cohortPeriod)) problems.push('cohortPeriod');
  if (problems.length > 0 || !rules) throw new EngineError('invalid_lifecycle_rules', { problems });
  const t = (p: Parameters<typeof tableName>[0]) => tableName(p, datasetId);
  const typed = { txTable: t('tx'), paramsTable: t('params'), rulesTable: t('lcrules') };
  const [stageTable, historyTable, cohortTable] = [t('lcstage'), t('lchist'), t('lccohort')];
  sql.runWithParams(lifecycleRulesTableSql(typed.rulesTable), lifecycleRulesParams(rules));
  // The one window pass, over the numbered customer days; every statement below reads its days.
  const numbered = { idsTable: t('cids'), customerDaysTable: t('cdays') };
  const source = { ...typed, daysTable: t('lcdays'), idsTable: numbered.idsTable };
  await sql.run(lifecycleDaysSql({ ...typed, ...numbered, outTable: source.daysTable }));
  await sql.run(stageAtAsOfSql({ ...source, valueTable: o.valueTable, outTable: stageTable }));
  for (const statement of stageHistoryTablesSql({
    ...source,
    period: o.options.period,
    outTable: historyTable,
  }))
    await sql.run(statement);
  // Cohorts by the history's own period come from the history in one aggregate (~6× faster).
  await sql.run(
    o.options.cohortPeriod === o.options.period
      ? cohortFromHistorySql({ historyTable, period: o.options.period, outTable: cohortTable })
      : cohortSql({ ...source, period: o.options.cohortPeriod, outTable: cohortTable }),
  );

  const stages = await sql.rows<{ stage: string; customers: number; revenue: number }>(
    `SELECT stage, count(*)::INTEGER AS customers, CAST(sum(revenue) AS DOUBLE) AS revenue
     FROM ${stageTable} GROUP BY stage`,
  );
  const total = stages.reduce((n, s) => n + s.customers, 0);
  const { used } = await sql.row<{ used: boolean }>(
    `SELECT count(p_alive) > 0 AS used FROM ${stageTable}`,
  );
  const history = await sql.rows<{
    period_end: string;
    stage: string;
    customers: number;
    revenue: number;
  }>(
    `SELECT strftime(period_end, '%Y-%m-%d') AS period_end, stage, customers, revenue
     FROM (${stageCountsOverTimeSql({ historyTable })})`,
  );
  const from = o.options.flowFrom ?? addDays(o.asOf, -365);
  const to = o.options.flowTo ?? addDays(o.asOf, -1);
  const transitions = sql.rowsWithParams<{
    period_end_a: string;
    period_end_b: string;
    from_stage: string;
    to_stage: string;
    customers: number;
  }>(
    `SELECT strftime(period_end_a, '%Y-%m-%d') AS period_end_a,
       strftime(period_end_b, '%Y-%m-%d') AS period_end_b, from_stage, to_stage, customers
     FROM (${transitionsSql({ historyTable })})`,
    [from, to],
  );
  const cohorts = await sql.rows<{
    cohort_start: string;
    period_index: number;
    cohort_size: number;
    customers: number;
    share: number;
    revenue: number;
    cumulative_revenue_per_customer: number;
    complete: boolean;
  }>(
    `SELECT strftime(cohort_start, '%Y-%m-%d') AS cohort_start, period_index, cohort_size, customers,
       share, revenue, cumulative_revenue_per_customer, complete FROM ${cohortTable}`,
  );
  const mean = await sql.rows<{
    period_index: number;
    share: number | null;
    cumulative_revenue_per_customer: number | null;
  }>(cohortMeanSql({ cohortTable }));
  const risk = await sql.rows<{
    churn_risk: string;
    customers: number;
    share: number;
    revenue: number;
    predicted_value: number | null;
  }>(churnRiskSummarySql({ stageTable }));
  const atRisk = sql.rowsWithParams<{
    customer_id: string;
    stage: string;
    days_since_last: number;
    p_alive: number | null;
    revenue: number;
    total_value: number | null;
  }>(atRiskCustomersSql({ stageTable }), [AT_RISK_LIST]);
  const behaviourTable = `${cohortTable}_behaviour`;
  await sql.run(`CREATE OR REPLACE TABLE ${behaviourTable} AS ${behaviourChangeSql(source)}`);
  const counts = await sql.row<{ judged: number; declined: number; improved: number }>(
    `SELECT count(*)::INTEGER AS judged, count(*) FILTER (WHERE declined)::INTEGER AS declined,
       count(*) FILTER (WHERE improved)::INTEGER AS improved FROM ${behaviourTable}`,
  );
  const examples = await sql.rows<{
    customer_id: string;
    declined: boolean;
    rate_change: number | null;
    spend_change: number | null;
  }>(
    `SELECT customer_id, declined, rate_change, spend_change FROM ${behaviourTable}
     WHERE declined OR improved
     ORDER BY declined DESC, baseline_spend DESC, customer_id LIMIT ${BEHAVIOUR_EXAMPLES}`,
  );
  const crossTab = await sql.rows<{
    stage: string;
    segment: string;
    customers: number;
    revenue: number;
  }>(
    stageSegmentCrossTabSql({
      stageTable,
      rfmTable: t('rfm'),
      scheme: o.scheme,
    }),
  );
  for (const table of [
    source.rulesTable,
    source.daysTable,
    historyTable,
    historyPeriodsTable(historyTable),
    cohortTable,
    behaviourTable,
  ])
    sql.runNow(`DROP TABLE IF EXISTS ${table}`);

  const first = transitions[0];
  return {
    datasetId,
    asOf: o.asOf,
    options: { ...o.options, rules },
    usedPAlive: used,
    stages: stages.map((s) => ({ ...s, share: total > 0 ? s.customers / total : 0 })),
    history: history.map((h) => ({
      periodEnd: h.period_end,
      stage: h.stage,
      customers: h.customers,
      revenue: h.revenue,
    })),
    flows: {
      from,
      to,
      periodEndA: first?.period_end_a ?? from,
      periodEndB: first?.period_end_b ?? to,
      transitions: transitions.map((r) => ({
        from: r.from_stage,
        to: r.to_stage,
        customers: r.customers,
      })),
    },
    cohorts: cohorts.map((c) => ({
      cohortStart: c.cohort_start,
      k: c.period_index,
      cohortSize: c.cohort_size,
      customers: c.customers,
      share: c.share,
      revenue: c.revenue,
      cumulativeRevenuePerCustomer: c.cumulative_revenue_per_customer,
      complete: c.complete,
    })),
    cohortMean: mean.map((m) => ({
      k: m.period_index,
      share: m.share,
      cumulativeRevenuePerCustomer: m.cumulative_revenue_per_customer,
    })),
    risk: risk.map((r) => ({
      band: r.churn_risk,
      customers: r.customers,
      share: r.share,
      revenue: r.revenue,
      predictedValue: r.predicted_value,
    })),
    atRisk: atRisk.map((r) => ({
      customerId: r.customer_id,
      stage: r.stage,
      daysSinceLast: r.days_since_last,
      pAlive: r.p_alive,
      revenue: r.revenue,
      totalValue: r.total_value,
    })),
    behaviour: {
      ...counts,
      examples: examples.map((e) => ({
        customerId: e.customer_id,
        declined: e.declined,
        rateChange: e.rate_change,
        spendChange: e.spend_change,
      })),
    },
    crossTab,
  };
}

/**
 * The numbered customer days of the analysis on screen (customerDaysSql.ts), made unless they are
 * current. The value step asks for them while its models are fitted in their workers (the engine
 * is idle then); the lifecycle reads them, making them first when nobody did.
 */
async function customerDays(engine: Engine, datasetId: number): Promise<void> {
  const dataset = engine.analysed(datasetId);
  if (dataset.isCurrent('customerDays')) return;
  // Its own log: it may run inside the value step's window, and "Show SQL" of the lifecycle
  // lists it first.
  engine.sql.beginStep('customerDays');
  const ticket = dataset.starting(engine.sql, 'customerDays');
  const source = { txTable: dataset.table('tx'), paramsTable: dataset.table('params') };
  const idsTable = dataset.table('cids');
  await engine.sql.run(customerIdsSql({ ...source, outTable: idsTable }));
  await engine.sql.run(customerDaysSql({ ...source, idsTable, outTable: dataset.table('cdays') }));
  dataset.checkTicket('customerDays', ticket);
  dataset.completed('customerDays', dataset.asOf);
}

/** Lifecycle of the analysed dataset, with the value step's P(alive) when it is current. */
async function lifecycle(
  engine: Engine,
  datasetId: number,
  options: LifecycleOptions,
  scheme: SegmentScheme,
): Promise<LifecycleResult> {
  const dataset = engine.analysed(datasetId);
  await customerDays(engine, datasetId);
  // After the customer days, which log their statements under their own step.
  engine.sql.beginStep('lifecycle');
  dataset.starting(engine.sql, 'lifecycle');
  const result = await computeLifecycle(engine.sql, datasetId, {
    options,
    asOf: dataset.asOf,
    valueTable: dataset.tableIfCurrent('value', 'value'),
    scheme,
  });
  dataset.completed('lifecycle', dataset.asOf);
  return result;
}

/** The worker's API of this step (workers/api.ts). */
export const methods = { lifecycle, customerDays };
