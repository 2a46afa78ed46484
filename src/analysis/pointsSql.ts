/**
 * The per-customer columns the value map and the linked charts hold on the main thread, and the
 * selection the analyst makes on them, sent back as point positions. Points are ordered by
 * customer id, so position k is the same customer on both sides of the worker boundary.
 */
import { segmentColumn } from './reports';
import type { SegmentScheme } from './segments';

export interface PointsOptions {
  rfmTable: string;
  scheme: SegmentScheme;
  /** Include the scores and segment (the points' base); false for columns added later. */
  base?: boolean;
  /** `value_<id>` when the value step ran for the analysis on screen. */
  valueTable: string | null;
  /** `lcstage_<id>` when the lifecycle step ran for it. */
  stageTable: string | null;
  /** `cluster_<id>` when the customers were clustered (k-means). */
  clusterTable?: string | null;
}

/**
 * Every customer's point columns in customer-id order: the base (id, R/F/M, scores, segment) and
 * the columns of the later steps given. A step that finishes later sends only its own columns.
 */
export function pointsSql(o: PointsOptions): string {
  const columns = [
    ...(o.base === false
      ? []
      : [
          'r.customer_id',
          'CAST(r.recency_days AS DOUBLE) AS recency_days',
          'CAST(r.frequency AS DOUBLE) AS frequency',
          'CAST(r.monetary AS DOUBLE) AS monetary',
          'r.r_score, r.f_score, r.m_score',
          `r.${segmentColumn(o.scheme)} AS segment`,
        ]),
    ...(o.valueTable
      ? [
          'v.historical_value, v.current_value, v.predicted_value, v.total_value, v.p_alive, v.value_tier',
        ]
      : []),
    ...(o.stageTable ? ['s.stage'] : []),
    ...(o.clusterTable ? ['c.cluster'] : []),
  ];
  return `SELECT ${columns.join(', ')}
FROM ${o.rfmTable} r
${o.valueTable ? `LEFT JOIN ${o.valueTable} v USING (customer_id)` : ''}
${o.stageTable ? `LEFT JOIN ${o.stageTable} s USING (customer_id)` : ''}
${o.clusterTable ? `LEFT JOIN ${o.clusterTable} c USING (customer_id)` : ''}
ORDER BY r.customer_id`;
}

/**
 * (Re)creates the selection table `selTable(customer_id)` from the positions in `positionsTable(k)`
 * (0-based, in the points' customer-id order).
 */
export function selectionTableSql(o: {
  rfmTable: string;
  positionsTable: string;
  selTable: string;
}): string {
  return `CREATE OR REPLACE TABLE ${o.selTable} AS
SELECT p.customer_id FROM (
  SELECT customer_id, CAST(row_number() OVER (ORDER BY customer_id) - 1 AS INTEGER) AS k FROM ${o.rfmTable}
) p JOIN ${o.positionsTable} USING (k)`;
}
