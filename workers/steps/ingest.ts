/**
 * Ingest: files → `raw_<id>` (text columns) with the reader's rejects, several files appended or
 * a customer list kept as `attrs_<id>`; the columns profiled and a mapping guessed.
 */
import { columnRef, partTableName, tableName } from '../../src/analysis/sql';
import { malformedRowsSql } from '../../src/analysis/reports';
import { customerIdExpr } from '../../src/analysis/transactions';
import { EngineError } from '../../src/engine/errors';
import type { AttributeSource, LoadedDataset, Stage } from '../../src/engine/types';
import { planCombination, type LoadedPart } from '../../src/ingest/combine';
import { loadCsvSql, sampleCsvSql } from '../../src/ingest/csv';
import { guessMapping } from '../../src/ingest/headerGuess';
import { checkMemory, textShape } from '../../src/ingest/memory';
import { inspectMojibake, looksGarbled } from '../../src/ingest/mojibake';
import { profileSqlBatches, readProfile, type ProfiledColumn } from '../../src/ingest/profile';
import {
  textBytes,
  toCsvSource,
  type CsvSource,
  type ReadOptions,
  type SourceFile,
} from '../../src/ingest/source';
import {
  planTypedRead,
  rawTextViewSql,
  typedCandidates,
  typedReadCheckSql,
  typedReadOptions,
} from '../../src/ingest/typedRead';
import type { ColumnMapping } from '../../src/analysis/mapping';
import { Dataset, type TypedRead } from '../dataset';
import type { Engine } from '../engine';

export type StageListener = (stage: Stage, fraction?: number | null) => void;

const NO_READ_OPTIONS: ReadOptions = { encoding: null, sheet: null };
const PREVIEW_ROWS = 5;

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

/**
 * Files into `raw_<id>`: each converted to UTF-8 CSV text and read as text columns; several files
 * with the same columns are appended, a customer list beside them is kept as `attrs_<id>`.
 */
async function load(
  engine: Engine,
  files: SourceFile[],
  options: ReadOptions,
  onStage: StageListener = () => {},
): Promise<LoadedDataset> {
  const signal = engine.signal;
  const id = engine.newDatasetId();
  const single = files.length === 1;
  const { sql } = engine;
  let read: SingleRead | null = null;
  try {
    if (files.length === 0) throw new EngineError('empty_file', { file: '' });
    if (options.memoryCheck !== false)
      checkMemory(files.map((f) => ({ name: f.name, bytes: f.blob.size })));
    const parts: LoadedPartInfo[] = [];
    const texts: { name: string; bytes: number; cells: number }[] = [];
    for (const [k, file] of files.entries()) {
      onStage('decoding');
      const source = await toCsvSource(file, options, (p) => onStage(p.step, p.fraction), signal);
      const bytes = textBytes(source.text);
      const shape = textShape(await head(source.text), bytes);
      texts.push({ name: file.name, bytes, cells: shape.rows * shape.columns });
      // A single file is checked once its typed columns are known (they cost less).
      if (options.memoryCheck !== false && !single) checkMemory(texts);
      const table = single ? tableName('raw', id) : partTableName(id, k);
      const rejects = single ? tableName('rejects', id) : `${table}_rejects`;
      onStage('parsing');
      if (single) {
        const sized = { name: file.name, bytes, rows: shape.rows };
        read = await readTyped(engine, id, source, options.memoryCheck === false ? null : sized);
      } else await readCsv(engine, table, source, rejects);
      parts.push({
        source,
        table: read?.typed?.table ?? table,
        rejects,
        ...(await describe(engine, read?.typed?.table ?? table, rejects, file.name)),
      });
    }
    onStage('profiling');
    const combined = single ? null : await combine(engine, id, parts);
    const orders = combined ? combined.orders : (parts[0] as LoadedPartInfo);
    const columns = read?.columns ?? (await profile(engine, tableName('raw', id), orders.names));
    if (!columns.some((c) => c.dateShare > 0) || !columns.some((c) => c.numberShare > 0)) {
      throw new EngineError('no_usable_columns', {
        file: parts.map((p) => sourceLabel(p.source)).join(', '),
        columns: orders.names,
        lacks: columns.some((c) => c.dateShare > 0) ? 'amount' : 'date',
      });
    }
    const preview =
      read?.preview ??
      (await sql.table(`SELECT * FROM ${tableName('raw', id)} LIMIT ${PREVIEW_ROWS}`))
        .toArray()
        .map((row) => orders.names.map((n) => (row[n] ?? null) as string | null));
    const dataset = new Dataset(id, columns, combined?.attributes ?? null);
    dataset.typedRead = read?.typed ?? null;
    dataset.completed('ingest');
    engine.add(dataset);
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
      delimiter: first.delimiter,
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
      guess: read?.guess ?? guessMapping(columns),
      preview,
      attributes: combined?.attributes ?? null,
    };
  } catch (e) {
    if (read?.typed) engine.unregister(read.typed.file);
    new Dataset(id, [], null).drop(sql);
    for (const k of files.keys()) {
      sql.runNow(`DROP TABLE IF EXISTS ${partTableName(id, k)}`);
      sql.runNow(`DROP TABLE IF EXISTS ${partTableName(id, k)}_rejects`);
      sql.runNow(`DROP TABLE IF EXISTS ${partTableName(id, k)}_rejects_scan`);
    }
    throw e;
  }
}

