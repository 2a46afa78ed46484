/**
 * "Export pipeline": one .sql file that recreates the analysis on screen in the native DuckDB CLI,
 * for data that outgrows a browser tab. Pure: settings in, SQL text out. It calls the very SQL
 * builders the engine runs (src/analysis/*), with readable table names instead of `tx_3`, and the
 * analysis settings written as literals where the engine binds `?` parameters. Those settings are
 * the analyst's own, written into the analyst's own file; they are still escaped as SQL literals
 * (`sqlLiteral`), and the file's data is only ever read by `read_csv`, never written into the text.
 */
import {
  buildTransactionsSql,
  cancellationCheckSql,
  policyTablesSql,
} from '../analysis/transactions';
import { buildCustomerTotalsSql } from '../analysis/customerTotals';
import { buildRfmSql } from '../analysis/rfm';
import { clvSummarySql } from '../analysis/clvSummarySql';
import { lifecycleRulesTableSql, stageAtAsOfSql } from '../analysis/lifecycleSql';
import { lifecycleRulesParams, type LifecycleRules } from '../analysis/lifecycleRules';
import type { ColumnMapping } from '../analysis/mapping';
import { nonProductRows, type IngestPolicy } from '../analysis/policy';
import type { SegmentScheme } from '../analysis/segments';
import { isIsoDate, paramsTableSql } from '../analysis/sql';
import {
  customerAttributeSql,
  customerProfitSql,
  type AttributeRef,
} from '../analysis/valueAttributesSql';
import {
  referralColumnsSql,
  valueExtrasSql,
  valueInputsSql,
  valueParamsSql,
  valueTableSql,
} from '../analysis/valueSql';
import { loadCsvSql } from '../ingest/csv';
import type { DecimalSeparator } from '../ingest/amounts';
import type { DateFamily } from '../ingest/dateFormats';
import type { FitReport } from '../models/customerValue';
import type { ValueOptions } from '../engine/types';
import type { ValueMethod } from '../models/customerValue';

/** What the analysis on screen was computed from, as the pipeline needs it. */
export interface PipelineSpec {
  /** The file's name: the default of the source path the analyst edits at the top. */
  sourceName: string;
  /** The detected text encoding (e.g. 'UTF-8', 'GB18030'), null when not a text file. */
  encoding: string | null;
  /** 'csv' for delimited text; anything else was converted to text in the browser. */
  format: string;
  /** The orders file's column names, for the comments only. */
  columns: readonly string[];
  mapping: ColumnMapping;
  dateFamily: DateFamily;
  decimal: DecimalSeparator;
  policy: IngestPolicy;
  /** 'YYYY-MM-DD', exclusive. */
  asOf: string;
  scheme: SegmentScheme;
  /** The value step as computed: its settings and what was fitted; null when not computed. */
  value: PipelineValue | null;
  /** The lifecycle rules in force; null when lifecycle stages were not computed. */
  lifecycle: LifecycleRules | null;
}

export interface PipelineValue {
  options: ValueOptions;
  method: ValueMethod;
  purchaseModel: 'bgnbd' | 'paretonbd' | 'nbd' | null;
  spendModel: boolean;
  fits: readonly FitReport[];
  /** The margin used (the setting, or the one the cost column gave). */
  margin: number;
}

/** Readable names for the tables the engine numbers per dataset. */
export const PIPELINE_TABLES = {
  raw: 'raw_orders',
  rejects: 'raw_orders_rejects',
  policy: 'policy',
  tx: 'transactions',
  params: 'analysis_params',
  totals: 'customer_totals',
  rfm: 'customer_rfm',
  vparams: 'value_params',
  summary: 'clv_summary',
  extras: 'value_extras',
  inputs: 'value_inputs',
  predictions: 'value_predictions',
  valueBase: 'customer_value_base',
  value: 'customer_value',
  rules: 'lifecycle_rules',
  stages: 'lifecycle_stages',
  results: 'customer_results',
} as const;

