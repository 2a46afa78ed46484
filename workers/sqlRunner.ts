import type { DuckDBBindings } from 'duckdb-wasm-browser-blocking';
import { tableFromArrays, tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { EngineError } from '../src/engine/errors';

/** Statements remembered by the log (what ran and how long it took). */
const LOG_SIZE = 100;

export interface StatementTiming {
  sql: string;
  ms: number;
}

/** Statements a step keeps for "Show SQL" (a value step runs about a hundred). */
const STEP_LOG_SIZE = 400;

/** How long the runner works before it yields, so the worker can hear "cancel" and "ping". */
const YIELD_EVERY_MS = 50;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Runs SQL on one DuckDB connection. Long statements run as pending queries polled in slices, so
 * a cancel request that arrives between slices stops them; results come back as Arrow IPC bytes.
 * Values reach SQL only through prepared-statement parameters (`runWithParams`).
 */
export class SqlRunner {
  private readonly conn: number;
  private cancelRequested = false;
  private lastYield = Date.now();
  /** The last LOG_SIZE statements run, oldest first. */
  readonly log: StatementTiming[] = [];
  /** The statements of the last run of each named step (analysis, value, …), oldest first. */
  readonly steps = new Map<string, StatementTiming[]>();
  private step: string | null = null;

  constructor(private readonly db: DuckDBBindings) {
    this.conn = db.connect().useUnsafe((_bindings: DuckDBBindings, id: number) => id);
  }

  /** Ask the statement in flight (and the steps after it) to stop. */
  cancel(): void {
    this.cancelRequested = true;
  }

  /** Start of a cancellable unit of work: forget earlier cancel requests. */
  beginWork(): void {
    this.cancelRequested = false;
  }

  /**
   * Tag the statements from now on as `step`'s (its earlier run is forgotten, unless this
   * continues a run begun in an earlier call); null: untagged.
   */
  beginStep(step: string | null, continued = false): void {
    this.step = this.stepLogging ? step : null;
    if (this.step !== null && !(continued && this.steps.has(this.step)))
      this.steps.set(this.step, []);
  }

  /**
   * Off while the background warm-up runs its synthetic data through the steps: those statements
   * are no analysis's to show (Show SQL would list the warm-up's tables instead of the analyst's).
   */
  stepLogging = true;

  throwIfCancelled(): void {
    if (this.cancelRequested) throw new EngineError('cancelled');
  }

  async run(sql: string): Promise<Uint8Array> {
    const started = performance.now();
    const bytes = await this.pending(this.conn, sql);
    this.remember(sql, started);
    return bytes;
  }

  /** A statement as a pending query polled in slices (cancel and pings are heard between). */
  private async pending(conn: number, sql: string): Promise<Uint8Array> {
    await this.yieldIfDue();
    this.throwIfCancelled();
    let header = this.db.startPendingQuery(conn, sql, false);
    while (header === null) {
      if (await this.yieldIfDue()) {
        if (this.cancelRequested) {
          this.db.cancelPendingQuery(conn);
          throw new EngineError('cancelled');
        }
      }
      header = this.db.pollPendingQuery(conn);
    }
    const chunks = [header];
    for (let batch = this.db.fetchQueryResults(conn); batch && batch.length > 0;) {
      chunks.push(batch);
      batch = this.db.fetchQueryResults(conn);
    }
    return concatBytes(chunks);
  }

  /**
   * SQL from outside the app (a notebook cell, a link): one statement, on a connection of its own
   * inside a READ ONLY transaction that is always rolled back, the connection closed afterwards
   * so nothing it set (variables, temporary objects, USE) outlives it. DuckDB's parser must take
   * it as exactly one statement before it runs; files, URLs, settings and extensions are refused
   * by the database's locked configuration (Engine.init). Throws DuckDB's error as it is; a text
   * DuckDB expands into several statements throws `several_statements`.
   */
  async runIsolated(text: string): Promise<Uint8Array> {
    const connection = this.db.connect();
    const conn = connection.useUnsafe((_bindings: DuckDBBindings, id: number) => id);
    try {
      this.db.runQuery(conn, 'BEGIN TRANSACTION READ ONLY');
      try {
        this.db.closePrepared(conn, this.db.createPrepared(conn, text));
      } catch (e) {
        // DuckDB's own expansion (a PIVOT without an IN list) would run several statements.
        if (/Cannot prepare multiple statements/.test(String((e as Error).message ?? e)))
          throw new SeveralStatements();
        throw e;
      }
      return await this.pending(conn, text);
    } finally {
      try {
        this.db.runQuery(conn, 'ROLLBACK');
      } catch {
        // The statement ended the transaction itself: the connection goes anyway.
      }
      connection.close();
    }
  }

  /** A short statement run at once, not cancellable (housekeeping such as DROP). */
  runNow(sql: string): Uint8Array {
    return this.db.runQuery(this.conn, sql);
  }

  /**
   * Let the worker hear messages (cancel, ping, new requests) at least every YIELD_EVERY_MS, within
   * long statements and across runs of short ones alike. True when it yielded.
   */
  private async yieldIfDue(): Promise<boolean> {
    if (Date.now() - this.lastYield < YIELD_EVERY_MS) return false;
    await yieldToEventLoop();
    this.lastYield = Date.now();
    return true;
  }

  /** A statement with `?` parameters, bound in order. */
  runWithParams(sql: string, params: readonly unknown[]): Uint8Array {
    this.throwIfCancelled();
    const started = performance.now();
    const statement = this.db.createPrepared(this.conn, sql);
    try {
      return this.db.runPrepared(this.conn, statement, [...params]);
    } finally {
      this.db.closePrepared(this.conn, statement);
      this.remember(sql, started);
    }
  }

  /**
   * (Re)creates `table` from typed columns (numbers computed in the worker), handed over as Arrow:
   * no value is written into SQL text.
   */
  insertColumns(table: string, columns: Record<string, Int32Array | Float64Array>): void {
    this.throwIfCancelled();
    const started = performance.now();
    this.runNow(`DROP TABLE IF EXISTS ${table}`);
    // Two columns on one buffer make an IPC stream DuckDB takes without creating the table.
    const buffers = new Set<ArrayBufferLike>();
    const own: Record<string, Int32Array | Float64Array> = {};
    for (const [name, values] of Object.entries(columns)) {
      own[name] = buffers.has(values.buffer) ? values.slice() : values;
      buffers.add(values.buffer);
    }
    const ipc = tableToIPC(tableFromArrays(own), 'stream');
    this.db.insertArrowFromIPCStream(this.conn, ipc, { name: table, create: true });
    this.remember(`insert ${table}`, started);
  }

  private remember(sql: string, started: number): void {
    this.log.push({ sql, ms: performance.now() - started });
    if (this.log.length > LOG_SIZE) this.log.shift();
    const stepLog = this.step === null ? undefined : this.steps.get(this.step);
    if (stepLog && stepLog.length < STEP_LOG_SIZE) stepLog.push(this.log.at(-1) as StatementTiming);
  }

  async table(sql: string): Promise<Table> {
    return tableFromIPC(await this.run(sql));
  }

  async rows<T>(sql: string): Promise<T[]> {
    return toRows<T>(await this.table(sql));
  }

  /** Rows of a short statement with `?` parameters (run at once, like `runWithParams`). */
  rowsWithParams<T>(sql: string, params: readonly unknown[]): T[] {
    return toRows<T>(tableFromIPC(this.runWithParams(sql, params)));
  }

  async row<T>(sql: string): Promise<T> {
    const [first] = await this.rows<T>(sql);
    if (first === undefined) throw new Error('Query returned no row');
    return first;
  }
}

/** A text DuckDB's parser reads as more than one statement. */
export class SeveralStatements extends Error {
  constructor() {
    super('several statements');
  }
}

/** Plain objects from an Arrow table; DECIMAL and 64-bit values become numbers. */
function toRows<T>(table: Table): T[] {
  const names = table.schema.fields.map((f) => f.name);
  const out: T[] = [];
  for (const row of table) {
    const obj: Record<string, unknown> = {};
    for (const name of names) obj[name] = plainValue(row?.[name]);
    out.push(obj as T);
  }
  return out;
}

function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint32Array) return Number(String(v)); // DECIMAL arrives as a BigNum view
  return v;
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
