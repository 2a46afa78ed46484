import type { Table } from 'apache-arrow';
import { clvSummarySql } from '../../src/analysis/clvSummarySql';
import { giniSql, lorenzCurveSql } from '../../src/analysis/lorenzSql';
import { tableName } from '../../src/analysis/sql';
import {
  applyChannelCacSql,
  cacTableSql,
  channelValueSql,
  customerAttributeSql,
  customerProfitSql,
  referralValueSql,
  type AttributeRef,
} from '../../src/analysis/valueAttributesSql';
import {
  referralColumnsSql,
  valueExtrasSql,
  valueFactsSql,
  valueGroupsSql,
  valueInputsSql,
  valueParamsSql,
  valueTableSql,
} from '../../src/analysis/valueSql';
import type { ProfiledColumn } from '../../src/ingest/profile';
import { EngineError } from '../../src/engine/errors';
import type {
  ChannelValue,
  ValueGroup,
  ValueGroupColumn,
  ValueInputs,
  ValueOptions,
  ValuePredictions,
  ValueResult,
  ValueFacts,
  ValueTables,
} from '../../src/engine/types';
import type { Engine } from '../engine';
import type { SqlRunner } from '../sqlRunner';

const GROUP_COLUMNS: readonly ValueGroupColumn[] = [
  'value_tier',
  'value_class',
  'value_quadrant',
  'behaviour',
  'referral_class',
];

/** What the value step reads about the dataset beyond its tables' names. */
export interface ValueDataset {
  /** The orders' columns (for the cost column's decimal separator and the bounds of refs). */
  columns: ProfiledColumn[];
  /** Columns of the joined customer list, or null without one. */
  listColumns: string[] | null;
}

/** Bounds on the analyst's settings; anything else is refused with the list of problems. */
export function validateValueOptions(o: ValueOptions, dataset: ValueDataset): string[] {
  const problems: string[] = [];
  const refOk = (ref: AttributeRef | null) =>
    ref === null ||
    (Number.isInteger(ref.column) &&
      ref.column >= 0 &&
      (ref.source === 'orders'
        ? ref.column < dataset.columns.length
        : ref.source === 'customers' && ref.column < (dataset.listColumns?.length ?? 0)));
  if (!refOk(o.channel)) problems.push('channel');
  if (!refOk(o.referrer)) problems.push('referrer');
  if (o.costColumn !== null && !refOk({ source: 'orders', column: o.costColumn }))
    problems.push('costColumn');
  if (o.marginColumn !== null && !refOk({ source: 'orders', column: o.marginColumn }))
    problems.push('marginColumn');
  if (o.costColumn !== null && o.marginColumn !== null) problems.push('costAndMargin');
  if (!refOk(o.cacColumn)) problems.push('cacColumn');
  if (
    !Array.isArray(o.cac) ||
    o.cac.length > 1000 ||
    o.cac.some((c) => typeof c.channel !== 'string' || !(Number.isFinite(c.cac) && c.cac >= 0))
  )
    problems.push('cac');
  const between = (v: number, lo: number, hi: number) => Number.isFinite(v) && v >= lo && v <= hi;
  if (o.unit !== 'days' && o.unit !== 'weeks') problems.push('unit');
  if (!Number.isInteger(o.horizonMonths) || !between(o.horizonMonths, 1, 120))
    problems.push('horizonMonths');
  if (!between(o.monthlyDiscountRate, 0, 0.5)) problems.push('monthlyDiscountRate');
  if (!between(o.margin, 0, 1) || o.margin === 0) problems.push('margin');
  if (!Number.isInteger(o.windowDays) || !between(o.windowDays, 1, 3650))
    problems.push('windowDays');
  if (!between(o.tiers.high, 0.01, 0.99) || !between(o.tiers.mid, 0, 0.99)) problems.push('tiers');
  else if (o.tiers.high + o.tiers.mid > 1) problems.push('tiers');
  if (!['auto', 'bgnbd', 'paretonbd'].includes(o.purchaseModel)) problems.push('purchaseModel');
  return problems;
}

function column(table: Table, name: string): Float64Array {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`missing column ${name}`);
  return Float64Array.from(vector.toArray() as ArrayLike<number>, Number);
}

/**
 * The value step's first part: the models' summary per customer in SQL (`clvsum_<id>`, with
 * profit, channel and referral extras in `vextra_<id>`), handed out as typed columns for the
 * compute worker. The fits run there while `facts` makes `vinputs_<id>` and the figures that need
 * no prediction; `finish` writes what they predicted back. The ticket ties the parts to one run:
 * a newer analysis or value run in between makes `facts` and `finish` refuse.
 */