/** A value as a SQL literal: strings quoted with `'` doubled, finite numbers, booleans, NULL. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
    // String(n) round-trips a double exactly; DuckDB reads 1e-7 and -0.5 as DOUBLE.
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new Error('A SQL literal cannot hold a NUL character');
    return `'${value.replaceAll("'", "''")}'`;
  }
  throw new Error(`No SQL literal for ${typeof value}`);
}

/**
 * The statement with each `?` placeholder replaced by its value as a literal. Placeholders inside
 * quoted strings, quoted identifiers and comments are not placeholders and are left alone.
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '?') {
      if (next >= params.length) throw new Error('More placeholders than parameters');
      out += sqlLiteral(params[next++]);
    } else {
      out += ch;
    }
  }
  if (next !== params.length) throw new Error('More parameters than placeholders');
  return out;
}

function closingQuote(sql: string, from: number, quote: string): number {
  let i = from + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i;
    } else i++;
  }
  throw new Error('Unterminated quoted text in SQL');
}

/** Text for a `--` comment: one line, no control or line-separator characters. */
export function commentText(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}

/** The source path the analyst edits at the top, read back wherever a file name is needed. */
const SOURCE = "getvariable('source')";

/** Encodings native read_csv decodes itself; others are converted first (see the file's notes). */
function readCsvEncoding(encoding: string | null): string | null {
  const e = (encoding ?? 'utf-8').toLowerCase().replace(/[^a-z0-9]/g, '');
  if (e === 'utf8' || e === 'ascii') return null;
  if (e === 'utf16le' || e === 'utf16be' || e === 'utf16') return 'utf-16';
  if (e === 'latin1' || e === 'iso88591' || e === 'windows1252') return 'latin-1';
  return 'convert';
}

/** Days in one model period (weeks: 7). */
const daysPerUnit = (unit: ValueOptions['unit']) => (unit === 'weeks' ? 7 : 1);

/**
 * The per-customer predictions in SQL, from the fitted parameters (embedded as constants): the
 * same formulas as src/models (clv.ts, bgnbd.ts, gammaGamma.ts), computed once per distinct
 * history (x, tₓ, T) as the app does.
 */
