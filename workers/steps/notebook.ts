import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { EngineError } from '../../src/engine/errors';
import type { NotebookRunResult, NotebookTable, StepStatement } from '../../src/engine/types';
import { parseDuckDbError } from '../../src/notebook/sqlError';
import { cellTokens, judgeCell } from '../../src/notebook/cellStatements';
import { hasParameters } from '../../src/notebook/sqlHints';
import {
  FRIENDLY_VIEWS,
  toCellSql,
  viewStatements,
  type ViewContext,
} from '../../src/notebook/views';
import type { SegmentScheme } from '../../src/analysis/segments';
import type { Locale } from '../../src/i18n/locales';
import type { Engine } from '../engine';
import { SeveralStatements, type SqlRunner } from '../sqlRunner';

export type NotebookContext = Omit<ViewContext, 'present'>;

/**
 * Points the friendly views at the analysis on screen. Run before every schema request and cell,
 * so a cell always reads the analysis the analyst is looking at (a few catalog statements, < 5 ms).
 */
export function refreshViews(sql: SqlRunner, ctx: NotebookContext): void {
  const present = new Set(
    sql
      .rowsWithParams<{ name: string }>('SELECT table_name AS name FROM duckdb_tables()', [])
      .map((r) => r.name),
  );
  for (const statement of viewStatements({ ...ctx, present })) sql.runNow(statement);
}

export function notebookSchema(sql: SqlRunner, ctx: NotebookContext): NotebookTable[] {
  refreshViews(sql, ctx);
  type Raw = { table_name: string; column_name: string; data_type: string };
  const rows = sql.rowsWithParams<Raw>(
    `SELECT table_name, column_name, data_type FROM duckdb_columns()
     WHERE schema_name = 'main' ORDER BY table_name, column_index`,
    [],
  );
  const tables = new Map<string, NotebookTable>();
  for (const r of rows) {
    if (!FRIENDLY_VIEWS.includes(r.table_name)) continue;
    const table = tables.get(r.table_name) ?? { name: r.table_name, columns: [] };
    table.columns.push({ name: r.column_name, type: r.data_type });
    tables.set(r.table_name, table);
  }
  return FRIENDLY_VIEWS.flatMap((name) => tables.get(name) ?? []);
}

/**
 * The analyst's statement (typed, or brought by a link or a file), when DuckDB's tokenizer finds
 * one reading statement in it. It runs on a connection of its own in a READ ONLY transaction that
 * is always rolled back (SqlRunner.runIsolated), inside the database's locked configuration: what
 * it may not do, DuckDB refuses and says so. At most `maxRows` rows travel back; the total is
 * counted on the whole result.
 */
export async function runNotebookSql(
  engine: Engine,
  ctx: NotebookContext,
  text: string,
  maxRows: number,
): Promise<NotebookRunResult> {
  const { sql } = engine;
  const verdict = judgeCell(cellTokens((t) => engine.db.tokenize(t), text));
  if (!verdict.ok) return { status: 'refused', reason: verdict.reason, keyword: verdict.keyword };
  refreshViews(sql, ctx);
  const started = performance.now();
  let bytes: Uint8Array;
  try {
    bytes = await sql.runIsolated(text);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    if (e instanceof SeveralStatements)
      return { status: 'refused', reason: 'several_statements', keyword: '' };
    const error = parseDuckDbError(e instanceof Error ? e.message : String(e), text);
    return { status: 'error', ...error, ms: performance.now() - started };
  } finally {
    // The one switch a statement can flip despite the lock (enable_logging()): flip it back.
    sql.runNow('CALL disable_logging()');
    sql.runNow('CALL truncate_duckdb_logs()');
  }
  const table = tableFromIPC(bytes);
  const limit = Math.max(0, Math.trunc(maxRows));
  const totalRows = table.numRows;
  const ipc = totalRows > limit ? tableToIPC(table.slice(0, limit), 'stream') : bytes;
  return {
    status: 'ok',
    ipc,
    totalRows,
    shownRows: Math.min(totalRows, limit),
    ms: performance.now() - started,
  };
}

/** The statements of built-in steps, each with its form for a notebook cell. */
export function stepStatements(
  engine: Engine,
  datasetId: number,
  steps: readonly string[],
): StepStatement[] {
  const reads = (text: string) => judgeCell(cellTokens((t) => engine.db.tokenize(t), text)).ok;
  return steps.flatMap((step) =>
    (engine.sql.steps.get(step) ?? [])
      // `insert <table>` marks numbers handed over as Arrow: there is no SQL to show.
      .filter((s) => !/^insert \w+$/.test(s.sql))
      .map((s) => {
        const cellSql = toCellSql(s.sql, datasetId);
        return {
          step,
          sql: s.sql,
          cellSql: reads(cellSql) ? cellSql : null,
          parameters: hasParameters(s.sql),
          ms: s.ms,
        };
      }),
  );
}

/** The notebook run in progress on an engine, and runs cancelled before their turn. */
const runsOf = new WeakMap<Engine, { running: number | null; cancelled: Set<number> }>();
function runs(engine: Engine) {
  let r = runsOf.get(engine);
  if (!r) runsOf.set(engine, (r = { running: null, cancelled: new Set() }));
  return r;
}

function contextOf(
  engine: Engine,
  datasetId: number,
  scheme: SegmentScheme,
  locale: Locale,
): NotebookContext {
  const dataset = engine.analysed(datasetId);
  return {
    datasetId,
    scheme,
    locale,
    valued: dataset.isCurrent('value'),
    staged: dataset.isCurrent('lifecycle'),
  };
}

/**
 * The analyst's own read-only SQL on the friendly views; at most `maxRows` rows come back.
 * `runId` names the run for `cancelNotebookRun`, which may arrive while it still waits in line.
 */
async function run(
  engine: Engine,
  datasetId: number,
  scheme: SegmentScheme,
  text: string,
  maxRows: number,
  runId = 0,
  locale: Locale = 'en',
): Promise<NotebookRunResult> {
  const state = runs(engine);
  if (state.cancelled.delete(runId)) throw new EngineError('cancelled');
  state.running = runId;
  try {
    return await runNotebookSql(
      engine,
      contextOf(engine, datasetId, scheme, locale),
      text,
      maxRows,
    );
  } finally {
    state.running = null;
  }
}

/** Stop a notebook run: now if it runs, else when its turn comes (called outside the queue). */
export function cancelNotebookRun(engine: Engine, runId: number): void {
  const state = runs(engine);
  if (state.running === runId) engine.cancel();
  else state.cancelled.add(runId);
}

/** The worker's API of this step (workers/api.ts). */
export const methods = {
  /** The friendly views of the analysis on screen and their columns. */
  schema: (engine: Engine, datasetId: number, scheme: SegmentScheme, locale: Locale = 'en') =>
    notebookSchema(engine.sql, contextOf(engine, datasetId, scheme, locale)),
  run,
  /** What the named built-in steps ran last, for "Show SQL" (rewritten for notebook cells). */
  statements: (engine: Engine, datasetId: number, steps: string[]) =>
    stepStatements(engine, datasetId, steps),
};