/** The first bytes of a text, to see its shape. */
const SHAPE_SAMPLE_BYTES = 256 * 1024;
async function head(text: Blob | Uint8Array): Promise<Uint8Array> {
  return text instanceof Uint8Array
    ? text.subarray(0, SHAPE_SAMPLE_BYTES)
    : new Uint8Array(await text.slice(0, SHAPE_SAMPLE_BYTES).arrayBuffer());
}

/** One file's bytes (tests, warm-up): the same path as a dropped file. */
export function loadCsv(
  engine: Engine,
  bytes: Uint8Array,
  fileName: string,
  onStage: StageListener = () => {},
): Promise<LoadedDataset> {
  return load(
    engine,
    [{ name: fileName, blob: new Blob([bytes as BlobPart]) }],
    NO_READ_OPTIONS,
    onStage,
  );
}

/** The CSV text into `table` as text columns; the registered copy is dropped once read. */
async function readCsv(
  engine: Engine,
  table: string,
  source: CsvSource,
  rejectsTable: string,
): Promise<void> {
  const file = await engine.register(`${table}.csv`, source.text);
  try {
    await readerStatement(
      engine,
      loadCsvSql(file, table, rejectsTable, source.dialect),
      file,
      source,
    );
  } finally {
    engine.unregister(file); // the table holds the data now; free the copy
  }
}

/** Rows read as text to recognise and type the columns (the profile reads the first 1000). */
const SAMPLE_ROWS = 5000;

/** One file read for the analysis: recognised from its first rows, then read typed where it can be. */
interface SingleRead {
  columns: ProfiledColumn[];
  guess: ColumnMapping;
  preview: (string | null)[][];
  /** The typed read kept (`raw_<id>` is then a text view over it); null when read as text. */
  typed: TypedRead | null;
}

/**
 * One file into `raw_<id>`: its first rows are read as text, profiled and their columns guessed;
 * then the whole file is read with the guessed date and amount columns typed by DuckDB's reader
 * where the sample shows they can be (`planTypedRead`), into `rawtyped_<id>`, with `raw_<id>` a
 * text view over it. A value the reader refuses, or reads where ours would not, sends the file
 * to the all-text read instead (once; the typed attempt is dropped). The file stays registered
 * while the typed read is kept, to be read as text if a mapping needs it.
 */