function predictionsSql(v: PipelineValue, notes: string[]): string {
  const o = v.options;
  const t = PIPELINE_TABLES;
  const dpu = daysPerUnit(o.unit);
  const step = 365.25 / 12 / dpu;
  const months = o.horizonMonths;
  const d = o.monthlyDiscountRate;
  const margin = v.margin;
  const lit = sqlLiteral;
  const fit = (model: FitReport['model']) => v.fits.find((f) => f.model === model) ?? null;
  let purchase = v.method === 'model' ? v.purchaseModel : null;
  const bg = fit('bgnbd');
  if (purchase === 'paretonbd') {
    notes.push(
      'The app used the Pareto/NBD model, whose P(alive) needs a hypergeometric function SQL',
      'lacks; this file uses the BG/NBD fit the app made beside it, so predicted values, tiers and',
      'P(alive)-based stages can differ. Choose BG/NBD in Value settings for identical results.',
    );
    purchase = bg ? 'bgnbd' : null;
  }
  if (v.method === 'none') {
    return `CREATE OR REPLACE TABLE ${t.predictions} AS
-- No prediction: the app found too short a history to predict (customerValue.ts, 'none').
SELECT k, CAST(NULL AS DOUBLE) AS p_alive, CAST(NULL AS DOUBLE) AS expected_purchases,
  CAST(NULL AS DOUBLE) AS expected_spend, CAST(NULL AS DOUBLE) AS predicted_value
FROM ${t.inputs}`;
  }
  if (purchase === null) {
    // clv.ts heuristicClv: the lifetime is the whole horizon (whole months).
    let annuity = 0;
    for (let k = 1; k <= Math.floor(months); k++) annuity += 1 / Math.pow(1 + d, k);
    return `CREATE OR REPLACE TABLE ${t.predictions} AS
-- Heuristic value (no purchase model could be fitted in the app): the customer's average order
-- value × past purchase rate × margin over the horizon, discounted monthly; assumes nobody stops
-- buying.
SELECT k, CAST(NULL AS DOUBLE) AS p_alive,
  ((x + 1) / greatest(T / ${lit(dpu)}, ${lit(step)})) * ${lit((months * 365.25) / 12 / dpu)} AS expected_purchases,
  avg_order_value AS expected_spend,
  avg_order_value * ((x + 1) / greatest(T / ${lit(dpu)}, ${lit(step)}))
    * ${lit(step)} * ${lit(margin)} * ${lit(annuity)} AS predicted_value
FROM ${t.inputs}`;
  }
  const gg = v.spendModel ? fit('gammagamma') : null;
  const g = gg?.params as { p: number; q: number; gamma: number } | undefined;
  const spend = g
    ? `CASE WHEN i.x > 0 THEN ${lit(g.p)} * (${lit(g.gamma)} + i.x * i.repeat_spend) / (${lit(g.p)} * i.x + ${lit(g.q)} - 1) ELSE i.avg_order_value END`
    : 'i.avg_order_value';
  const spendNote = g
    ? `-- Gamma-Gamma spend model, fitted in the app: p = ${g.p}, q = ${g.q}, gamma = ${g.gamma}\n`
    : "-- Expected spend: each customer's mean order value (no Gamma-Gamma model was used).\n";
  const nbd = purchase === 'nbd' ? fit('nbd') : null;
  if (nbd) {
    // src/models/nbd.ts: nobody leaves; each month adds (r + x)/(α + T) · one month of purchases.
    const q = nbd.params as { r: number; alpha: number };
    let annuity = 0;
    for (let k = 1; k <= months; k++) annuity += 1 / Math.pow(1 + d, k);
    const rate = `(${lit(q.r)} + i.x) / (${lit(q.alpha)} + i.T / ${lit(dpu)})`;
    return `-- NBD (no dropout: customers in these data hardly stop buying), fitted in the app:
--   r = ${q.r}, alpha = ${q.alpha}   (time unit: ${o.unit})
${spendNote}CREATE OR REPLACE TABLE ${t.predictions} AS
SELECT i.k, CAST(1 AS DOUBLE) AS p_alive,
  ${rate} * ${lit((months * 365.25) / 12 / dpu)} AS expected_purchases,
  ${spend} AS expected_spend,
  ${rate} * ${lit(step)} * ${lit(annuity)} * (${spend}) * ${lit(margin)} AS predicted_value
FROM ${t.inputs} i`;
  }
  const p = (bg as FitReport).params as { r: number; alpha: number; a: number; b: number };
  if (Math.abs(p.a - 1) < 1e-4) {
    notes.push('BG/NBD a is within 1e-4 of 1: the app interpolates there; values may differ.');
  }
  const discount = Array.from({ length: months }, (_, i) => Math.pow(1 + d, i + 1));
  return `-- 2F1(a, b; c; z) for 0 < z < 1 and positive a, b, c: the Gauss series, summed until its
-- terms fall below 1e-19 of the first (terms grow until about (a + b)·z/(1 − z), then shrink by z).
CREATE OR REPLACE MACRO vm_hyp2f1(a, b, c, z) AS list_sum(list_transform(
  range(0, CAST(least(2000000, ceil((a + b) * z / (1 - z) + 44 / (1 - z)) + 10) AS BIGINT)),
  j -> exp(lgamma(a + j) - lgamma(a) + lgamma(b + j) - lgamma(b) - lgamma(c + j) + lgamma(c)
    - lgamma(j + 1) + j * ln(z))));
-- BG/NBD (Fader, Hardie & Lee 2005), fitted in the app on this data's per-customer summary:
--   r = ${p.r}, alpha = ${p.alpha}, a = ${p.a}, b = ${p.b}   (time unit: ${o.unit})
${spendNote}CREATE OR REPLACE TABLE ${t.predictions} AS
WITH params AS (
  SELECT ${lit(p.r)} AS r, ${lit(p.alpha)} AS alpha, ${lit(p.a)} AS a, ${lit(p.b)} AS b
),
histories AS (
  SELECT DISTINCT x, tx / ${lit(dpu)} AS tx, T / ${lit(dpu)} AS T FROM ${t.inputs}
),
odds AS (
  SELECT h.*, CASE WHEN x > 0 THEN ln(a) - ln(b + x - 1) + (r + x) * (ln(alpha + h.T) - ln(alpha + h.tx)) END AS lo
  FROM histories h, params
),
alive AS (
  SELECT x, tx, T, CASE WHEN lo IS NULL THEN 1 WHEN lo > 0 THEN exp(-lo) / (1 + exp(-lo))
    ELSE 1 / (1 + exp(lo)) END AS p_alive
  FROM odds
),
-- E[Y(t) | x, tₓ, T] (FHL 2005 eq. 10) at the end of every month k of the horizon (t = k months),
-- and at the horizon itself (k = -1).
expected AS (
  SELECT alive.*, m.k,
    CASE WHEN m.t <= 0 THEN 0 ELSE (a + b + x - 1) / (a - 1)
      * (1 - exp((r + x) * ln((alpha + alive.T) / (alpha + alive.T + m.t)))
        * vm_hyp2f1(r + x, b + x, a + b + x - 1, m.t / (alpha + alive.T + m.t)))
      * p_alive END AS cumulative
  FROM alive, params,
    (SELECT k, k * ${lit(step)} AS t FROM range(0, ${lit(months + 1)}) r(k)
     UNION ALL SELECT -1, ${lit((months * 365.25) / 12 / dpu)}) m
),
steps AS (
  SELECT x, tx, T, k, (cumulative - lag(cumulative) OVER (PARTITION BY x, tx, T ORDER BY k))
    / list_extract(${'[' + discount.map(lit).join(', ') + ']'}, CAST(k AS INTEGER)) AS discounted
  FROM expected WHERE k >= 0
),
per_history AS (
  SELECT a.x, a.tx, a.T, any_value(a.p_alive) AS p_alive,
    (SELECT cumulative FROM expected e WHERE e.k = -1 AND e.x = a.x AND e.tx = a.tx AND e.T = a.T) AS expected_purchases,
    (SELECT sum(discounted) FROM steps s WHERE s.k >= 1 AND s.x = a.x AND s.tx = a.tx AND s.T = a.T) AS discounted_purchases
  FROM alive a GROUP BY a.x, a.tx, a.T
)
SELECT i.k, h.p_alive, h.expected_purchases, ${spend} AS expected_spend,
  h.discounted_purchases * (${spend}) * ${lit(margin)} AS predicted_value
FROM ${t.inputs} i JOIN per_history h
  ON h.x = i.x AND h.tx = i.tx / ${lit(dpu)} AND h.T = i.T / ${lit(dpu)}`;
}

