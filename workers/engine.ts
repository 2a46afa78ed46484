import type { DuckDBBindings, DuckDBDataProtocol } from 'duckdb-wasm-browser-blocking';
import { EngineError } from '../src/engine/errors';
import { Dataset } from './dataset';
import { SqlRunner, type StatementTiming } from './sqlRunner';

/** DuckDBDataProtocol.BROWSER_FILEREADER; the enum's module is the browser bundle, not loadable in Node. */
const BROWSER_FILEREADER = 2 as DuckDBDataProtocol;

/**
 * What every step works with: the database, the SQL runner of the app's own connection, the
 * datasets loaded and their tables, and cancellation. The steps themselves live in
 * workers/steps/ (one module each); the worker's API is generated from them (workers/api.ts).
 * It runs inside the worker and, in unit tests, in Node on the same DuckDB-WASM build.
 */
export class Engine {
  readonly sql: SqlRunner;
  private readonly datasets = new Map<number, Dataset>();
  /** Aborts the JavaScript steps of the current work (transcoding, conversion) on cancel. */
  private abort = new AbortController();
  private nextId: number;

  /** `firstId` lets a restarted engine number its datasets apart from the engine it replaces. */
  constructor(
    readonly db: DuckDBBindings,
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

  /** Start of a unit of work: forget cancel requests that arrived before it. */
  beginWork(): void {
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.sql.beginWork();
    this.sql.beginStep(null);
  }

  /** Aborted when the analyst cancels the current work (for JavaScript loops and readers). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The statements run lately, with their durations (oldest first). */
  statementLog(): StatementTiming[] {
    return [...this.sql.log];
  }

  /** A number for a new dataset (its tables are named after it). */
  newDatasetId(): number {
    return this.nextId++;
  }

  add(dataset: Dataset): void {
    this.datasets.set(dataset.id, dataset);
  }

  dataset(id: number): Dataset {
    const d = this.datasets.get(id);
    if (!d) throw new EngineError('unknown_dataset', { datasetId: id });
    return d;
  }

  /** A dataset whose analysis is current (RFM scores and segments exist). */
  analysed(id: number): Dataset {
    const d = this.dataset(id);
    if (!d.isCurrent('analysis')) throw new EngineError('unknown_dataset', { datasetId: id });
    return d;
  }

  /** Forget a dataset and drop every table it made. */
  drop(datasetId: number): void {
    this.datasets.get(datasetId)?.drop(this.sql);
    this.datasets.delete(datasetId);
  }

  /**
   * Text in memory is handed over as a buffer. A Blob (large text) is read in place in a worker
   * (FileReaderSync), so a 1 GB file is not copied into the wasm heap; elsewhere (Node tests) its
   * bytes are handed over.
   */
  async register(name: string, text: Blob | Uint8Array): Promise<void> {
    if (text instanceof Uint8Array) {
      this.db.registerFileBuffer(name, text);
    } else if ((globalThis as { FileReaderSync?: unknown }).FileReaderSync !== undefined) {
      this.db.registerFileHandle(name, text, BROWSER_FILEREADER, true);
    } else {
      this.db.registerFileBuffer(name, new Uint8Array(await text.arrayBuffer()));
    }
  }
}
