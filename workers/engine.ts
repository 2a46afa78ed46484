import type { SegmentationDataset } from './segmentation';
import { tableExists } from './tables';
import type { DuckDBBindings, DuckDBDataProtocol } from 'duckdb-wasm-browser-blocking';
import { customerPageSql, customersExportSql } from '../src/analysis/customers';
import {
  playbookInsertParams,
  playbookInsertSql,
  playbookTableSql,
  validExportRows,
} from '../src/analysis/playbookSql';
import { pointsSql, selectionTableSql } from '../src/analysis/pointsSql';
import { FIELDS, missingFields, type ColumnMapping } from '../src/analysis/mapping';
import {
  malformedRowsSql,
  rfmGridSql,
  segmentSummarySql,
  summarySql,
} from '../src/analysis/reports';
import { buildCustomerTotalsSql } from '../src/analysis/customerTotals';
import { buildRfmSql } from '../src/analysis/rfm';
import { segmentKeysOf, type SegmentKey, type SegmentScheme } from '../src/analysis/segments';
import {
  columnRef,
  isIsoDate,
  paramsTableSql,
  partTableName,
  tableName,
} from '../src/analysis/sql';
import {
  buildTransactionsSql,
  cancellationCheckSql,
  customerIdExpr,
  defaultAsOfSql,
  policyTablesSql,
} from '../src/analysis/transactions';
import {
  DEFAULT_POLICY,
  nonProductRows,
  samePolicy,
  validatePolicy,
  type IngestPolicy,
} from '../src/analysis/policy';
import {
  asOfQualitySql,
  QUALITY_RULES,
  RULE_EFFECT,
  rowsReadSql,
  typedQualitySql,
  type QualityRuleKey,
} from '../src/analysis/quality';
import { EngineError } from '../src/engine/errors';
import type {
  AnalysisOptions,
  AttributeSource,
  AnalysisResult,
  CustomerPageRequest,
  ExportRequest,
  GridCell,
  LoadedDataset,
  QualityRule,
  SegmentRow,
  SegmentView,
  Stage,
  Summary,
  ValueOptions,
  ValueResult,
  HoldoutOptions,
  HoldoutResult,
  LifecycleOptions,
  LifecycleResult,
  AttributeBreakdown,
  ClusterOptions,
  ClusterResult,
  CustomerAttribute,
  PersonaRequest,
  PersonaResult,
  NotebookRunResult,
  NotebookTable,
  StepStatement,
} from '../src/engine/types';
import { loadCsvSql } from '../src/ingest/csv';
import { planCombination, type LoadedPart } from '../src/ingest/combine';
import { checkMemory } from '../src/ingest/memory';
import { inspectMojibake, looksGarbled } from '../src/ingest/mojibake';
import {
  toCsvSource,
  type CsvSource,
  type ReadOptions,
  type SourceFile,
  textBytes,
} from '../src/ingest/source';
import { guessMapping } from '../src/ingest/headerGuess';
import { DATE_FAMILIES, type DateFamily } from '../src/ingest/dateFormats';
import { profileSqlBatches, readProfile, type ProfiledColumn } from '../src/ingest/profile';
import { SqlRunner, type StatementTiming } from './sqlRunner';

export type StageListener = (stage: Stage, fraction?: number | null) => void;

/** DuckDBDataProtocol.BROWSER_FILEREADER; the enum's module is the browser bundle, not loadable in Node. */
const BROWSER_FILEREADER = 2 as DuckDBDataProtocol;

const NO_READ_OPTIONS: ReadOptions = { encoding: null, sheet: null };

/** One file read into its own table. */
interface LoadedPartInfo {
  source: CsvSource;
  table: string;
  rejects: string;
  names: string[];
  rowCount: number;
}

interface Combined {
  /** The appended order files, described like one file. */
  orders: LoadedPartInfo;
  customers: LoadedPartInfo | null;
  attributes: AttributeSource | null;
  rowCount: number;
}

/** Rows typed with one mapping: what an analysis under another as-of date can reuse. */
interface TypedRows {
  mapping: ColumnMapping;
  policy: IngestPolicy;
  /** The rules decided by typing (all but `after_as_of`), and the rows read. */
  rules: QualityRule[];
  rowsRead: number;
  /** The default as-of date; null when no row is usable. */
  lastDayPlusOne: string | null;
}

