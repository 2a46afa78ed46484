/**
 * Typing and analysis: the raw text typed with the analyst's mapping and policy (`tx_<id>`, kept
 * while only the as-of date changes), then per-customer totals, RFM scores and segments at the
 * as-of date, the summary, the data-quality report, and the segment view (table and grid).
 */
import { buildCustomerTotalsSql } from '../../src/analysis/customerTotals';
import { FIELDS, missingFields, type ColumnMapping } from '../../src/analysis/mapping';
import {
  DEFAULT_POLICY,
  nonProductRows,
  samePolicy,
  validatePolicy,
  type IngestPolicy,
} from '../../src/analysis/policy';
import {
  asOfQualitySql,
  QUALITY_RULES,
  RULE_EFFECT,
  rowsReadSql,
  typedQualitySql,
  type QualityRuleKey,
} from '../../src/analysis/quality';
import { rfmGridSql, segmentSummarySql, summarySql } from '../../src/analysis/reports';
import { buildRfmSql } from '../../src/analysis/rfm';
import { segmentKeysOf, type SegmentKey, type SegmentScheme } from '../../src/analysis/segments';
import { isIsoDate, paramsTableSql } from '../../src/analysis/sql';
import {
  buildTransactionsSql,
  cancellationCheckSql,
  defaultAsOfSql,
  policyTablesSql,
} from '../../src/analysis/transactions';
import { EngineError } from '../../src/engine/errors';
import type {
  AnalysisOptions,
  AnalysisResult,
  GridCell,
  QualityRule,
  SegmentRow,
  SegmentView,
  Summary,
} from '../../src/engine/types';
import { DATE_FAMILIES, type DateFamily } from '../../src/ingest/dateFormats';
import { typedReadServes } from '../../src/ingest/typedRead';
import type { Dataset, TypedRows } from '../dataset';
import type { Engine } from '../engine';
import { readAsText, type StageListener } from './ingest';

async function analyse(
  engine: Engine,
  datasetId: number,
  mapping: ColumnMapping,
  options: AnalysisOptions,
  onStage: StageListener = () => {},
): Promise<AnalysisResult> {
  const { sql } = engine;
  sql.beginStep('analysis');
  const dataset = engine.dataset(datasetId);
  checkMapping(dataset, mapping);
  const dateFamily = readDatesAs(dataset, mapping, options.dateFamily ?? null);
  // The policy crosses the worker boundary: take only a well-formed one, tidied.
  const { policy, problems } = validatePolicy(options.policy ?? DEFAULT_POLICY);
  if (problems.length > 0) throw new EngineError('invalid_policy', { problems });
  const [tx, totals, rfm, params] = (['tx', 'totals', 'rfm', 'params'] as const).map((p) =>
    dataset.table(p),
  ) as [string, string, string, string];
  const typed = await typedRows(engine, dataset, mapping, policy, onStage);
  const { lastDayPlusOne } = typed;
  if (lastDayPlusOne === null) {
    throw new EngineError('no_valid_rows', {
      reasons: typed.rules
        .filter((r) => r.effect === 'excluded')
        .map((r) => `${r.rule}:${r.rows}`)
        .sort(),
    });
  }
  const asOf = options.asOf ?? lastDayPlusOne;
  if (!isIsoDate(asOf)) throw new EngineError('invalid_as_of', { asOf });
  dataset.starting(sql, 'analysis');
  sql.runWithParams(paramsTableSql(params), [asOf]);
  onStage('scoring');
  await sql.run(
    buildCustomerTotalsSql({
      txTable: tx,
      outTable: totals,
      paramsTable: params,
      hasOrderId: mapping.orderId !== null,
    }),
  );
  await sql.run(buildRfmSql({ totalsTable: totals, outTable: rfm, paramsTable: params }));
  onStage('summarising');
  const summary = await summaryOf(engine, tx, totals, rfm, params);
  if (summary.customers === 0) {
    // Rows before the as-of date, none a purchase: refunds or zero amounts only, whatever the date.
    const before = summary.rowsValid - summary.rowsAfterAsOf;
    if (before > 0)
      throw new EngineError('no_purchases', { rows: before, refunds: summary.refundRows });
    throw new EngineError('no_customers', { asOf });
  }
  const afterAsOf = await qualityRules(
    engine,
    asOfQualitySql({
      txTable: tx,
      rawTable: dataset.typedRead?.table ?? dataset.table('raw'),
      typed: dataset.typedRead?.plan,
      rejectsTable: dataset.table('rejects'),
      paramsTable: params,
      mapping,
    }),
  );
  const order = (r: QualityRule) => QUALITY_RULES.indexOf(r.rule);
  const quality = {
    rowsRead: typed.rowsRead,
    rules: [...typed.rules, ...afterAsOf].sort((a, b) => order(a) - order(b)),
    policy,
  };
  dataset.completed('analysis', asOf);
  const view = await segmentView(engine, datasetId, options.scheme);
  return {
    datasetId,
    asOf,
    defaultAsOf: lastDayPlusOne,
    mapping,
    dateFamily,
    summary,
    quality,
    ...view,
  };
}

