import { segmentColumn } from '../analysis/reports';
import { segmentKeysOf, type SegmentScheme } from '../analysis/segments';
import { constantLiteral, tableName } from '../analysis/sql';
import { SEGMENT_LABELS } from '../i18n/segmentLabels';
import type { Locale } from '../i18n/locales';
import { significant, tokenize } from './sqlLexer';

type Prefix = Parameters<typeof tableName>[0];

/**
 * Stable names for the analysis on screen, so a notebook cell reads the same whatever the
 * dataset's number: each internal table has a mirror view, and three views are made for
 * analysts (`orders`, `customers`, `segments`).
 */
export const MIRRORS = {
  raw: 'raw_orders',
  tx: 'transactions',
  rejects: 'rejected_lines',
  attrs: 'customer_list',
  params: 'analysis_params',
  totals: 'customer_totals',
  rfm: 'rfm',
  clvsum: 'clv_summary',
  vparams: 'value_params',
  vinputs: 'value_inputs',
  vextra: 'value_extra',
  vcac: 'channel_costs',
  value: 'customer_value',
  lcrules: 'lifecycle_rules',
  lcstage: 'customer_stages',
  cluster: 'customer_clusters',
  sel: 'selection',
} as const satisfies Partial<Record<Prefix, string>>;

export type MirroredPrefix = keyof typeof MIRRORS;

export const MAIN_VIEWS = ['orders', 'customers', 'segments'] as const;

/** Every name a cell may use, the main views first. */
export const FRIENDLY_VIEWS: readonly string[] = [...MAIN_VIEWS, ...Object.values(MIRRORS)];

export interface ViewContext {
  datasetId: number;
  scheme: SegmentScheme;
  /** The UI's language: `segment_label` names each segment in it. */
  locale: Locale;
  /** Internal tables of the dataset that exist now (as named by tableName()). */
  present: ReadonlySet<string>;
  /** Whether `value_<id>` / `lcstage_<id>` belong to the analysis on screen (same as-of date). */
  valued: boolean;
  staged: boolean;
}

/** Columns of `customers` taken from the value step; NULL (typed) until it has run. */
const VALUE_COLUMNS = [
  ['historical_value', 'DOUBLE'],
  ['current_value', 'DOUBLE'],
  ['predicted_value', 'DOUBLE'],
  ['total_value', 'DOUBLE'],
  ['p_alive', 'DOUBLE'],
  ['expected_purchases', 'DOUBLE'],
  ['value_tier', 'VARCHAR'],
  ['value_class', 'VARCHAR'],
  ['value_quadrant', 'VARCHAR'],
  ['behaviour', 'VARCHAR'],
] as const;
const STAGE_COLUMNS = [
  ['stage', 'VARCHAR'],
  ['phase', 'VARCHAR'],
  ['churn_risk', 'VARCHAR'],
] as const;

/**
 * Statements that point the friendly views at the analysis described by `ctx`: views whose table
 * is missing (or belongs to another as-of date) are dropped, so a stale result is never read.
 * `customers` keeps the same columns whether or not value, stages and clusters were computed.
 */