/** The attribute reads the value step makes, for refs to the orders file (the customer list is not in the pipeline). */
function attributeSql(
  ref: AttributeRef | null,
  asCustomerId: boolean,
  notes: string[],
): string | null {
  if (ref === null) return null;
  if (ref.source === 'customers') {
    notes.push('A column of the joined customer list is not read here (only the orders file is).');
    return null;
  }
  return customerAttributeSql({
    ref,
    txTable: PIPELINE_TABLES.tx,
    rawTable: PIPELINE_TABLES.raw,
    attrsTable: null,
    asCustomerId,
  });
}

function statement(comment: string, sql: string): string {
  const lines = comment
    .split('\n')
    .map((l) => `-- ${commentText(l)}`.trimEnd())
    .join('\n');
  return `${lines}\n${sql.trim()};\n`;
}

/** The whole .sql file. */
export function pipelineSql(spec: PipelineSpec): string {
  const t = PIPELINE_TABLES;
  if (!isIsoDate(spec.asOf)) throw new Error(`Invalid as-of date ${spec.asOf}`);
  const notes: string[] = [];
  const parts: string[] = [];
  const columnCount = spec.columns.length;
  const encoding = readCsvEncoding(spec.format === 'csv' ? spec.encoding : 'utf-8');

  // 1. Ingest: the same read_csv the app runs on its UTF-8 text, from the path at the top.
  let ingest = loadCsvSql('SOURCE', t.raw, t.rejects).replace("'SOURCE'", SOURCE);
  if (encoding && encoding !== 'convert') {
    ingest = ingest.replace('header = true,', `header = true, encoding = ${sqlLiteral(encoding)},`);
  }
  parts.push(
    statement(
      'Ingest: every column as text (our own parsers below decide dates and amounts); rows with\ntoo many fields go to raw_orders_rejects instead of failing the load.',
      ingest,
    ),
  );
  const described = spec.columns.map((name, i) => `  #${i + 1}  ${commentText(name)}`).join('\n');
  parts.push(
    `-- Columns as the app read them (referred to by position, #n):\n${described
      .split('\n')
      .map((l) => `--${l}`)
      .join('\n')}\n`,
  );

  // 2. Canonical rows: mapping, dates, amounts, returns/duplicates policy.
  const codes = nonProductRows(spec.policy.nonProductCodes);
  for (const { sql, params } of policyTablesSql(
    t.policy,
    spec.policy.cancelledOrderPrefix,
    codes,
  )) {
    parts.push(
      statement('Returns and non-product policy, as set in the app.', inlineParams(sql, params)),
    );
  }
  if (spec.mapping.orderId !== null && spec.policy.cancelledOrderPrefix !== '') {
    parts.push(
      statement(
        'The cancellation prefix applies only when its rows are mostly negative (see the README).',
        cancellationCheckSql(t.raw, spec.mapping, spec.decimal, t.policy),
      ),
    );
  }
  const m = spec.mapping;
  parts.push(
    statement(
      [
        'One row per source row: typed customer id, day, amount, order id, and why a row is left out.',
        `Mapping: customer id #${(m.customerId ?? -1) + 1}, order date #${(m.orderDate ?? -1) + 1} (read as ${spec.dateFamily}), ` +
          (m.amount !== null
            ? `amount #${m.amount + 1}`
            : `quantity #${(m.quantity ?? -1) + 1} × unit price #${(m.unitPrice ?? -1) + 1}`) +
          `${m.orderId !== null ? `, order id #${m.orderId + 1}` : ''}${m.product !== null ? `, product #${m.product + 1}` : ''}; decimal separator '${spec.decimal}'.`,
      ].join('\n'),
      buildTransactionsSql({
        rawTable: t.raw,
        outTable: t.tx,
        mapping: spec.mapping,
        dateFamily: spec.dateFamily,
        decimal: spec.decimal,
        columnCount,
        policy: spec.policy,
        policyTable: t.policy,
      }),
    ),
  );

  // 3. RFM and segments.
  parts.push(
    statement(
      `The as-of date (exclusive) the app used. For "the day after the last order", write instead:\nCREATE OR REPLACE TABLE ${t.params} AS SELECT max(day) + 1 AS as_of FROM ${t.tx} WHERE excluded_reason IS NULL`,
      inlineParams(paramsTableSql(t.params), [spec.asOf]),
    ),
  );
  parts.push(
    statement(
      'Per customer: first and last purchase, orders, net amount.',
      buildCustomerTotalsSql({
        txTable: t.tx,
        outTable: t.totals,
        paramsTable: t.params,
        hasOrderId: spec.mapping.orderId !== null,
      }),
    ),
  );
  parts.push(
    statement(
      'RFM: recency, frequency, monetary, quintile scores 1–5, and both segment schemes.',
      buildRfmSql({ totalsTable: t.totals, outTable: t.rfm, paramsTable: t.params }),
    ),
  );

  // 4. Value.
  const v = spec.value;
  if (v) {
    const o = v.options;
    const profit =
      o.costColumn !== null
        ? { column: o.costColumn, kind: 'cost' as const }
        : o.marginColumn !== null
          ? { column: o.marginColumn, kind: 'margin' as const }
          : null;
    parts.push(
      statement(
        'Channel, referrer, profit and acquisition cost per customer (when the app read them).',
        valueExtrasSql({
          rfmTable: t.rfm,
          channelSql: attributeSql(o.channel, false, notes),
          referrerSql: attributeSql(o.referrer, true, notes),
          profitSql:
            profit === null
              ? null
              : customerProfitSql({
                  txTable: t.tx,
                  rawTable: t.raw,
                  paramsTable: t.params,
                  ...profit,
                  decimal: spec.decimal,
                }),
          cacSql: attributeSql(o.cacColumn, false, notes),
          outTable: t.extras,
        }),
      ),
    );
    parts.push(
      statement(
        `Value settings: window ${o.windowDays} days, tiers high ${o.tiers.high} / mid ${o.tiers.mid}, margin ${v.margin}${profit ? ' (from the cost column in the app)' : ''}.`,
        inlineParams(valueParamsSql(t.vparams), [
          o.windowDays,
          o.tiers.high,
          o.tiers.mid,
          v.margin,
        ]),
      ),
    );
    parts.push(
      statement(
        'The summary the purchase models use: x, tₓ, T in days, repeat spend.',
        clvSummarySql({ txTable: t.tx, paramsTable: t.params, outTable: t.summary }),
      ),
    );
    parts.push(
      statement(
        'Per customer: historical and current value, and the model inputs.',
        valueInputsSql({
          txTable: t.tx,
          rfmTable: t.rfm,
          summaryTable: t.summary,
          paramsTable: t.params,
          valueParamsTable: t.vparams,
          extrasTable: t.extras,
          outTable: t.inputs,
        }),
      ),
    );
    parts.push(
      statement(
        `Predictions over ${o.horizonMonths} months, discounted ${o.monthlyDiscountRate} a month.`,
        predictionsSql(v, notes),
      ),
    );
    parts.push(
      statement(
        'Value, tiers, classes, quadrants, behaviour.',
        valueTableSql({
          inputsTable: t.inputs,
          predictionsTable: t.predictions,
          valueParamsTable: t.vparams,
          outTable: t.valueBase,
        }),
      ),
    );
    parts.push(
      statement(
        'Referral columns (empty without a referred-by column).',
        referralColumnsSql({ valueTable: t.valueBase, referralSql: null, outTable: t.value }),
      ),
    );
  }

  // 5. Lifecycle.
  if (spec.lifecycle) {
    parts.push(
      statement(
        'Lifecycle rules, as set in the app.',
        inlineParams(lifecycleRulesTableSql(t.rules), lifecycleRulesParams(spec.lifecycle)),
      ),
    );
    parts.push(
      statement(
        "Every customer's lifecycle stage at the as-of date (with P(alive) when a model was used).",
        stageAtAsOfSql({
          txTable: t.tx,
          paramsTable: t.params,
          rulesTable: t.rules,
          valueTable: v ? t.value : null,
          outTable: t.stages,
        }),
      ),
    );
  }

  // 6. One result per customer.
  const segment = spec.scheme === 'rfm11' ? 'segment_rfm11' : 'segment_cn8';
  const valueColumns = v
    ? `, v.historical_value, v.current_value, v.predicted_value, v.total_value, v.p_alive,
  v.value_tier, v.value_class, v.value_quadrant, v.behaviour`
    : '';
  const stageColumns = spec.lifecycle
    ? ', s.stage AS lifecycle_stage, s.phase AS lifecycle_phase, s.churn_risk'
    : '';
  parts.push(
    statement(
      'One row per customer: what the app shows and exports.',
      `CREATE OR REPLACE VIEW ${t.results} AS
SELECT r.customer_id, r.recency_days, r.frequency, r.monetary, r.avg_order_value,
  r.r_score, r.f_score, r.m_score, r.fm_score, r.${segment} AS segment${valueColumns}${stageColumns}
FROM ${t.rfm} r${v ? ` LEFT JOIN ${t.value} v USING (customer_id)` : ''}${spec.lifecycle ? ` LEFT JOIN ${t.stages} s USING (customer_id)` : ''}
ORDER BY r.customer_id`,
    ),
  );

  const encodingNote =
    encoding === 'convert'
      ? [
          `The app read this file as ${commentText(spec.encoding ?? '')}; native read_csv reads UTF-8, UTF-16`,
          'and Latin-1 only. Convert it first, e.g.:',
          `  iconv -f ${commentText(spec.encoding ?? '')} -t UTF-8 orders.csv > orders-utf8.csv`,
        ]
      : [`Text encoding: ${commentText(spec.encoding ?? 'UTF-8')}.`];
  const formatNote =
    spec.format === 'csv'
      ? []
      : [
          `The app read a ${commentText(spec.format)} file; save it as CSV (UTF-8, same columns, header row)`,
          'and point `source` at the CSV.',
        ];
  const header = [
    'ValueMap analysis pipeline: recreates the analysis in the native DuckDB CLI.',
    '',
    'Run:   duckdb valuemap.duckdb < this-file.sql',
    `Then:  SELECT * FROM ${t.results};`,
    `       COPY ${t.results} TO 'customers.csv' (HEADER);`,
    '',
    ...encodingNote,
    ...formatNote,
    `Segment scheme: ${spec.scheme}. As-of date: ${spec.asOf}.`,
    ...(notes.length ? ['', ...notes] : []),
  ]
    .map((l) => `-- ${commentText(l)}`.trimEnd())
    .join('\n');
  return `${header}

-- ▼ Edit this: the path of the orders file (CSV, header row).
SET VARIABLE source = ${sqlLiteral(spec.sourceName)};

-- Nothing we run needs an extension.
SET autoload_known_extensions = false;

${parts.join('\n')}`;
}