/**
 * `tx_<id>` for this mapping and policy: typed now, or kept from the last analysis when both are
 * the same (an analysis under another as-of date reuses it).
 */
async function typedRows(
  engine: Engine,
  dataset: Dataset,
  mapping: ColumnMapping,
  policy: IngestPolicy,
  onStage: StageListener,
): Promise<TypedRows> {
  const kept = dataset.typed;
  if (
    kept &&
    dataset.isCurrent('typing') &&
    FIELDS.every((f) => kept.mapping[f] === mapping[f]) &&
    samePolicy(kept.policy, policy)
  )
    return kept;
  const { sql } = engine;
  dataset.typed = null;
  dataset.starting(sql, 'typing');
  const tx = dataset.table('tx');
  const raw = dataset.table('raw');
  // Lives only while typing and its report run: everything later reads tx.
  const policyTable = `${dataset.table('params')}_policy`;
  const dateColumn = dataset.columns[mapping.orderDate ?? -1];
  const amountColumn = dataset.columns[mapping.amount ?? mapping.unitPrice ?? -1];
  const decimal = amountColumn?.decimal ?? '.';
  onStage('typing');
  try {
    const codes = nonProductRows(policy.nonProductCodes);
    for (const { sql: statement, params } of policyTablesSql(
      policyTable,
      policy.cancelledOrderPrefix,
      codes,
    ))
      sql.runWithParams(statement, params);
    if (mapping.orderId !== null && policy.cancelledOrderPrefix !== '') {
      await sql.run(cancellationCheckSql(raw, mapping, decimal, policyTable));
    }
    if (dataset.typedRead && !typedReadServes(dataset.typedRead.plan, mapping, decimal))
      await readAsText(engine, dataset, dataset.typedRead);
    await sql.run(
      buildTransactionsSql({
        rawTable: dataset.typedRead?.table ?? raw,
        typed: dataset.typedRead?.plan ?? [],
        outTable: tx,
        mapping,
        dateFamily: dateColumn?.dateFamily ?? 'ymd',
        decimal,
        columnCount: dataset.columns.length,
        policy,
        policyTable,
      }),
    );
    const rejectsTable = dataset.table('rejects');
    const rules = await qualityRules(
      engine,
      typedQualitySql({
        txTable: tx,
        rawTable: dataset.typedRead?.table ?? raw,
        typed: dataset.typedRead?.plan,
        rejectsTable,
        policyTable,
        mapping,
      }),
    );
    const { rows_read } = await sql.row<{ rows_read: number }>(rowsReadSql(tx, rejectsTable));
    const { as_of } = await sql.row<{ as_of: string | null }>(defaultAsOfSql(tx));
    dataset.typed = {
      mapping: { ...mapping },
      policy,
      rules,
      rowsRead: rows_read,
      lastDayPlusOne: as_of,
    };
    dataset.completed('typing');
    return dataset.typed;
  } finally {
    sql.runNow(`DROP TABLE IF EXISTS ${policyTable}`);
    sql.runNow(`DROP TABLE IF EXISTS ${policyTable}_codes`);
  }
}