export function viewStatements(ctx: ViewContext): string[] {
  const id = ctx.datasetId;
  const has = (p: MirroredPrefix) =>
    ctx.present.has(tableName(p, id)) &&
    (p !== 'value' || ctx.valued) &&
    (p !== 'lcstage' || ctx.staged);
  const out: string[] = [];
  for (const [prefix, view] of Object.entries(MIRRORS) as [MirroredPrefix, string][]) {
    // A file read typed: `raw_<id>` is a text view; the rows as read, with their names, are here.
    const table =
      prefix === 'raw' && ctx.present.has(tableName('rawtyped', id))
        ? tableName('rawtyped', id)
        : has(prefix)
          ? tableName(prefix, id)
          : null;
    out.push(
      table
        ? `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${table}`
        : `DROP VIEW IF EXISTS ${view}`,
    );
  }
  if (!has('rfm') || !has('tx') || !has('params')) {
    for (const view of MAIN_VIEWS) out.push(`DROP VIEW IF EXISTS ${view}`);
    return out;
  }
  out.push(`CREATE OR REPLACE VIEW orders AS
SELECT t.source_row, t.customer_id, t.day AS order_date, CAST(t.amount AS DOUBLE) AS amount,
  t.order_id, t.note
FROM ${tableName('tx', id)} t, ${tableName('params', id)} p
WHERE t.excluded_reason IS NULL AND t.day < p.as_of`);
  const valued = has('value');
  const staged = has('lcstage');
  const clustered = has('cluster');
  const valueCols = VALUE_COLUMNS.map(([c, type]) =>
    valued ? `v.${c}` : `CAST(NULL AS ${type}) AS ${c}`,
  );
  const stageCols = STAGE_COLUMNS.map(([c, type]) =>
    staged ? `s.${c}` : `CAST(NULL AS ${type}) AS ${c}`,
  );
  const clusterCol = clustered ? 'c.cluster' : 'CAST(NULL AS INTEGER) AS cluster';
  const joins = [
    valued ? `LEFT JOIN ${tableName('value', id)} v USING (customer_id)` : '',
    staged ? `LEFT JOIN ${tableName('lcstage', id)} s USING (customer_id)` : '',
    clustered ? `LEFT JOIN ${tableName('cluster', id)} c USING (customer_id)` : '',
  ].filter(Boolean);
  const label = segmentLabelSql(`r.${segmentColumn(ctx.scheme)}`, ctx.scheme, ctx.locale);
  out.push(`CREATE OR REPLACE VIEW customers AS
SELECT r.customer_id, r.${segmentColumn(ctx.scheme)} AS segment, ${label} AS segment_label,
  r.first_purchase, r.last_purchase, r.recency_days, r.frequency, r.monetary, r.avg_order_value,
  r.r_score, r.f_score, r.m_score, r.fm_score,
  ${[...valueCols, ...stageCols, clusterCol].join(', ')}
FROM ${tableName('rfm', id)} r
${joins.join('\n')}`);
  out.push(`CREATE OR REPLACE VIEW segments AS
SELECT segment, any_value(segment_label) AS segment_label, count(*) AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  sum(monetary) AS revenue, sum(monetary) / sum(sum(monetary)) OVER () AS revenue_share,
  avg(recency_days) AS mean_recency_days, avg(frequency) AS mean_frequency,
  avg(monetary) AS mean_monetary
FROM customers GROUP BY segment ORDER BY revenue DESC`);
  return out;
}

/**
 * The segment's name in the UI's language, as SQL: our own label texts (never user data) as
 * literals, so a cell can show 冠军客户 where the key is `champions`.
 */
function segmentLabelSql(keyExpr: string, scheme: SegmentScheme, locale: Locale): string {
  const labels = SEGMENT_LABELS[locale];
  const cases = segmentKeysOf(scheme)
    .map((key) => `WHEN ${constantLiteral(key)} THEN ${constantLiteral(labels[key])}`)
    .join(' ');
  return `CASE ${keyExpr} ${cases} END`;
}

/** Internal table name → its friendly view, for one dataset. */
function friendlyNames(datasetId: number): Map<string, string> {
  return new Map([
    ...(Object.entries(MIRRORS) as [MirroredPrefix, string][]).map(([p, v]): [string, string] => [
      tableName(p, datasetId),
      v,
    ]),
    // The typed read is what `raw_orders` shows when there is one.
    [tableName('rawtyped', datasetId), MIRRORS.raw],
  ]);
}

/**
 * A statement a built-in step ran, as a notebook cell: its internal table names replaced by the
 * friendly views (only names, never text in strings or comments), and `CREATE … TABLE x AS` cut so
 * the cell shows what the step computed.
 */
export function toCellSql(sql: string, datasetId: number): string {
  const names = friendlyNames(datasetId);
  const tokens = tokenize(sql);
  const rewritten = tokens
    .map((t) => (t.kind === 'word' ? (names.get(t.text.toLowerCase()) ?? t.text) : t.text))
    .join('');
  return stripCreateAs(rewritten).trim();
}

/** `CREATE [OR REPLACE] [TEMP] TABLE|VIEW name AS <query>` → `<query>`; anything else unchanged. */
function stripCreateAs(sql: string): string {
  const words = significant(tokenize(sql));
  const lower = words.map((t) => t.text.toLowerCase());
  if (lower[0] !== 'create') return sql;
  const as = lower.indexOf('as');
  const kind = lower.slice(0, as).find((w) => w === 'table' || w === 'view');
  if (as < 0 || !kind || as > 8) return sql;
  const next = words[as + 1];
  return next ? sql.slice(next.start) : sql;
}
