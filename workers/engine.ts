import type { DuckDBBindings } from 'duckdb-wasm-browser-blocking';
import { customerPageSql, customersExportSql } from '../src/analysis/customers';
import { FIELDS, missingFields, type ColumnMapping } from '../src/analysis/mapping';
import {
  exclusionCountsSql,
  exclusionSamplesSql,
  malformedRowsSql,
  rfmGridSql,
  segmentSummarySql,
  summarySql,
} from '../src/analysis/reports';
import { buildCustomerTotalsSql } from '../src/analysis/customerTotals';
import { buildRfmSql } from '../src/analysis/rfm';
import { segmentKeysOf, type SegmentKey, type SegmentScheme } from '../src/analysis/segments';
import { paramsTableSql, tableName } from '../src/analysis/sql';
import { buildTransactionsSql, defaultAsOfSql } from '../src/analysis/transactions';
import { EngineError } from '../src/engine/errors';
import type {
  AnalysisOptions,
  AnalysisResult,
  CustomerPageRequest,
  Exclusion,
  ExportRequest,
  GridCell,
  LoadedDataset,
  SegmentRow,
  SegmentView,
  Stage,
  Summary,
} from '../src/engine/types';
import { loadCsvSql } from '../src/ingest/csv';
import { decodeToUtf8 } from '../src/ingest/decode';
import { guessMapping } from '../src/ingest/headerGuess';
import { profileSqlBatches, readProfile, type ProfiledColumn } from '../src/ingest/profile';
import { SqlRunner, type StatementTiming } from './sqlRunner';

export type StageListener = (stage: Stage) => void;

/** Rows typed with one mapping: what an analysis under another as-of date can reuse. */
interface TypedRows {
  mapping: ColumnMapping;
  exclusions: Exclusion[];
  /** The default as-of date; null when no row is usable. */
  lastDayPlusOne: string | null;
}

interface Dataset {
  id: number;
  columns: ProfiledColumn[];
  typed: TypedRows | null;
  analysed: boolean;
}

const PREVIEW_ROWS = 5;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The database side of ValueMap: loads files into tables, maps and types them, scores customers.
 * It runs inside the worker (and, in unit tests, in Node on the same DuckDB-WASM build).
 */
export class Engine {
  private readonly sql: SqlRunner;
  private readonly datasets = new Map<number, Dataset>();
  private nextId: number;

  /** `firstId` lets a restarted engine number its datasets apart from the engine it replaces. */
  constructor(
    private readonly db: DuckDBBindings,
    firstId = 1,
  ) {
    this.nextId = firstId;
    this.sql = new SqlRunner(db);
  }

  async init(): Promise<{ version: string }> {
    // Autoloading reaches for the network and can crash the wasm; nothing we run needs an extension.
    await this.sql.run('SET autoload_known_extensions = false');
    await this.sql.run('SET autoinstall_known_extensions = false');
    return { version: this.db.getVersion() };
  }

  cancel(): void {
    this.sql.cancel();
  }

  /** The statements run lately, with their durations (oldest first). */
  statementLog(): StatementTiming[] {
    return [...this.sql.log];
  }

  /** Start of a unit of work: forget cancel requests that arrived before it. */
  beginWork(): void {
    this.sql.beginWork();
  }

  async loadCsv(
    bytes: Uint8Array,
    fileName: string,
    onStage: StageListener = () => {},
  ): Promise<LoadedDataset> {
    this.sql.beginWork();
    const id = this.nextId++;
    onStage('decoding');
    const { utf8, encoding } = await decodeToUtf8(bytes, fileName);
    try {
      onStage('parsing');
      await this.readCsv(id, utf8, fileName);
      const { names, rowCount } = await this.describe(id, fileName);
      onStage('profiling');
      const columns = await this.profile(id, names);
      if (!columns.some((c) => c.dateShare > 0) || !columns.some((c) => c.numberShare > 0)) {
        throw new EngineError('no_usable_columns', {
          file: fileName,
          columns: names,
          lacks: columns.some((c) => c.dateShare > 0) ? 'amount' : 'date',
        });
      }
      const preview = (
        await this.sql.table(`SELECT * FROM ${tableName('raw', id)} LIMIT ${PREVIEW_ROWS}`)
      )
        .toArray()
        .map((row) => names.map((n) => (row[n] ?? null) as string | null));
      this.datasets.set(id, { id, columns, typed: null, analysed: false });
      return {
        datasetId: id,
        fileName,
        encoding,
        rowCount,
        columns,
        guess: guessMapping(columns),
        preview,
      };
    } catch (e) {
      this.dropTables(id);
      throw e;
    }
  }

  /** The registered text into `raw_<id>`; DuckDB's complaint, if any, becomes a user error. */
  private async readCsv(id: number, utf8: Uint8Array, fileName: string): Promise<void> {
    const file = `upload_${id}.csv`;
    this.db.registerFileBuffer(file, utf8);
    try {
      await this.sql.run(loadCsvSql(file, tableName('raw', id), tableName('rejects', id)));
    } catch (e) {
      if (e instanceof EngineError) throw e;
      const message = readerMessage(errorMessage(e), file, fileName);
      throw new EngineError('csv_unreadable', { file: fileName, message });
    } finally {
      this.db.dropFile(file); // the table holds the data now; free the copy
    }
  }

