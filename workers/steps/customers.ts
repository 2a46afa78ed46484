/**
 * The analysed customers as the screen and the exports need them: pages of the customer list,
 * every customer's point for the value map (and the columns later steps add), the analyst's
 * selection (`sel_<id>`), the customers CSV, and dropping a dataset.
 */
import { customerPageSql, customersExportSql } from '../../src/analysis/customers';
import {
  playbookInsertParams,
  playbookInsertSql,
  playbookTableSql,
  validExportRows,
} from '../../src/analysis/playbookSql';
import { pointsSql, selectionTableSql } from '../../src/analysis/pointsSql';
import { segmentKeysOf, type SegmentScheme } from '../../src/analysis/segments';
import type { CustomerPageRequest, ExportRequest } from '../../src/engine/types';
import { EngineError } from '../../src/engine/errors';
import type { Engine } from '../engine';

/** The column groups of the points: the base, and what each later step adds. */
export type PointColumns = 'base' | 'value' | 'stage' | 'cluster';

/**
 * Every customer's point columns (Arrow IPC bytes, in customer-id order): the groups asked for
 * that exist for the analysis on screen (value, stage and cluster once their steps have run).
 */
async function points(
  engine: Engine,
  datasetId: number,
  scheme: SegmentScheme,
  groups: readonly PointColumns[] = ['base', 'value', 'stage', 'cluster'],
): Promise<Uint8Array> {
  const dataset = engine.analysed(datasetId);
  const wanted = (g: PointColumns) => groups.includes(g);
  const valueTable = wanted('value') ? dataset.tableIfCurrent('value', 'value') : null;
  const stageTable = wanted('stage') ? dataset.tableIfCurrent('lifecycle', 'lcstage') : null;
  const clusterTable = wanted('cluster') ? dataset.tableIfCurrent('clusters', 'cluster') : null;
  const base = wanted('base') || (!valueTable && !stageTable && !clusterTable);
  return engine.sql.run(
    pointsSql({ rfmTable: dataset.rfm, scheme, base, valueTable, stageTable, clusterTable }),
  );
}

/**
 * The analyst's selection (positions in the points' order), kept as `sel_<id>` so the customer
 * list and exports can filter on it; null clears it.
 */
function setSelection(engine: Engine, datasetId: number, positions: Int32Array | null): void {
  const dataset = engine.analysed(datasetId);
  const { sql } = engine;
  dataset.starting(sql, 'selection');
  const selTable = dataset.table('sel');
  const positionsTable = dataset.table('selk');
  sql.runNow(`DROP TABLE IF EXISTS ${selTable}`);
  if (positions === null) return;
  sql.insertColumns(positionsTable, { k: positions });
  sql.runNow(selectionTableSql({ rfmTable: dataset.rfm, positionsTable, selTable }));
  sql.runNow(`DROP TABLE IF EXISTS ${positionsTable}`);
  dataset.completed('selection', dataset.asOf);
}

/** One page of scored customers as Arrow IPC bytes (the caller decodes them). */
function customerPage(engine: Engine, datasetId: number, request: CustomerPageRequest): Uint8Array {
  const dataset = engine.analysed(datasetId);
  const statement = customerPageSql({
    rfmTable: dataset.rfm,
    scheme: request.scheme,
    sort: request.sort,
    descending: request.descending,
    selTable: request.selected ? dataset.tableIfCurrent('selection', 'sel') : null,
  });
  return engine.sql.runWithParams(statement, [
    request.segment,
    Math.trunc(request.limit),
    Math.trunc(request.offset),
  ]);
}

/** Every scored customer as Arrow IPC bytes. */
async function allCustomers(engine: Engine, datasetId: number): Promise<Uint8Array> {
  return engine.sql.run(`SELECT * FROM ${engine.analysed(datasetId).rfm}`);
}

/**
 * The customers CSV (UTF-8 with a BOM so that Excel shows Chinese text correctly), with the
 * columns of every step that is current: value, stage and cluster columns join once computed.
 */
async function exportCustomers(
  engine: Engine,
  datasetId: number,
  request: ExportRequest,
): Promise<Uint8Array> {
  const dataset = engine.analysed(datasetId);
  const { sql, db } = engine;
  const selection = request.selected ? dataset.tableIfCurrent('selection', 'sel') : null;
  if (request.selected && !selection) throw new EngineError('selection_changed');
  // A key of the scheme or nothing: it is written into the statement, so only our own keys pass.
  const segment =
    request.segment && segmentKeysOf(request.scheme).includes(request.segment)
      ? request.segment
      : null;
  // An empty registered buffer keeps the COPY in memory (Node's runtime would write to disk).
  const file = await engine.register(`export_${datasetId}.csv`, new Uint8Array(0));
  const playbook = validExportRows(request.playbook);
  const playbookTable = playbook.length > 0 ? dataset.table('playbook') : null;
  try {
    if (playbookTable) {
      // The analyst's text enters DuckDB as parameters only.
      sql.runNow(playbookTableSql(playbookTable));
      sql.runWithParams(
        playbookInsertSql(playbookTable, playbook.length),
        playbookInsertParams(playbook),
      );
    }
    await sql.run(
      customersExportSql(
        dataset.rfm,
        request.scheme,
        request.locale,
        file,
        dataset.attributes ? dataset.table('attrs') : null,
        dataset.tableIfCurrent('value', 'value'),
        dataset.tableIfCurrent('lifecycle', 'lcstage'),
        playbookTable,
        dataset.tableIfCurrent('clusters', 'cluster'),
        selection,
        segment,
      ),
    );
    const csv = db.copyFileToBuffer(file);
    const out = new Uint8Array(csv.length + 3);
    out.set([0xef, 0xbb, 0xbf]);
    out.set(csv, 3);
    return out;
  } finally {
    engine.unregister(file);
    if (playbookTable) sql.runNow(`DROP TABLE IF EXISTS ${playbookTable}`);
  }
}

/** Forget a dataset and every table it made. */
function drop(engine: Engine, datasetId: number): void {
  engine.drop(datasetId);
}

/** The worker's API of this step (workers/api.ts). */
export const methods = {
  points,
  setSelection,
  customerPage,
  allCustomers,
  exportCustomers,
  drop,
  statementLog: (engine: Engine) => engine.statementLog(),
};