async function readTyped(
  engine: Engine,
  id: number,
  source: CsvSource,
  /** The file's size and estimated rows, to refuse it (`file_too_large`) if its read could not fit. */
  sized: { name: string; bytes: number; rows: number } | null,
): Promise<SingleRead> {
  const { sql } = engine;
  // Typed values cost less than text (src/ingest/memory.ts), so the check waits for the plan.
  const checkFits = (columns: number, typed: number) =>
    sized &&
    checkMemory([
      {
        name: sized.name,
        bytes: sized.bytes,
        cells: sized.rows * (columns - typed),
        typedCells: sized.rows * typed,
      },
    ]);
  const raw = tableName('raw', id);
  const rejects = tableName('rejects', id);
  const file = await engine.register(`${raw}.csv`, source.text);
  let keep = false;
  try {
    const { names, columns, guess, preview, values } = await recognise(engine, id, file, source);
    const plan = planTypedRead(guess, values, (i) => columns[i]?.decimal ?? '.');
    checkFits(names.length, plan.length);
    if (plan.length > 0) {
      const typedTable = tableName('rawtyped', id);
      const typing = typedReadOptions(names.length, plan);
      await readerStatement(
        engine,
        loadCsvSql(file, typedTable, rejects, source.dialect, typing),
        file,
        source,
      );
      const check = await sql.row<{ refused: number; out_of_range: number }>(
        typedReadCheckSql(typedTable, rejects, plan),
      );
      if (check.refused === 0 && check.out_of_range === 0) {
        await sql.run(rawTextViewSql(raw, typedTable, names.length, plan));
        keep = true;
        return { columns, guess, preview, typed: { file, table: typedTable, plan, source } };
      }
      // Values the sample did not show: the typed attempt and its rejects give way to text,
      // if the text fits.
      for (const t of [typedTable, rejects, `${rejects}_scan`])
        sql.runNow(`DROP TABLE IF EXISTS ${t}`);
      checkFits(names.length, 0);
    }
    await readerStatement(engine, loadCsvSql(file, raw, rejects, source.dialect), file, source);
    return { columns, guess, preview, typed: null };
  } finally {
    if (!keep) engine.unregister(file);
  }
}

/**
 * The registered file's first rows as text: its columns' names, profiles and guessed roles, the
 * preview, and the sampled text of the columns a typed read could type.
 */
async function recognise(engine: Engine, id: number, file: string, source: CsvSource) {
  const { sql } = engine;
  const sample = `${tableName('raw', id)}_sample`;
  try {
    await readerStatement(
      engine,
      sampleCsvSql(file, sample, SAMPLE_ROWS, source.dialect),
      file,
      source,
    );
    const names = (await sql.rows<{ column_name: string }>(`DESCRIBE ${sample}`)).map(
      (c) => c.column_name,
    );
    const columns = await profile(engine, sample, names);
    const guess = guessMapping(columns);
    const preview = (await sql.table(`SELECT * FROM ${sample} LIMIT ${PREVIEW_ROWS}`))
      .toArray()
      .map((row) => names.map((n) => (row[n] ?? null) as string | null));
    // The columns a typed read could type, in one pass over the sample.
    const candidates = typedCandidates(guess);
    const sampled =
      candidates.length === 0
        ? []
        : await sql.rows<Record<string, string | null>>(
            `SELECT ${candidates.map((i) => `${columnRef(i)} AS c${i}`).join(', ')} FROM ${sample}`,
          );
    const values = new Map(candidates.map((i) => [i, sampled.map((r) => r[`c${i}`] ?? null)]));
    return { names, columns, guess, preview, values };
  } finally {
    sql.runNow(`DROP TABLE IF EXISTS ${sample}`);
  }
}

/**
 * A typed read that no longer serves the analyst's mapping (a typed column given another role,
 * or amounts read with a decimal comma): the kept file read again as text into `raw_<id>`, the
 * typed table dropped. The same rows are refused as before (a typed read keeps none refused for
 * their values), so the rejects are made again alike.
 */
export async function readAsText(engine: Engine, dataset: Dataset, read: TypedRead): Promise<void> {
  const { sql } = engine;
  const raw = dataset.table('raw');
  const rejects = dataset.table('rejects');
  const text = `${raw}_text`;
  // Read beside the typed rows, which stay the dataset's until the text is in.
  await readerStatement(
    engine,
    loadCsvSql(read.file, text, `${rejects}_text`, read.source.dialect),
    read.file,
    read.source,
  );
  sql.runNow(`DROP VIEW IF EXISTS ${raw}`);
  sql.runNow(`ALTER TABLE ${text} RENAME TO ${raw}`);
  for (const t of [rejects, `${rejects}_scan`]) sql.runNow(`DROP TABLE IF EXISTS ${t}`);
  sql.runNow(`ALTER TABLE ${rejects}_text RENAME TO ${rejects}`);
  sql.runNow(`ALTER TABLE ${rejects}_text_scan RENAME TO ${rejects}_scan`);
  sql.runNow(`DROP TABLE IF EXISTS ${read.table}`);
  engine.unregister(read.file);
  dataset.typedRead = null;
}