  /** Column names and row count; a table without rows is explained (header only, or all malformed). */
  private async describe(
    id: number,
    fileName: string,
  ): Promise<{ names: string[]; rowCount: number }> {
    const raw = tableName('raw', id);
    const names = (await this.sql.rows<{ column_name: string }>(`DESCRIBE ${raw}`)).map(
      (c) => c.column_name,
    );
    const { n: rowCount } = await this.sql.row<{ n: number }>(`SELECT count(*) AS n FROM ${raw}`);
    if (rowCount > 0) return { names, rowCount };
    const malformed = await this.malformedRows(id);
    if (!malformed) throw new EngineError('no_rows', { file: fileName, columns: names });
    const line = malformed.samples[0];
    throw new EngineError('all_rows_malformed', {
      file: fileName,
      rows: malformed.rows,
      line: line?.sourceRow ?? null,
      text: line?.rawLine ?? null,
    });
  }

  private async profile(id: number, names: string[]): Promise<ProfiledColumn[]> {
    const counts: Record<string, number> = {};
    for (const batch of profileSqlBatches(tableName('raw', id), names.length)) {
      Object.assign(counts, await this.sql.row<Record<string, number>>(batch));
    }
    return readProfile(names, counts);
  }

  async analyse(
    datasetId: number,
    mapping: ColumnMapping,
    options: AnalysisOptions,
    onStage: StageListener = () => {},
  ): Promise<AnalysisResult> {
    this.sql.beginWork();
    const dataset = this.dataset(datasetId);
    this.checkMapping(dataset, mapping);
    const [tx, totals, rfm, params] = (['tx', 'totals', 'rfm', 'params'] as const).map((p) =>
      tableName(p, datasetId),
    ) as [string, string, string, string];
    const { exclusions, lastDayPlusOne } = await this.typedRows(dataset, mapping, onStage);
    if (lastDayPlusOne === null) {
      throw new EngineError('no_valid_rows', {
        reasons: exclusions.map((x) => `${x.reason}:${x.rows}`),
      });
    }
    const asOf = options.asOf ?? lastDayPlusOne;
    if (!ISO_DATE.test(asOf)) throw new EngineError('invalid_as_of', { asOf });
    this.sql.runWithParams(paramsTableSql(params), [asOf]);
    onStage('scoring');
    await this.sql.run(
      buildCustomerTotalsSql({
        txTable: tx,
        outTable: totals,
        paramsTable: params,
        hasOrderId: mapping.orderId !== null,
      }),
    );
    await this.sql.run(buildRfmSql({ totalsTable: totals, outTable: rfm, paramsTable: params }));
    onStage('summarising');
    const summary = await this.summary(tx, totals, rfm, params);
    if (summary.customers === 0) throw new EngineError('no_customers', { asOf });
    dataset.analysed = true;
    const view = await this.segmentView(datasetId, options.scheme);
    return { datasetId, asOf, mapping, summary, exclusions, ...view };
  }

  /** `tx_<id>` for this mapping: typed now, or kept from the last analysis when the mapping is the same. */
  private async typedRows(
    dataset: Dataset,
    mapping: ColumnMapping,
    onStage: StageListener,
  ): Promise<TypedRows> {
    if (dataset.typed && FIELDS.every((f) => dataset.typed?.mapping[f] === mapping[f]))
      return dataset.typed;
    dataset.typed = null;
    dataset.analysed = false;
    const tx = tableName('tx', dataset.id);
    const dateColumn = dataset.columns[mapping.orderDate ?? -1];
    const amountColumn = dataset.columns[mapping.amount ?? mapping.unitPrice ?? -1];
    onStage('typing');
    await this.sql.run(
      buildTransactionsSql({
        rawTable: tableName('raw', dataset.id),
        outTable: tx,
        mapping,
        dateFamily: dateColumn?.dateFamily ?? 'ymd',
        decimal: amountColumn?.decimal ?? '.',
      }),
    );
    const exclusions = await this.exclusions(dataset.id, mapping);
    const { as_of } = await this.sql.row<{ as_of: string | null }>(defaultAsOfSql(tx));
    dataset.typed = { mapping: { ...mapping }, exclusions, lastDayPlusOne: as_of };
    return dataset.typed;
  }