async function inputs(
  engine: Engine,
  datasetId: number,
  options: ValueOptions,
): Promise<ValueInputs> {
  const dataset = engine.analysed(datasetId);
  const { sql } = engine;
  sql.beginStep('value');
  const problems = validateValueOptions(options, {
    columns: dataset.columns,
    listColumns: dataset.attributes?.columns ?? null,
  });
  if (problems.length > 0) throw new EngineError('invalid_value_options', { problems });
  const ticket = dataset.starting(sql, 'value');
  const t = (p: Parameters<typeof tableName>[0]) => dataset.table(p);
  const [tx, raw, rfm, params, summary, vparams, extras] = [
    t('tx'),
    t('raw'),
    t('rfm'),
    t('params'),
    t('clvsum'),
    t('vparams'),
    t('vextra'),
  ];
  const attribute = (ref: AttributeRef | null, asCustomerId: boolean) =>
    ref === null
      ? null
      : customerAttributeSql({
          ref,
          txTable: tx,
          rawTable: raw,
          attrsTable: dataset.attributes ? t('attrs') : null,
          asCustomerId,
        });
  const profitColumn =
    options.costColumn !== null
      ? { column: options.costColumn, kind: 'cost' as const }
      : options.marginColumn !== null
        ? { column: options.marginColumn, kind: 'margin' as const }
        : null;
  await sql.run(
    valueExtrasSql({
      rfmTable: rfm,
      channelSql: attribute(options.channel, false),
      referrerSql: attribute(options.referrer, true),
      profitSql:
        profitColumn === null
          ? null
          : customerProfitSql({
              txTable: tx,
              rawTable: raw,
              paramsTable: params,
              ...profitColumn,
              decimal: dataset.columns[profitColumn.column]?.decimal ?? '.',
            }),
      cacSql: attribute(options.cacColumn, false),
      outTable: extras,
    }),
  );
  // With row costs, predictions use the margin the data show; else the analyst's setting.
  let margin: ValueResult['margin'] = {
    value: options.margin,
    source: 'setting',
    rowsWithoutCost: 0,
  };
  if (profitColumn !== null) {
    const m = await sql.row<{
      profit: number | null;
      revenue: number | null;
      missing: number | null;
    }>(
      `SELECT sum(e.profit) AS profit, sum(r.monetary) AS revenue, sum(e.rows_without_cost) AS missing
       FROM ${extras} e JOIN ${rfm} r USING (customer_id)`,
    );
    const ratio = m.revenue && m.revenue > 0 && m.profit !== null ? m.profit / m.revenue : 1;
    margin = {
      value: Math.min(1, Math.max(0.001, ratio)),
      source: 'cost',
      rowsWithoutCost: m.missing ?? 0,
    };
  }
  sql.runWithParams(valueParamsSql(vparams), [
    options.windowDays,
    options.tiers.high,
    options.tiers.mid,
    margin.value,
  ]);
  await sql.run(clvSummarySql({ txTable: tx, paramsTable: params, outTable: summary }));
  // What the fits need, in the order of `vinputs_<id>`'s k (customer id; every customer with a
  // purchase is scored and has extras): vinputs itself is made by `facts`, while the models fit.
  const data = await sql.table(
    `SELECT CAST(s.x AS DOUBLE) AS x, CAST(s.tx AS DOUBLE) AS tx, CAST(s.T AS DOUBLE) AS T,
       CAST(s.monetary AS DOUBLE) AS repeat_spend, r.avg_order_value
     FROM ${summary} s JOIN ${rfm} r USING (customer_id) ORDER BY customer_id`,
  );
  return {
    ticket,
    asOf: dataset.asOf,
    margin,
    summary: {
      x: column(data, 'x'),
      tx: column(data, 'tx'),
      T: column(data, 'T'),
      monetary: column(data, 'repeat_spend'),
    },
    orderValue: column(data, 'avg_order_value'),
  };
}

/**
 * The value step's last part: the predictions of the compute worker into `value_<id>` with tiers,
 * classes and referral value, then the totals, groups, channels, Lorenz curve and facts.
 */