/** A statement reading the registered `file`; DuckDB's complaint, if any, becomes a user error. */
async function readerStatement(
  engine: Engine,
  statement: string,
  file: string,
  source: CsvSource,
): Promise<void> {
  try {
    await engine.sql.run(statement);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    const message = readerMessage(errorMessage(e), file, source.name);
    throw new EngineError('csv_unreadable', { file: source.name, message });
  }
}

/** Column names and row count; a table without rows is explained (header only, or all malformed). */
async function describe(
  engine: Engine,
  table: string,
  rejects: string,
  fileName: string,
): Promise<{ names: string[]; rowCount: number }> {
  const { sql } = engine;
  const names = (await sql.rows<{ column_name: string }>(`DESCRIBE ${table}`)).map(
    (c) => c.column_name,
  );
  const { n: rowCount } = await sql.row<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  if (rowCount > 0) return { names, rowCount };
  type Raw = { total: number; line: number; error_type: string; csv_line: string };
  const [first] = await sql.rows<Raw>(malformedRowsSql(rejects, 1));
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
async function combine(engine: Engine, id: number, parts: LoadedPartInfo[]): Promise<Combined> {
  const { sql } = engine;
  const loaded: LoadedPart[] = [];
  for (const part of parts) {
    const columns = await profile(engine, part.table, part.names);
    const guess = guessMapping(columns);
    let idsUnique: boolean | null = null;
    if (guess.customerId !== null) {
      const { unique } = await sql.row<{ unique: boolean }>(
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
  await sql.run(
    `CREATE OR REPLACE TABLE ${tableName('raw', id)} AS ${orderParts.map((p) => `SELECT * FROM ${p.table}`).join(' UNION ALL BY NAME ')}`,
  );
  await sql.run(
    `CREATE OR REPLACE TABLE ${tableName('rejects', id)} AS ${orderParts.map((p) => `SELECT * FROM ${p.rejects}`).join(' UNION ALL ')}`,
  );
  let attributes: AttributeSource | null = null;
  let customersPart: LoadedPartInfo | null = null;
  if (plan.customers) {
    customersPart = parts[plan.customers.part] as LoadedPartInfo;
    attributes = await keepAttributes(engine, id, customersPart, plan.customers.keyColumn);
  }
  for (const part of parts) {
    sql.runNow(`DROP TABLE IF EXISTS ${part.table}`);
    sql.runNow(`DROP TABLE IF EXISTS ${part.rejects}`);
    sql.runNow(`DROP TABLE IF EXISTS ${part.rejects}_scan`);
  }
  const rowCount = orderParts.reduce((n, p) => n + p.rowCount, 0);
  return { orders: { ...first, rowCount }, customers: customersPart, attributes, rowCount };
}

/** The customer list, one row per cleaned id (the first wins), its columns named as in the file. */
async function keepAttributes(
  engine: Engine,
  id: number,
  part: LoadedPartInfo,
  keyColumn: number,
): Promise<AttributeSource | null> {
  if (part.names.length < 2) return null; // a bare list of ids describes nobody
  const attrs = tableName('attrs', id);
  // Positional references keep the file's column names without writing them into SQL text.
  const others = part.names.flatMap((_, i) => (i === keyColumn ? [] : [columnRef(i)]));
  await engine.sql.run(
    `CREATE OR REPLACE TABLE ${attrs} AS
SELECT DISTINCT ON (customer_key) * FROM (
  SELECT ${customerIdExpr(columnRef(keyColumn))} AS customer_key, ${others.join(', ')}
  FROM ${part.table}
) WHERE customer_key IS NOT NULL ORDER BY customer_key`,
  );
  const { n } = await engine.sql.row<{ n: number }>(`SELECT count(*) AS n FROM ${attrs}`);
  return {
    fileName: part.source.name,
    key: part.names[keyColumn] ?? '',
    columns: part.names.filter((_, i) => i !== keyColumn),
    rows: part.rowCount,
    customers: n,
  };
}

async function profile(engine: Engine, table: string, names: string[]): Promise<ProfiledColumn[]> {
  const counts: Record<string, number> = {};
  for (const batch of profileSqlBatches(table, names.length)) {
    Object.assign(counts, await engine.sql.row<Record<string, number>>(batch));
  }
  return readProfile(names, counts);
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

/** The worker's API of this step (workers/api.ts). */
export const methods = { load };