  /** Segments and grid of an analysed dataset under another scheme, without re-scoring. */
  async segmentView(datasetId: number, scheme: SegmentScheme): Promise<SegmentView> {
    const rfm = this.analysedRfm(datasetId);
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
      (await this.sql.rows<Raw>(segmentSummarySql(rfm, scheme))).map((r) => [r.segment, r]),
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
    const cells = await this.sql.rows<RawCell>(rfmGridSql(rfm, scheme));
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

  /** One page of scored customers as Arrow IPC bytes (the caller decodes them). */
  customerPage(datasetId: number, request: CustomerPageRequest): Uint8Array {
    const rfm = this.analysedRfm(datasetId);
    const sql = customerPageSql({
      rfmTable: rfm,
      scheme: request.scheme,
      sort: request.sort,
      descending: request.descending,
    });
    return this.sql.runWithParams(sql, [
      request.segment,
      Math.trunc(request.limit),
      Math.trunc(request.offset),
    ]);
  }

  /** Every scored customer as Arrow IPC bytes. */
  async allCustomers(datasetId: number): Promise<Uint8Array> {
    this.sql.beginWork();
    return this.sql.run(`SELECT * FROM ${this.analysedRfm(datasetId)}`);
  }

  /** The customers CSV: UTF-8 with a BOM so that Excel shows Chinese text correctly. */
  async exportCustomers(datasetId: number, request: ExportRequest): Promise<Uint8Array> {
    this.sql.beginWork();
    const file = `export_${datasetId}.csv`;
    // An empty registered buffer keeps the COPY in memory (Node's runtime would write to disk).
    this.db.registerFileBuffer(file, new Uint8Array(0));
    try {
      await this.sql.run(
        customersExportSql(this.analysedRfm(datasetId), request.scheme, request.locale, file),
      );
      const csv = this.db.copyFileToBuffer(file);
      const out = new Uint8Array(csv.length + 3);
      out.set([0xef, 0xbb, 0xbf]);
      out.set(csv, 3);
      return out;
    } finally {
      this.db.dropFile(file);
    }
  }

  drop(datasetId: number): void {
    this.datasets.delete(datasetId);
    this.dropTables(datasetId);
  }

  private dropTables(id: number): void {
    for (const prefix of ['raw', 'tx', 'totals', 'rfm', 'params', 'rejects'] as const) {
      this.sql.runNow(`DROP TABLE IF EXISTS ${tableName(prefix, id)}`);
    }
    this.sql.runNow(`DROP TABLE IF EXISTS ${tableName('rejects', id)}_scan`);
  }

  private dataset(id: number): Dataset {
    const d = this.datasets.get(id);
    if (!d) throw new EngineError('unknown_dataset', { datasetId: id });
    return d;
  }

  private analysedRfm(id: number): string {
    if (!this.dataset(id).analysed) throw new EngineError('unknown_dataset', { datasetId: id });
    return tableName('rfm', id);
  }

  private checkMapping(dataset: Dataset, mapping: ColumnMapping): void {
    const missing = missingFields(mapping);
    if (missing.length > 0) throw new EngineError('mapping_incomplete', { missing });
    for (const field of FIELDS) {
      const index = mapping[field];
      if (
        index !== null &&
        (!Number.isInteger(index) || index < 0 || index >= dataset.columns.length)
      ) {
        throw new EngineError('mapping_incomplete', { missing: [field] });
      }
    }
  }

  private async summary(tx: string, totals: string, rfm: string, params: string): Promise<Summary> {
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
    const s = await this.sql.row<Raw>(summarySql(tx, totals, rfm, params));
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

  private async exclusions(id: number, mapping: ColumnMapping): Promise<Exclusion[]> {
    const tx = tableName('tx', id);
    const counts = await this.sql.rows<{ reason: Exclusion['reason']; rows: number }>(
      exclusionCountsSql(tx),
    );
    type RawSample = {
      reason: Exclusion['reason'];
      source_row: number;
      customer_text: string | null;
      date_text: string | null;
      amount_text: string | null;
    };
    const samples = await this.sql.rows<RawSample>(
      exclusionSamplesSql(tx, tableName('raw', id), mapping),
    );
    const result: Exclusion[] = counts.map(({ reason, rows }) => ({
      reason,
      rows,
      samples: samples
        .filter((s) => s.reason === reason)
        .map((s) => ({
          sourceRow: s.source_row,
          customerText: s.customer_text,
          dateText: s.date_text,
          amountText: s.amount_text,
          rawLine: null,
        })),
    }));
    const malformed = await this.malformedRows(id);
    if (malformed) result.push(malformed);
    return result;
  }

  private async malformedRows(id: number): Promise<Exclusion | null> {
    type Raw = { total: number; line: number; error_type: string; csv_line: string };
    // store_rejects always creates the table, empty when every line was well-formed.
    const rows = await this.sql.rows<Raw>(malformedRowsSql(tableName('rejects', id)));
    const first = rows[0];
    if (!first) return null;
    return {
      reason: 'malformed_row',
      rows: first.total,
      samples: rows.map((r) => ({
        sourceRow: r.line,
        customerText: null,
        dateText: null,
        amountText: null,
        rawLine: `${r.error_type}: ${r.csv_line}`,
      })),
    };
  }
}

/** DuckDB's complaint in a form for the user: their file name, the first two lines only. */
function readerMessage(message: string, internalName: string, fileName: string): string {
  return message
    .replaceAll(internalName, fileName)
    .split('\n')
    .filter(Boolean)
    .slice(0, 2)
    .join(' ');
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