interface Dataset {
  id: number;
  columns: ProfiledColumn[];
  typed: TypedRows | null;
  analysed: boolean;
  /** The as-of date of the analysis whose customers `value_<id>` holds; null when not valued. */
  valuedAsOf: string | null;
  /** The as-of date of the stages in `lcstage_<id>`; null when none. */
  lifecycleAsOf: string | null;
  /** Whether `sel_<id>` holds a selection made on this analysis's points. */
  selected: boolean;
  /** The customer list joined on the customer id (`attrs_<id>`), when one was given. */
  attributes: AttributeSource | null;
}

const PREVIEW_ROWS = 5;

/**
 * The database side of ValueMap: loads files into tables, maps and types them, scores customers.
 * It runs inside the worker (and, in unit tests, in Node on the same DuckDB-WASM build).
 */
export class Engine {
  private readonly sql: SqlRunner;
  private readonly datasets = new Map<number, Dataset>();
  /** Aborts the JavaScript steps of the current work (transcoding, conversion) on cancel. */
  private abort = new AbortController();
  private nextId: number;
  /** The notebook run in progress, and runs cancelled before their turn (workers/notebook.ts). */
  private notebookRunning: number | null = null;
  private readonly cancelledRuns = new Set<number>();

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
    this.abort.abort();
    this.sql.cancel();
  }

  /** The statements run lately, with their durations (oldest first). */
  statementLog(): StatementTiming[] {
    return [...this.sql.log];
  }

  /** Start of a unit of work: forget cancel requests that arrived before it. */
  beginWork(): void {
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.sql.beginWork();
    this.sql.beginStep(null);
  }

  /** One file's bytes (tests, warm-up): the same path as a dropped file. */
  loadCsv(
    bytes: Uint8Array,
    fileName: string,
    onStage: StageListener = () => {},
  ): Promise<LoadedDataset> {
    return this.load(
      [{ name: fileName, blob: new Blob([bytes as BlobPart]) }],
      NO_READ_OPTIONS,
      onStage,
    );
  }

  /**
   * Files into `raw_<id>`: each converted to UTF-8 CSV text and read as text columns; several files
   * with the same columns are appended, a customer list beside them is kept as `attrs_<id>`.
   */
  async load(
    files: SourceFile[],
    options: ReadOptions,
    onStage: StageListener = () => {},
  ): Promise<LoadedDataset> {
    this.beginWork();
    const signal = this.abort.signal;
    const id = this.nextId++;
    const single = files.length === 1;
    try {
      if (files.length === 0) throw new EngineError('empty_file', { file: '' });
      if (options.memoryCheck !== false)
        checkMemory(files.map((f) => ({ name: f.name, bytes: f.blob.size })));
      const parts: LoadedPartInfo[] = [];
      const texts: { name: string; bytes: number }[] = [];
      for (const [k, file] of files.entries()) {
        onStage('decoding');
        const source = await toCsvSource(file, options, (p) => onStage(p.step, p.fraction), signal);
        texts.push({ name: file.name, bytes: textBytes(source.text) });
        if (options.memoryCheck !== false) checkMemory(texts);
        const table = single ? tableName('raw', id) : partTableName(id, k);
        const rejects = single ? tableName('rejects', id) : `${table}_rejects`;
        onStage('parsing');
        await this.readCsv(table, source, rejects);
        parts.push({ source, table, rejects, ...(await this.describe(table, rejects, file.name)) });
      }
      onStage('profiling');
      const combined = single ? null : await this.combine(id, parts);
      const orders = combined ? combined.orders : (parts[0] as LoadedPartInfo);
      const columns = await this.profile(tableName('raw', id), orders.names);
      if (!columns.some((c) => c.dateShare > 0) || !columns.some((c) => c.numberShare > 0)) {
        throw new EngineError('no_usable_columns', {
          file: parts.map((p) => sourceLabel(p.source)).join(', '),
          columns: orders.names,
          lacks: columns.some((c) => c.dateShare > 0) ? 'amount' : 'date',
        });
      }
      const preview = (
        await this.sql.table(`SELECT * FROM ${tableName('raw', id)} LIMIT ${PREVIEW_ROWS}`)
      )
        .toArray()
        .map((row) => orders.names.map((n) => (row[n] ?? null) as string | null));
      this.datasets.set(id, {
        id,
        columns,
        typed: null,
        analysed: false,
        valuedAsOf: null,
        lifecycleAsOf: null,
        selected: false,
        attributes: combined?.attributes ?? null,
      });
      const first = (parts[0] as LoadedPartInfo).source;
      const shown = [...orders.names, ...preview.flat()].join('\n');
      const garbled =
        first.encoding && looksGarbled(shown) ? (inspectMojibake(shown).example ?? '') : null;
      return {
        datasetId: id,
        fileName: files.map((f) => f.name).join(' + '),
        format: first.format,
        encoding: first.encoding,
        sheets: first.sheets,
        sheet: first.sheet,
        garbled,
        files: parts
          .filter((p) => p !== combined?.customers)
          .map((p) => ({
            name: p.source.name,
            rows: p.rowCount,
            format: p.source.format,
            encoding: p.source.encoding?.encoding ?? null,
          })),
        rowCount: orders === parts[0] ? orders.rowCount : (combined?.rowCount ?? 0),
        columns,
        guess: guessMapping(columns),
        preview,
        attributes: combined?.attributes ?? null,
      };
    } catch (e) {
      this.dropTables(id);
      for (const k of files.keys()) {
        this.sql.runNow(`DROP TABLE IF EXISTS ${partTableName(id, k)}`);
        this.sql.runNow(`DROP TABLE IF EXISTS ${partTableName(id, k)}_rejects`);
        this.sql.runNow(`DROP TABLE IF EXISTS ${partTableName(id, k)}_rejects_scan`);
      }
      throw e;
    }
  }

  /** The CSV text into `table`; DuckDB's complaint, if any, becomes a user error. */
  private async readCsv(table: string, source: CsvSource, rejectsTable: string): Promise<void> {
    const file = `${table}.csv`;
    await this.register(file, source.text);
    try {
      await this.sql.run(loadCsvSql(file, table, rejectsTable, source.dialect));
    } catch (e) {
      if (e instanceof EngineError) throw e;
      const message = readerMessage(errorMessage(e), file, source.name);
      throw new EngineError('csv_unreadable', { file: source.name, message });
    } finally {
      this.db.dropFile(file); // the table holds the data now; free the copy
    }
  }

  /**
   * Text in memory is handed over as a buffer. A Blob (large text) is read in place in a worker
   * (FileReaderSync), so a 1 GB file is not copied into the wasm heap; elsewhere (Node tests) its
   * bytes are handed over.
   */
  private async register(name: string, text: Blob | Uint8Array): Promise<void> {
    if (text instanceof Uint8Array) {
      this.db.registerFileBuffer(name, text);
    } else if ((globalThis as { FileReaderSync?: unknown }).FileReaderSync !== undefined) {
      this.db.registerFileHandle(name, text, BROWSER_FILEREADER, true);
    } else {
      this.db.registerFileBuffer(name, new Uint8Array(await text.arrayBuffer()));
    }
  }

  /** Column names and row count; a table without rows is explained (header only, or all malformed). */
  private async describe(
    table: string,
    rejects: string,
    fileName: string,
  ): Promise<{ names: string[]; rowCount: number }> {
    const names = (await this.sql.rows<{ column_name: string }>(`DESCRIBE ${table}`)).map(
      (c) => c.column_name,
    );
    const { n: rowCount } = await this.sql.row<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    if (rowCount > 0) return { names, rowCount };
    type Raw = { total: number; line: number; error_type: string; csv_line: string };
    const [first] = await this.sql.rows<Raw>(malformedRowsSql(rejects, 1));
    if (!first) throw new EngineError('no_rows', { file: fileName, columns: names });
    throw new EngineError('all_rows_malformed', {
      file: fileName,
      rows: first.total,
      line: first.line,
      text: `${first.error_type}: ${first.csv_line}`,
    });
  }

  /**
   * Several files → `raw_<id>` (order files appended in the order given) and, when one file is a
   * customer list, `attrs_<id>` keyed by the cleaned customer id.
   */
  private async combine(id: number, parts: LoadedPartInfo[]): Promise<Combined> {
    const loaded: LoadedPart[] = [];
    for (const part of parts) {
      const columns = await this.profile(part.table, part.names);
      const guess = guessMapping(columns);
      let idsUnique: boolean | null = null;
      if (guess.customerId !== null) {
        const { unique } = await this.sql.row<{ unique: boolean }>(
          `SELECT count(DISTINCT ${columnRef(guess.customerId)}) = count(*) AS unique FROM ${part.table}`,
        );
        idsUnique = unique;
      }
      loaded.push({
        name: part.source.name,
        columns: part.names,
        customerIdColumn: guess.customerId,
        hasOrderDate: guess.orderDate !== null,
        hasAmount: guess.amount !== null || (guess.quantity !== null && guess.unitPrice !== null),
        idsUnique,
      });
    }
    const plan = planCombination(loaded);
    const orderParts = plan.orders.map((i) => parts[i] as LoadedPartInfo);
    const first = orderParts[0] as LoadedPartInfo;
    // By name, so monthly exports whose columns come in another order still line up.
    await this.sql.run(
      `CREATE OR REPLACE TABLE ${tableName('raw', id)} AS ${orderParts.map((p) => `SELECT * FROM ${p.table}`).join(' UNION ALL BY NAME ')}`,
    );
    await this.sql.run(
      `CREATE OR REPLACE TABLE ${tableName('rejects', id)} AS ${orderParts.map((p) => `SELECT * FROM ${p.rejects}`).join(' UNION ALL ')}`,
    );
    let attributes: AttributeSource | null = null;
    let customersPart: LoadedPartInfo | null = null;
    if (plan.customers) {
      customersPart = parts[plan.customers.part] as LoadedPartInfo;
      attributes = await this.keepAttributes(id, customersPart, plan.customers.keyColumn);
    }
    for (const part of parts) {
      this.sql.runNow(`DROP TABLE IF EXISTS ${part.table}`);
      this.sql.runNow(`DROP TABLE IF EXISTS ${part.rejects}`);
      this.sql.runNow(`DROP TABLE IF EXISTS ${part.rejects}_scan`);
    }
    const rowCount = orderParts.reduce((n, p) => n + p.rowCount, 0);
    return { orders: { ...first, rowCount }, customers: customersPart, attributes, rowCount };
  }

  /** The customer list, one row per cleaned id (the first wins), its columns named as in the file. */
  private async keepAttributes(
    id: number,
    part: LoadedPartInfo,
    keyColumn: number,
  ): Promise<AttributeSource | null> {
    if (part.names.length < 2) return null; // a bare list of ids describes nobody
    const attrs = tableName('attrs', id);
    // Positional references keep the file's column names without writing them into SQL text.
    const others = part.names.flatMap((_, i) => (i === keyColumn ? [] : [columnRef(i)]));
    await this.sql.run(
      `CREATE OR REPLACE TABLE ${attrs} AS
SELECT DISTINCT ON (customer_key) * FROM (
  SELECT ${customerIdExpr(columnRef(keyColumn))} AS customer_key, ${others.join(', ')}
  FROM ${part.table}
) WHERE customer_key IS NOT NULL ORDER BY customer_key`,
    );
    const { n } = await this.sql.row<{ n: number }>(`SELECT count(*) AS n FROM ${attrs}`);
    return {
      fileName: part.source.name,
      key: part.names[keyColumn] ?? '',
      columns: part.names.filter((_, i) => i !== keyColumn),
      rows: part.rowCount,
      customers: n,
    };
  }

  private async profile(table: string, names: string[]): Promise<ProfiledColumn[]> {
    const counts: Record<string, number> = {};
    for (const batch of profileSqlBatches(table, names.length)) {
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
    this.sql.beginStep('analysis');
    const dataset = this.dataset(datasetId);
    this.checkMapping(dataset, mapping);
    const dateFamily = this.readDatesAs(dataset, mapping, options.dateFamily ?? null);
    // The policy crosses the worker boundary: take only a well-formed one, tidied.
    const { policy, problems } = validatePolicy(options.policy ?? DEFAULT_POLICY);
    if (problems.length > 0) throw new EngineError('invalid_policy', { problems });
    const [tx, totals, rfm, params] = (['tx', 'totals', 'rfm', 'params'] as const).map((p) =>
      tableName(p, datasetId),
    ) as [string, string, string, string];
    const typed = await this.typedRows(dataset, mapping, policy, onStage);
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
    const afterAsOf = await this.qualityRules(
      asOfQualitySql({
        txTable: tx,
        rawTable: tableName('raw', datasetId),
        rejectsTable: tableName('rejects', datasetId),
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
    dataset.analysed = true;
    dataset.valuedAsOf = null;
    dataset.lifecycleAsOf = null;
    dataset.selected = false;
    this.sql.runNow(`DROP TABLE IF EXISTS ${tableName('value', datasetId)}`);
    this.sql.runNow(`DROP TABLE IF EXISTS ${tableName('sel', datasetId)}`);
    this.sql.runNow(`DROP TABLE IF EXISTS ${tableName('lcstage', datasetId)}`);
    this.sql.runNow(`DROP TABLE IF EXISTS ${tableName('cluster', datasetId)}`);
    const view = await this.segmentView(datasetId, options.scheme);
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
  private async typedRows(
    dataset: Dataset,
    mapping: ColumnMapping,
    policy: IngestPolicy,
    onStage: StageListener,
  ): Promise<TypedRows> {
    const kept = dataset.typed;
    if (
      kept &&
      FIELDS.every((f) => kept.mapping[f] === mapping[f]) &&
      samePolicy(kept.policy, policy)
    )
      return kept;
    dataset.typed = null;
    dataset.analysed = false;
    const tx = tableName('tx', dataset.id);
    const raw = tableName('raw', dataset.id);
    // Lives only while typing and its report run: everything later reads tx.
    const policyTable = `${tableName('params', dataset.id)}_policy`;
    const dateColumn = dataset.columns[mapping.orderDate ?? -1];
    const amountColumn = dataset.columns[mapping.amount ?? mapping.unitPrice ?? -1];
    const decimal = amountColumn?.decimal ?? '.';
    onStage('typing');
    try {
      const codes = nonProductRows(policy.nonProductCodes);
      for (const { sql, params } of policyTablesSql(
        policyTable,
        policy.cancelledOrderPrefix,
        codes,
      ))
        this.sql.runWithParams(sql, params);
      if (mapping.orderId !== null && policy.cancelledOrderPrefix !== '') {
        await this.sql.run(cancellationCheckSql(raw, mapping, decimal, policyTable));
      }
      await this.sql.run(
        buildTransactionsSql({
          rawTable: raw,
          outTable: tx,
          mapping,
          dateFamily: dateColumn?.dateFamily ?? 'ymd',
          decimal,
          columnCount: dataset.columns.length,
          policy,
          policyTable,
        }),
      );
      const rejectsTable = tableName('rejects', dataset.id);
      const rules = await this.qualityRules(
        typedQualitySql({ txTable: tx, rawTable: raw, rejectsTable, policyTable, mapping }),
      );
      const { rows_read } = await this.sql.row<{ rows_read: number }>(
        rowsReadSql(tx, rejectsTable),
      );
      const { as_of } = await this.sql.row<{ as_of: string | null }>(defaultAsOfSql(tx));
      dataset.typed = {
        mapping: { ...mapping },
        policy,
        rules,
        rowsRead: rows_read,
        lastDayPlusOne: as_of,
      };
      return dataset.typed;
    } finally {
      this.sql.runNow(`DROP TABLE IF EXISTS ${policyTable}`);
      this.sql.runNow(`DROP TABLE IF EXISTS ${policyTable}_codes`);
    }
  }

  /**
   * Historical, current and predicted value of every customer of the analysed dataset, with the
   * model fits, tiers and classes (workers/value.ts).
   */
  async value(
    datasetId: number,
    options: ValueOptions,
    onStage: StageListener = () => {},
  ): Promise<ValueResult> {
    // The models load after the segments are on screen, outside the first download.
    const { computeValue } = await import('./value');
    this.sql.beginWork();
    this.sql.beginStep('value');
    const dataset = this.dataset(datasetId);
    this.analysedRfm(datasetId);
    dataset.valuedAsOf = null;
    const as_of = await this.asOfOf(datasetId);
    const result = await computeValue(
      this.sql,
      datasetId,
      as_of,
      { columns: dataset.columns, listColumns: dataset.attributes?.columns ?? null },
      options,
      onStage,
    );
    dataset.valuedAsOf = as_of;
    return result;
  }

  /**
   * Lifecycle stages, history, flows, cohorts and churn risk of the analysed dataset; uses the
   * value step's P(alive) when it ran for the same as-of date (workers/lifecycle.ts).
   */
  async lifecycle(
    datasetId: number,
    options: LifecycleOptions,
    scheme: SegmentScheme,
  ): Promise<LifecycleResult> {
    const { computeLifecycle } = await import('./lifecycle');
    this.sql.beginWork();
    this.sql.beginStep('lifecycle');
    const dataset = this.dataset(datasetId);
    this.analysedRfm(datasetId);
    const as_of = await this.asOfOf(datasetId);
    const result = await computeLifecycle(this.sql, datasetId, {
      options,
      asOf: as_of,
      valueTable: dataset.valuedAsOf === as_of ? tableName('value', datasetId) : null,
      scheme,
    });
    dataset.lifecycleAsOf = as_of;
    return result;
  }

  /** Columns that can describe customers, classified (workers/segmentation.ts). */
  async customerAttributes(datasetId: number): Promise<CustomerAttribute[]> {
    // Segmentation (k-means, attributes, personas) loads on first use, like the models.
    const { listAttributes } = await import('./segmentation');
    return listAttributes(this.sql, await this.segmentationDataset(datasetId));
  }

  /** Every customer's group of an attribute, in the points' order (workers/segmentation.ts). */
  async attributeGroupOrders(datasetId: number, attribute: CustomerAttribute): Promise<Uint8Array> {
    const { attributeGroupOrders } = await import('./segmentation');
    return attributeGroupOrders(this.sql, await this.segmentationDataset(datasetId), attribute);
  }

  /** Value and RFM per group of one attribute, and the segment × group cross-tab. */
  async attributeBreakdown(
    datasetId: number,
    attribute: CustomerAttribute,
    scheme: SegmentScheme,
  ): Promise<AttributeBreakdown> {
    const { attributeBreakdown } = await import('./segmentation');
    const dataset = await this.segmentationDataset(datasetId);
    this.sql.beginStep('breakdown');
    return attributeBreakdown(this.sql, dataset, attribute, scheme);
  }

  /** k-means clusters of the analysed customers; leaves `cluster_<id>` (customer_id, cluster). */
  async clusters(datasetId: number, options: ClusterOptions): Promise<ClusterResult> {
    const { clusterCustomers } = await import('./segmentation');
    const dataset = await this.segmentationDataset(datasetId);
    this.sql.beginStep('clusters');
    return clusterCustomers(this.sql, dataset, options);
  }

  /** Persona cards per segment, cluster or attribute group. */
  async personas(datasetId: number, request: PersonaRequest): Promise<PersonaResult> {
    const { personas } = await import('./segmentation');
    const dataset = await this.segmentationDataset(datasetId);
    this.sql.beginStep('personas');
    return personas(this.sql, dataset, request);
  }

  /** The friendly views of the analysis on screen and their columns (workers/notebook.ts). */
  async notebookSchema(datasetId: number, scheme: SegmentScheme): Promise<NotebookTable[]> {
    // The notebook's code loads with the notebook, outside the first download.
    const { notebookSchema } = await import('./notebook');
    return notebookSchema(this.sql, await this.notebookContext(datasetId, scheme));
  }

  /**
   * The analyst's own read-only SQL on the friendly views; at most `maxRows` rows come back.
   * `runId` names the run for `cancelNotebookRun`, which may arrive while it still waits in line.
   */
  async notebookRun(
    datasetId: number,
    scheme: SegmentScheme,
    text: string,
    maxRows: number,
    runId = 0,
  ): Promise<NotebookRunResult> {
    const { runNotebookSql } = await import('./notebook');
    if (this.cancelledRuns.delete(runId)) throw new EngineError('cancelled');
    this.notebookRunning = runId;
    try {
      return await runNotebookSql(
        this.sql,
        await this.notebookContext(datasetId, scheme),
        text,
        maxRows,
      );
    } finally {
      this.notebookRunning = null;
    }
  }

  /** Stop a notebook run: now if it runs, else when its turn comes (called outside the queue). */
  cancelNotebookRun(runId: number): void {
    if (this.notebookRunning === runId) this.cancel();
    else this.cancelledRuns.add(runId);
  }

  /** What the named built-in steps ran last, for "Show SQL" (rewritten for notebook cells). */
  async stepStatements(datasetId: number, steps: string[]): Promise<StepStatement[]> {
    const { stepStatements } = await import('./notebook');
    return stepStatements(this.sql, datasetId, steps);
  }

  private async notebookContext(datasetId: number, scheme: SegmentScheme) {
    this.sql.beginWork();
    const dataset = this.dataset(datasetId);
    this.analysedRfm(datasetId);
    const asOf = await this.asOfOf(datasetId);
    return {
      datasetId,
      scheme,
      valued: dataset.valuedAsOf === asOf,
      staged: dataset.lifecycleAsOf === asOf,
    };
  }

  private async segmentationDataset(datasetId: number): Promise<SegmentationDataset> {
    this.sql.beginWork();
    const dataset = this.dataset(datasetId);
    this.analysedRfm(datasetId);
    const asOf = await this.asOfOf(datasetId);
    if (!dataset.typed) throw new EngineError('unknown_dataset', { datasetId });
    return {
      datasetId,
      asOf,
      columns: dataset.columns,
      listColumns: dataset.attributes?.columns ?? null,
      mapping: dataset.typed.mapping,
      valued: dataset.valuedAsOf === asOf,
    };
  }

  /** Fit on the purchases before a split date and compare predictions with the rest. */
  async holdout(datasetId: number, options: HoldoutOptions): Promise<HoldoutResult> {
    const { computeHoldout } = await import('./holdout');
    this.sql.beginWork();
    this.analysedRfm(datasetId);
    return computeHoldout(this.sql, datasetId, options);
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

  /**
   * Every customer's scores, segment, value and stage (those computed for the analysis on screen)
   * as Arrow IPC bytes, in customer-id order: the value map and linked charts work on these.
   */
  async points(datasetId: number, scheme: SegmentScheme): Promise<Uint8Array> {
    this.sql.beginWork();
    const dataset = this.dataset(datasetId);
    const rfmTable = this.analysedRfm(datasetId);
    const as_of = await this.asOfOf(datasetId);
    return this.sql.run(
      pointsSql({
        rfmTable,
        scheme,
        valueTable: dataset.valuedAsOf === as_of ? tableName('value', datasetId) : null,
        stageTable: dataset.lifecycleAsOf === as_of ? tableName('lcstage', datasetId) : null,
        clusterTable: this.clusterTableOf(datasetId),
      }),
    );
  }

  /** `cluster_<id>` once the customers were clustered (workers/segmentation.ts), else null. */
  private clusterTableOf(datasetId: number): string | null {
    const table = tableName('cluster', datasetId);
    return tableExists(this.sql, table) ? table : null;
  }

  /**
   * The analyst's selection (positions in the points' order), kept as `sel_<id>` so the customer
   * list and exports can filter on it; null clears it.
   */
  setSelection(datasetId: number, positions: Int32Array | null): void {
    const rfmTable = this.analysedRfm(datasetId);
    const selTable = tableName('sel', datasetId);
    const positionsTable = tableName('selk', datasetId);
    this.dataset(datasetId).selected = false;
    if (positions === null) {
      this.sql.runNow(`DROP TABLE IF EXISTS ${selTable}`);
      return;
    }
    this.sql.insertColumns(positionsTable, { k: positions });
    this.sql.runNow(selectionTableSql({ rfmTable, positionsTable, selTable }));
    this.sql.runNow(`DROP TABLE IF EXISTS ${positionsTable}`);
    this.dataset(datasetId).selected = true;
  }

  /** One page of scored customers as Arrow IPC bytes (the caller decodes them). */
  customerPage(datasetId: number, request: CustomerPageRequest): Uint8Array {
    const rfm = this.analysedRfm(datasetId);
    const sql = customerPageSql({
      rfmTable: rfm,
      scheme: request.scheme,
      sort: request.sort,
      descending: request.descending,
      selTable:
        request.selected && this.dataset(datasetId).selected ? tableName('sel', datasetId) : null,
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
    const playbook = validExportRows(request.playbook);
    const playbookTable = playbook.length > 0 ? tableName('playbook', datasetId) : null;
    try {
      if (playbookTable) {
        // The analyst's text enters DuckDB as parameters only.
        this.sql.runNow(playbookTableSql(playbookTable));
        this.sql.runWithParams(
          playbookInsertSql(playbookTable, playbook.length),
          playbookInsertParams(playbook),
        );
      }
      await this.sql.run(
        customersExportSql(
          this.analysedRfm(datasetId),
          request.scheme,
          request.locale,
          file,
          this.dataset(datasetId).attributes ? tableName('attrs', datasetId) : null,
          this.dataset(datasetId).valuedAsOf ? tableName('value', datasetId) : null,
          this.dataset(datasetId).lifecycleAsOf ? tableName('lcstage', datasetId) : null,
          playbookTable,
          this.clusterTableOf(datasetId),
        ),
      );
      const csv = this.db.copyFileToBuffer(file);
      const out = new Uint8Array(csv.length + 3);
      out.set([0xef, 0xbb, 0xbf]);
      out.set(csv, 3);
      return out;
    } finally {
      this.db.dropFile(file);
      if (playbookTable) this.sql.runNow(`DROP TABLE IF EXISTS ${playbookTable}`);
    }
  }

  drop(datasetId: number): void {
    this.datasets.delete(datasetId);
    this.dropTables(datasetId);
  }

  private dropTables(id: number): void {
    const prefixes = [
      ...['raw', 'tx', 'totals', 'rfm', 'params', 'rejects', 'attrs'],
      ...['clvsum', 'vparams', 'vinputs', 'vpred', 'value', 'vextra', 'vcac'],
      ...['lcrules', 'lcstage', 'lchist', 'lccohort', 'sel', 'selk'],
      'cluster',
    ] as const;
    for (const prefix of prefixes) {
      this.sql.runNow(`DROP TABLE IF EXISTS ${tableName(prefix, id)}`);
    }
    this.sql.runNow(`DROP TABLE IF EXISTS ${tableName('rejects', id)}_scan`);
  }

  private dataset(id: number): Dataset {
    const d = this.datasets.get(id);
    if (!d) throw new EngineError('unknown_dataset', { datasetId: id });
    return d;
  }

  /** The as-of date of the dataset's analysis, as 'YYYY-MM-DD'. */
  private async asOfOf(id: number): Promise<string> {
    const { as_of } = await this.sql.row<{ as_of: string }>(
      `SELECT strftime(as_of, '%Y-%m-%d') AS as_of FROM ${tableName('params', id)}`,
    );
    return as_of;
  }

  private analysedRfm(id: number): string {
    if (!this.dataset(id).analysed) throw new EngineError('unknown_dataset', { datasetId: id });
    return tableName('rfm', id);
  }

  /**
   * The analyst's reading of the date column replaces the profiled one (and the typed rows made
   * with it); returns the reading in force.
   */
  private readDatesAs(
    dataset: Dataset,
    mapping: ColumnMapping,
    chosen: DateFamily | null,
  ): DateFamily {
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

  /** A quality report query's rows (one per sample) as rules with their samples. */
  private async qualityRules(sql: string): Promise<QualityRule[]> {
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
    for (const r of await this.sql.rows<Raw>(sql)) {
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
}

/** The file's name, with the sheet read when it is a workbook. */
function sourceLabel(source: CsvSource): string {
  return source.sheet === null ? source.name : `${source.name} › ${source.sheet}`;
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
