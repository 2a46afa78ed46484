import { tableName } from '../src/analysis/sql';
import type { ColumnMapping } from '../src/analysis/mapping';
import type { IngestPolicy } from '../src/analysis/policy';
import { EngineError } from '../src/engine/errors';
import type { AttributeSource, QualityRule } from '../src/engine/types';
import type { ProfiledColumn } from '../src/ingest/profile';
import type { CsvSource } from '../src/ingest/source';
import type { TypedColumn } from '../src/ingest/typedRead';
import type { SqlRunner } from './sqlRunner';
import { STEPS, withDependents, type StepName } from './steps/registry';

/** Rows typed with one mapping: what an analysis under another as-of date can reuse. */
export interface TypedRows {
  mapping: ColumnMapping;
  policy: IngestPolicy;
  /** The rules decided by typing (all but `after_as_of`), and the rows read. */
  rules: QualityRule[];
  rowsRead: number;
  /** The default as-of date; null when no row is usable. */
  lastDayPlusOne: string | null;
}

/**
 * A file read with some columns typed by DuckDB's reader (`rawtyped_<id>`, `raw_<id>` a text view
 * over it). The file stays registered while it is kept, to be read as text when a mapping needs
 * a typed column's text (`typedReadServes`).
 */
export interface TypedRead {
  /** The registered path. */
  file: string;
  table: string;
  plan: TypedColumn[];
  source: CsvSource;
}

/** A step's run that is still current: when it ran (a counter) and for which as-of date. */
interface StepRun {
  version: number;
  asOf: string | null;
}

/**
 * One loaded source and everything computed from it. It owns its tables: a step that runs again
 * drops the tables of the steps that read it (they are stale), and `drop` removes them all.
 */
export class Dataset {
  typed: TypedRows | null = null;
  typedRead: TypedRead | null = null;
  private readonly runs = new Map<StepName, StepRun>();
  /** Steps begun and not completed: the ticket of the run that may complete them. */
  private readonly pending = new Map<StepName, number>();
  private counter = 0;

  constructor(
    readonly id: number,
    public columns: ProfiledColumn[],
    /** The customer list joined on the customer id (`attrs_<id>`), when one was given. */
    readonly attributes: AttributeSource | null,
  ) {
    this.completed('ingest');
  }

  table(prefix: Parameters<typeof tableName>[0]): string {
    return tableName(prefix, this.id);
  }

  /**
   * A step is about to write its tables: the steps that read them are stale now. Their tables
   * are dropped and they are no longer current (the step itself becomes current by `completed`).
   */
  starting(sql: SqlRunner, step: StepName): number {
    for (const s of withDependents(step)) {
      this.runs.delete(s);
      this.pending.delete(s);
      if (s !== step) this.dropTablesOf(sql, s);
    }
    const ticket = ++this.counter;
    this.pending.set(step, ticket);
    return ticket;
  }

  /**
   * A step run in several calls (the value step: inputs, then the fits elsewhere, then the
   * tables) checks before each that no newer run of it, or of a step before it, began meanwhile.
   */
  checkTicket(step: StepName, ticket: number): void {
    if (this.pending.get(step) !== ticket) throw new EngineError('superseded', { step });
  }

  /** The step's tables are written, for the analysis at `asOf`; returns the run's version. */
  completed(step: StepName, asOf: string | null = null): number {
    const version = ++this.counter;
    this.pending.delete(step);
    this.runs.set(step, { version, asOf });
    return version;
  }

  isCurrent(step: StepName): boolean {
    return this.runs.has(step);
  }

  /** The version of the step's current run; null when it is not current. */
  version(step: StepName): number | null {
    return this.runs.get(step)?.version ?? null;
  }

  /** The as-of date of the current analysis; throws when the dataset is not analysed. */
  get asOf(): string {
    const asOf = this.runs.get('analysis')?.asOf;
    if (!asOf) throw new EngineError('unknown_dataset', { datasetId: this.id });
    return asOf;
  }

  /** `rfm_<id>` of an analysed dataset; throws `unknown_dataset` otherwise. */
  get rfm(): string {
    if (!this.isCurrent('analysis'))
      throw new EngineError('unknown_dataset', { datasetId: this.id });
    return this.table('rfm');
  }

  /** The table of a step when that step is current, else null (e.g. `value_<id>` once valued). */
  tableIfCurrent(step: StepName, prefix: Parameters<typeof tableName>[0]): string | null {
    return this.isCurrent(step) ? this.table(prefix) : null;
  }

  /** Every table of every step. */
  drop(sql: SqlRunner): void {
    for (const step of Object.keys(STEPS) as StepName[]) this.dropTablesOf(sql, step);
    this.runs.clear();
  }

  private dropTablesOf(sql: SqlRunner, step: StepName): void {
    // `raw_<id>` is a view over a typed read; a failed load's dataset does not know which it is.
    if (step === 'ingest') {
      try {
        sql.runNow(`DROP VIEW IF EXISTS ${this.table('raw')}`);
      } catch {
        // a table, dropped below
      }
    }
    for (const prefix of STEPS[step].tables)
      sql.runNow(`DROP TABLE IF EXISTS ${this.table(prefix)}`);
    if (step === 'ingest') sql.runNow(`DROP TABLE IF EXISTS ${this.table('rejects')}_scan`);
  }
}
