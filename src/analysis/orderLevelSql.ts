/**
 * What an order report says without any customer column: revenue by day, by province or region,
 * and the share refunded. Customer analysis needs a customer key; these figures need only the
 * date and the amount, so a Tmall-style order report still answers something while the analyst
 * looks for a key. Pure SQL builders over the all-text table; values are parsed with the same
 * date and amount readers as the analysis.
 */
import { parseAmountExpr, type DecimalSeparator } from '../ingest/amounts';
import { parseDateExpr, type DateFamily } from '../ingest/dateFormats';
import { normaliseHeader } from '../ingest/headerGuess';
import { amountExpr, orderIdExpr } from './transactions';
import type { ColumnMapping } from './mapping';
import { columnRef } from './sql';

/** Header words of a column that names a region outright, best first. */
const REGION_HEADERS = [
  '省份',
  '省',
  '收货省份',
  '地区',
  '区域',
  '大区',
  'province',
  'state',
  'region',
  '城市',
  'city',
];
/** Header words of an address, from which a Chinese province is read. */
const ADDRESS_HEADERS = ['收货地址', '地址', '收货人地址', 'shippingaddress', 'address'];
const REFUND_HEADERS = ['退款金额', '退款', '退货金额', 'refund', 'refundamount', 'refunded'];

export interface RegionSource {
  index: number;
  /** An address: the province (省/自治区/市 …) is read from its start. */
  address: boolean;
}

function findHeader(names: readonly string[], words: readonly string[]): number | null {
  const normal = names.map(normaliseHeader);
  for (const w of words) {
    const i = normal.indexOf(w);
    if (i >= 0) return i;
  }
  for (const w of words) {
    const i = normal.findIndex((n) => n.includes(w));
    if (i >= 0) return i;
  }
  return null;
}

/** The column to break revenue down by place: a region column, else an address; null if none. */
export function regionSource(names: readonly string[]): RegionSource | null {
  const region = findHeader(names, REGION_HEADERS);
  if (region !== null) return { index: region, address: false };
  const address = findHeader(names, ADDRESS_HEADERS);
  return address === null ? null : { index: address, address: true };
}

/** The column of refunded amounts, when the report has one. */
export function refundColumn(names: readonly string[]): number | null {
  return findHeader(names, REFUND_HEADERS);
}

export interface OrderRowsOptions {
  rawTable: string;
  outTable: string;
  /** The order date and the amount (or quantity × unit price); the order id when mapped. */
  mapping: ColumnMapping;
  dateFamily: DateFamily;
  decimal: DecimalSeparator;
  refund: number | null;
  region: RegionSource | null;
}

/**
 * The province at the start of a Chinese address ("浙江省 杭州市 …" → 浙江省, "上海市浦东新区…" → 上海市),
 * NULL when the address does not start with one.
 */
export function provinceOfAddressExpr(textExpr: string): string {
  return String.raw`NULLIF(regexp_extract(trim(${textExpr}), '^([^\s,，]{1,7}?(省|自治区|特别行政区|市))', 1), '')`;
}

/**
 * One row per source row: `day` (DATE, NULL when unreadable), `amount`, `refund` (the refund
 * column's amount, else NULL), `region` (text, NULL when unknown), `order_id` (NULL when not
 * mapped), `used` (a readable date and amount).
 */
export function orderRowsSql(o: OrderRowsOptions): string {
  const date = parseDateExpr(columnRef(o.mapping.orderDate as number), o.dateFamily);
  const refund =
    o.refund === null ? 'CAST(NULL AS DOUBLE)' : parseAmountExpr(columnRef(o.refund), o.decimal);
  const regionText = o.region === null ? null : columnRef(o.region.index);
  const region =
    regionText === null
      ? 'CAST(NULL AS VARCHAR)'
      : o.region?.address
        ? provinceOfAddressExpr(regionText)
        : `NULLIF(trim(${regionText}), '')`;
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
SELECT *, day IS NOT NULL AND amount IS NOT NULL AS used FROM (
  SELECT CAST(${date} AS DATE) AS day,
    CAST(${amountExpr(o.mapping, o.decimal)} AS DOUBLE) AS amount,
    CAST(${refund} AS DOUBLE) AS refund,
    ${region} AS region,
    ${orderIdExpr(o.mapping)} AS order_id
  FROM ${o.rawTable}
)`;
}

/** Orders of a set of rows: distinct order ids when the column is mapped, else rows. */
const ORDERS = `CASE WHEN count(order_id) > 0 THEN count(DISTINCT order_id) ELSE count(*) END`;

/**
 * One row: `rows`, `used` (readable date and amount), `orders`, `revenue` (positive amounts),
 * `refunds` (the refund column's positive amounts plus the negative amounts, as a positive sum),
 * `refund_orders` (rows with a refund or a negative amount), `first_day`, `last_day`.
 */
export function orderTotalsSql(table: string): string {
  return `SELECT CAST(count(*) AS INTEGER) AS rows,
  CAST(count(*) FILTER (WHERE used) AS INTEGER) AS used,
  CAST((SELECT ${ORDERS} FROM ${table} WHERE used) AS INTEGER) AS orders,
  coalesce(sum(amount) FILTER (WHERE used AND amount > 0), 0) AS revenue,
  coalesce(sum(refund) FILTER (WHERE used AND refund > 0), 0)
    - coalesce(sum(amount) FILTER (WHERE used AND amount < 0), 0) AS refunds,
  CAST(count(*) FILTER (WHERE used AND (refund > 0 OR amount < 0)) AS INTEGER) AS refund_orders,
  strftime(min(day) FILTER (WHERE used), '%Y-%m-%d') AS first_day,
  strftime(max(day) FILTER (WHERE used), '%Y-%m-%d') AS last_day
FROM ${table}`;
}

/** Rows: `day` (YYYY-MM-DD), `orders`, `revenue` (net: refunds in negative amounts netted). */
export function revenueByDaySql(table: string): string {
  return `SELECT strftime(day, '%Y-%m-%d') AS day, CAST(${ORDERS} AS INTEGER) AS orders,
  sum(amount) AS revenue
FROM ${table} WHERE used GROUP BY day ORDER BY day`;
}

/**
 * The places with the most revenue, then one row for the rest (`other` true) and one for rows
 * whose place is unknown (`region` NULL); bind [top]. Rows: `region`, `other`, `orders`,
 * `revenue`, `share` (of all net revenue).
 */
export function revenueByRegionSql(table: string): string {
  return `WITH per AS (
  SELECT region, CAST(${ORDERS} AS INTEGER) AS orders, sum(amount) AS revenue
  FROM ${table} WHERE used GROUP BY region
),
ranked AS (
  SELECT *, row_number() OVER (ORDER BY region IS NULL, revenue DESC, region) AS rank FROM per
),
grouped AS (
  SELECT CASE WHEN region IS NULL OR rank <= CAST(? AS INTEGER) THEN region END AS region,
    region IS NOT NULL AND rank > CAST(? AS INTEGER) AS other, orders, revenue
  FROM ranked
)
SELECT region, other, CAST(sum(orders) AS INTEGER) AS orders, sum(revenue) AS revenue,
  sum(revenue) / nullif((SELECT sum(revenue) FROM per), 0) AS share
FROM grouped GROUP BY region, other
ORDER BY other, region IS NULL, revenue DESC, region`;
}
