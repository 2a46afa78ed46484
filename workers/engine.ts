import type { DuckDBBindings, DuckDBDataProtocol } from 'duckdb-wasm-browser-blocking';
import { EngineError } from '../src/engine/errors';
import { Dataset } from './dataset';
import { SqlRunner, type StatementTiming } from './sqlRunner';

/** DuckDBDataProtocol.BROWSER_FILEREADER; the enum's module is the browser bundle, not loadable in Node. */
const BROWSER_FILEREADER = 2 as DuckDBDataProtocol;

/**
 * The only place SQL may read or write files: the app registers its buffers here (and drops them
 * before its job ends). Everything else — URLs, the disk, other names — DuckDB itself refuses.
 */
export const FILE_PREFIX = '/valuemap/';

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

  /**
   * Settings before any work, in the order DuckDB requires: no extension autoloading (it reaches
   * for the network and can crash the wasm), files only under FILE_PREFIX, no other external
   * access, and the configuration locked. They are global: SQL the analyst types (or a link
   * brings) is confined by DuckDB itself, on every connection, and cannot change them back.
   */
  async init(): Promise<{ version: string }> {
    for (const statement of [
      'SET autoload_known_extensions = false',
      'SET autoinstall_known_extensions = false',
      `SET allowed_directories = ['${FILE_PREFIX}']`,
      'SET enable_external_access = false',
      'SET lock_configuration = true',
    ])
      await this.sql.run(statement);
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
    const dataset = this.datasets.get(datasetId);
    dataset?.drop(this.sql);
    if (dataset?.typedRead) this.unregister(dataset.typedRead.file);
    this.datasets.delete(datasetId);
  }

  /**
   * Hand `name`'s bytes to DuckDB; returns the path SQL reads it by (under FILE_PREFIX). Text in
   * memory is handed over as a buffer. A Blob (large text) is read in place in a worker
   * (FileReaderSync), so a 1 GB file is not copied into the wasm heap; elsewhere (Node tests) its
   * bytes are handed over. The caller drops it (`unregister`) before its job ends.
   */
  async register(name: string, text: Blob | Uint8Array): Promise<string> {
    const path = `${FILE_PREFIX}${name}`;
    if (text instanceof Uint8Array) {
      this.db.registerFileBuffer(path, text);
    } else if ((globalThis as { FileReaderSync?: unknown }).FileReaderSync !== undefined) {
      this.db.registerFileHandle(path, text, BROWSER_FILEREADER, true);
    } else {
      this.db.registerFileBuffer(path, new Uint8Array(await text.arrayBuffer()));
    }
    return path;
  }

  unregister(path: string): void {
    this.db.dropFile(path);
  }
}