async function finish(
  engine: Engine,
  datasetId: number,
  ticket: number,
  options: ValueOptions,
  predictions: ValuePredictions,
): Promise<ValueTables> {
  const dataset = engine.analysed(datasetId);
  dataset.checkTicket('value', ticket);
  const { sql } = engine;
  sql.beginStep('value', true);
  const t = (p: Parameters<typeof tableName>[0]) => dataset.table(p);
  const [vparams, inputsTable, predictionsTable, value, cac] = [
    t('vparams'),
    t('vinputs'),
    t('vpred'),
    t('value'),
    t('vcac'),
  ];
  const n = predictions.predictedValue.length;
  sql.insertColumns(predictionsTable, {
    k: Int32Array.from({ length: n }, (_, i) => i),
    p_alive: predictions.pAlive ?? new Float64Array(n).fill(NaN),
    expected_purchases: predictions.expectedPurchases,
    expected_spend: predictions.expectedSpend,
    predicted_value: predictions.predictedValue,
  });
  const unreferred = `${value}_base`;
  await sql.run(
    valueTableSql({
      inputsTable,
      predictionsTable,
      valueParamsTable: vparams,
      outTable: unreferred,
    }),
  );
  sql.runNow(`DROP TABLE IF EXISTS ${predictionsTable}`);
  await sql.run(
    referralColumnsSql({
      valueTable: unreferred,
      referralSql: options.referrer ? referralValueSql(unreferred) : null,
      outTable: value,
    }),
  );
  sql.runNow(`DROP TABLE IF EXISTS ${unreferred}`);
  let channels: ChannelValue[] | null = null;
  if (options.channel) {
    sql.runWithParams(
      cacTableSql(cac, options.cac.length),
      options.cac.flatMap((c) => [c.channel, c.cac]),
    );
    await sql.run(applyChannelCacSql(value, cac));
    channels = (
      await sql.rows<{
        channel: string | null;
        customers: number;
        mean_historical: number;
        mean_predicted: number | null;
        mean_total: number;
        cac: number | null;
        clv_to_cac: number | null;
      }>(channelValueSql({ valueTable: value, cacTable: cac }))
    ).map((r) => ({
      channel: r.channel,
      customers: r.customers,
      meanHistorical: r.mean_historical,
      meanPredicted: r.mean_predicted,
      meanTotal: r.mean_total,
      cac: r.cac,
      clvToCac: r.clv_to_cac,
    }));
    sql.runNow(`DROP TABLE IF EXISTS ${cac}`);
  }
  const groups = {} as Record<ValueGroupColumn, ValueGroup[]>;
  for (const c of GROUP_COLUMNS)
    groups[c] = c === 'referral_class' && !options.referrer ? [] : await valueGroups(sql, value, c);
  const totals = await sql.row<ValueResult['totals']>(
    `SELECT sum(historical_value) AS historical, sum(current_value) AS current,
       sum(predicted_value) AS predicted, sum(total_value) AS total FROM ${value}`,
  );
  dataset.completed('value', dataset.asOf);
  return { totals, groups, channels };
}

/**
 * While the compute worker fits the models (the engine is free then): the customer-level inputs
 * (`vinputs_<id>`: historical and current value, the summary, channel and referrer), and the value
 * step's figures that need no prediction — the Pareto curve and Gini coefficient of historical
 * value, the top share, repeat and retention rates — from them.
 */
async function facts(
  engine: Engine,
  datasetId: number,
  ticket: number,
  options: ValueOptions,
): Promise<ValueFacts> {
  const dataset = engine.analysed(datasetId);
  dataset.checkTicket('value', ticket);
  const { sql } = engine;
  sql.beginStep('value', true);
  const t = (p: Parameters<typeof tableName>[0]) => dataset.table(p);
  const inputsTable = t('vinputs');
  await sql.run(
    valueInputsSql({
      txTable: t('tx'),
      rfmTable: t('rfm'),
      summaryTable: t('clvsum'),
      paramsTable: t('params'),
      valueParamsTable: t('vparams'),
      extrasTable: t('vextra'),
      outTable: inputsTable,
    }),
  );
  const lorenz = await sql.rows<{ pct: number; value_share: number | null }>(
    lorenzCurveSql(inputsTable, 'historical_value'),
  );
  const { gini } = await sql.row<{ gini: number | null }>(giniSql(inputsTable, 'historical_value'));
  const [f] = sql.rowsWithParams<{
    top_share_revenue: number | null;
    repeat_rate: number;
    retention_rate: number | null;
    retention_base: number;
  }>(
    valueFactsSql({
      valueTable: inputsTable,
      txTable: dataset.table('tx'),
      paramsTable: dataset.table('params'),
      valueParamsTable: dataset.table('vparams'),
    }),
    [options.tiers.high],
  );
  return {
    lorenz: lorenz.map((p) => ({ pct: p.pct, share: p.value_share })),
    gini,
    facts: {
      topShare: options.tiers.high,
      topShareRevenue: f?.top_share_revenue ?? null,
      repeatRate: f?.repeat_rate ?? 0,
      retentionRate: f?.retention_rate ?? null,
      retentionBase: f?.retention_base ?? 0,
    },
  };
}

async function valueGroups(
  sql: SqlRunner,
  valueTable: string,
  groupColumn: ValueGroupColumn,
): Promise<ValueGroup[]> {
  type Raw = {
    grp: string;
    customers: number;
    customer_share: number;
    historical_value: number;
    current_value: number;
    predicted_value: number;
    total_value: number;
    value_share: number | null;
    mean_p_alive: number | null;
  };
  const rows = await sql.rows<Raw>(valueGroupsSql(valueTable, groupColumn));
  return rows.map((r) => ({
    group: r.grp,
    customers: r.customers,
    customerShare: r.customer_share,
    historicalValue: r.historical_value,
    currentValue: r.current_value,
    predictedValue: r.predicted_value,
    totalValue: r.total_value,
    valueShare: r.value_share,
    meanPAlive: r.mean_p_alive,
  }));
}

/** The worker's API of this step (workers/api.ts). */
export const methods = { inputs, facts, finish };
