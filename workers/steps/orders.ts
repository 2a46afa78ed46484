/**
 * Order-level figures of a loaded file that has no customer column (orderLevelSql.ts): what still
 * works without a customer key — revenue by day, by province or region, and the share refunded.
 * Read from the all-text table with the analyst's date and amount columns; nothing is kept.
 */
import { FIELDS, type ColumnMapping } from '../../src/analysis/mapping';
import {
  orderRowsSql,
  orderTotalsSql,
  refundColumn,
  regionSource,
  revenueByDaySql,
  revenueByRegionSql,
} from '../../src/analysis/orderLevelSql';
import { EngineError } from '../../src/engine/errors';
import type { OrderLevelResult } from '../../src/engine/types';
import { DATE_FAMILIES, type DateFamily } from '../../src/ingest/dateFormats';
import type { Engine } from '../engine';

/** Places listed before the rest are summed into one row. */
const TOP_REGIONS = 12;

async function orderLevel(
  engine: Engine,
  datasetId: number,
  mapping: ColumnMapping,
  chosenFamily: DateFamily | null,
): Promise<OrderLevelResult> {
  const dataset = engine.dataset(datasetId);
  const { columns } = dataset;
  const inRange = (i: number | null) =>
    i === null || (Number.isInteger(i) && i >= 0 && i < columns.length);
  const hasAmount =
    mapping.amount !== null || (mapping.quantity !== null && mapping.unitPrice !== null);
  if (mapping.orderDate === null || !hasAmount || !FIELDS.every((f) => inRange(mapping[f])))
    throw new EngineError('mapping_incomplete', {
      missing: [mapping.orderDate === null ? 'orderDate' : 'amount'],
    });
  const dateColumn = columns[mapping.orderDate];
  const family =
    chosenFamily && DATE_FAMILIES.includes(chosenFamily)
      ? chosenFamily
      : (dateColumn?.dateFamily ?? 'ymd');
  const amountColumn = columns[mapping.amount ?? mapping.unitPrice ?? -1];
  const names = columns.map((c) => c.name);
  const region = regionSource(names);
  const refund = refundColumn(names);
  const table = `${dataset.table('params')}_orders`;
  const { sql } = engine;
  sql.beginStep('orders');
  try {
    await sql.run(
      orderRowsSql({
        rawTable: dataset.table('raw'),
        outTable: table,
        mapping,
        dateFamily: family,
        decimal: amountColumn?.decimal ?? '.',
        refund: refund === mapping.amount ? null : refund,
        region,
      }),
    );
    const totals = await sql.row<OrderLevelResult['totals']>(orderTotalsSql(table));
    const byDay = await sql.rows<OrderLevelResult['byDay'][number]>(revenueByDaySql(table));
    const byRegion = region
      ? sql.rowsWithParams<OrderLevelResult['byRegion'][number]>(revenueByRegionSql(table), [
          TOP_REGIONS,
          TOP_REGIONS,
        ])
      : [];
    return {
      datasetId,
      totals,
      byDay,
      byRegion,
      regionColumn: region ? (names[region.index] ?? null) : null,
      regionFromAddress: region?.address ?? false,
      refundColumn: refund === null || refund === mapping.amount ? null : (names[refund] ?? null),
    };
  } finally {
    sql.runNow(`DROP TABLE IF EXISTS ${table}`);
    sql.beginStep(null);
  }
}

export const methods = { orderLevel };