/** Segments and grid of an analysed dataset under another scheme, without re-scoring. */
async function segmentView(
  engine: Engine,
  datasetId: number,
  scheme: SegmentScheme,
): Promise<SegmentView> {
  const rfm = engine.analysed(datasetId).rfm;
  type Raw = {
    segment: SegmentKey;
    customers: number;
    customer_share: number;
    revenue: number;
    revenue_share: number | null;
    mean_r: number;
    mean_f: number;
    mean_m: number;
    mean_recency_days: number;
    mean_frequency: number;
    mean_monetary: number;
  };
  const found = new Map(
    (await engine.sql.rows<Raw>(segmentSummarySql(rfm, scheme))).map((r) => [r.segment, r]),
  );
  const segments: SegmentRow[] = segmentKeysOf(scheme).map((segment) => {
    const r = found.get(segment);
    return {
      segment,
      customers: r?.customers ?? 0,
      customerShare: r?.customer_share ?? 0,
      revenue: r?.revenue ?? 0,
      revenueShare: r?.revenue_share ?? 0,
      meanR: r?.mean_r ?? null,
      meanF: r?.mean_f ?? null,
      meanM: r?.mean_m ?? null,
      meanRecencyDays: r?.mean_recency_days ?? null,
      meanFrequency: r?.mean_frequency ?? null,
      meanMonetary: r?.mean_monetary ?? null,
    };
  });
  type RawCell = {
    r_score: number;
    fm_score: number;
    customers: number;
    revenue: number;
    segment: SegmentKey;
  };
  const cells = await engine.sql.rows<RawCell>(rfmGridSql(rfm, scheme));
  const grid: GridCell[] = [];
  for (let r = 1; r <= 5; r++) {
    for (let fm = 1; fm <= 5; fm++) {
      const c = cells.find((x) => x.r_score === r && x.fm_score === fm);
      grid.push({
        r,
        fm,
        customers: c?.customers ?? 0,
        revenue: c?.revenue ?? 0,
        segment: c?.segment ?? null,
      });
    }
  }
  return { scheme, segments, grid };
}

/**
 * The analyst's reading of the date column replaces the profiled one (and the typed rows made
 * with it); returns the reading in force.
 */
function readDatesAs(dataset: Dataset, mapping: ColumnMapping, chosen: DateFamily | null) {
  const index = mapping.orderDate ?? -1;
  const column = dataset.columns[index];
  if (!column) return 'ymd';
  if (chosen === null || chosen === column.dateFamily) return column.dateFamily;
  if (!DATE_FAMILIES.includes(chosen))
    throw new EngineError('mapping_incomplete', { missing: ['orderDate'] });
  dataset.columns[index] = { ...column, dateFamily: chosen };
  dataset.typed = null;
  return chosen;
}

function checkMapping(dataset: Dataset, mapping: ColumnMapping): void {
  const missing = missingFields(mapping);
  if (missing.length > 0) throw new EngineError('mapping_incomplete', { missing });
  for (const field of FIELDS) {
    const index = mapping[field];
    if (
      index !== null &&
      (!Number.isInteger(index) || index < 0 || index >= dataset.columns.length)
    )
      throw new EngineError('mapping_incomplete', { missing: [field] });
  }
}

async function summaryOf(
  engine: Engine,
  tx: string,
  totals: string,
  rfm: string,
  params: string,
): Promise<Summary> {
  type Raw = {
    rows_read: number;
    rows_valid: number;
    rows_after_as_of: number;
    refund_rows: number;
    customers_seen: number;
    first_day: string | null;
    last_day: string | null;
    customers: number;
    orders: number;
    revenue: number;
  };
  const s = await engine.sql.row<Raw>(summarySql(tx, totals, rfm, params));
  return {
    rowsRead: s.rows_read,
    rowsValid: s.rows_valid,
    rowsAfterAsOf: s.rows_after_as_of,
    refundRows: s.refund_rows,
    customersWithoutPurchase: s.customers_seen - s.customers,
    customers: s.customers,
    orders: s.orders,
    revenue: s.revenue,
    firstDay: s.first_day,
    lastDay: s.last_day,
  };
}

/** A quality report query's rows (one per sample) as rules with their samples. */
async function qualityRules(engine: Engine, statement: string): Promise<QualityRule[]> {
  type Raw = {
    rule: QualityRuleKey;
    rows: number;
    share: number;
    amount: number | null;
    customers: number | null;
    source_row: number;
    customer_text: string | null;
    date_text: string | null;
    amount_text: string | null;
    order_text: string | null;
    product_text: string | null;
    raw_line: string | null;
  };
  const byRule = new Map<QualityRuleKey, QualityRule>();
  for (const r of await engine.sql.rows<Raw>(statement)) {
    let rule = byRule.get(r.rule);
    if (!rule) {
      rule = {
        rule: r.rule,
        effect: RULE_EFFECT[r.rule],
        rows: r.rows,
        share: r.share,
        amount: r.amount,
        customers: r.customers,
        samples: [],
      };
      byRule.set(r.rule, rule);
    }
    rule.samples.push({
      sourceRow: r.source_row,
      customerText: r.customer_text,
      dateText: r.date_text,
      amountText: r.amount_text,
      orderText: r.order_text,
      productText: r.product_text,
      rawLine: r.raw_line,
    });
  }
  return [...byRule.values()];
}

/** The worker's API of this step (workers/api.ts). */
export const methods = { analyse, segmentView };
