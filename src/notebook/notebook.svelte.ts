import type { SegmentScheme } from '../analysis/segments';
import { EngineError, type EngineErrorCode, type ErrorDetails } from '../engine/errors';
import type { NotebookRefusal, NotebookRunResult, NotebookTable } from '../engine/types';
import { CellResult } from './result';
import { newId, nowIso, readSnapshot } from './snapshot';
import type { CellError } from './sqlError';

export { readSnapshot };

export type CellKind = 'sql' | 'chart' | 'markdown';
export type ChartMark = 'point' | 'line' | 'bar';

/** A chart cell's choices: the SQL cell it draws and the columns (by name) it uses. */
export interface ChartOptions {
  source: string | null;
  x: string | null;
  y: string | null;
  colour: string | null;
  mark: ChartMark;
}

/** What the last run of a SQL cell gave, kept with the notebook (the rows are not). */
export interface CellMeta {
  totalRows: number;
  ms: number;
  /** When it ran, ISO 8601. */
  ranAt: string;
  columns: string[];
}

/** Where a SQL cell came from when someone else wrote it: not run until the analyst runs it. */
export type CellOrigin = 'link' | 'file';

export interface CellSnapshot {
  id: string;
  kind: CellKind;
  source: string;
  options: ChartOptions | null;
  meta: CellMeta | null;
  /** Set while a cell from a link or a file has not been run here. */
  from?: CellOrigin;
}

/** The notebook as plain JSON (no results): what is saved locally and in `.valuemap.json`. */
export interface NotebookSnapshot {
  version: 1;
  cells: CellSnapshot[];
}

export interface Cell {
  id: string;
  kind: CellKind;
  source: string;
  options: ChartOptions | null;
  meta: CellMeta | null;
  /** A SQL cell brought by a link or a file that the analyst has not run yet (never run for them). */
  from: CellOrigin | null;
}

/** The state of a cell's run in this page (results are never saved). */
export type CellRun =
  | { status: 'running' }
  | { status: 'ok'; result: CellResult; totalRows: number; ms: number; analysis: string }
  | { status: 'error'; error: CellError; ms: number }
  | { status: 'refused'; reason: NotebookRefusal; keyword: string }
  | { status: 'failed'; code: EngineErrorCode; details: ErrorDetails };

/** What the notebook needs from the app: the engine, for the analysis on screen. */
export interface NotebookHost {
  /** "dataset|as-of|scheme…" of the analysis on screen, or null when nothing is analysed. */
  analysisKey(): string | null;
  /** `runId` names the run for `cancel`, which may come while it still waits for the engine. */
  run(sql: string, maxRows: number, runId: number): Promise<NotebookRunResult>;
  schema(): Promise<NotebookTable[]>;
  cancel(runId: number): void;
}

/** Rows a result brings to the page; the total is still counted on the whole result. */
export const MAX_ROWS = 100_000;

export const DEFAULT_CHART: ChartOptions = {
  source: null,
  x: null,
  y: null,
  colour: null,
  mark: 'point',
};

/**
 * The analyst's notebook: SQL, chart and Markdown cells in order, and the runs of its SQL cells.
 * `snapshot()` / `restore()` are the whole saved form; runs stay in the page.
 */
export class Notebook {
  cells = $state<Cell[]>([]);
  runs = $state<Record<string, CellRun>>({});
  schema = $state.raw<NotebookTable[]>([]);
  /** A cell to bring into view and focus (set when one is added). */
  focus = $state<string | null>(null);

  /** The run in flight of each SQL cell (not state: nothing on screen depends on it). */
  private readonly runIds: Record<string, number> = {};
  private nextRun = 1;

  constructor(private readonly host: NotebookHost) {}

  addCell(kind: CellKind, source = '', after: string | null = null): string {
    const id = newId();
    const cell: Cell = {
      id,
      kind,
      source,
      options: kind === 'chart' ? { ...DEFAULT_CHART, source: this.lastSqlCell() } : null,
      meta: null,
      from: null,
    };
    const at = after === null ? -1 : this.cells.findIndex((c) => c.id === after);
    if (at < 0) this.cells.push(cell);
    else this.cells.splice(at + 1, 0, cell);
    this.focus = id;
    return id;
  }

  removeCell(id: string): void {
    this.cells = this.cells.filter((c) => c.id !== id);
    const runs = { ...this.runs };
    delete runs[id];
    this.runs = runs;
    for (const c of this.cells) if (c.options?.source === id) c.options.source = null;
  }

  moveCell(id: string, delta: -1 | 1): void {
    const at = this.cells.findIndex((c) => c.id === id);
    const to = at + delta;
    if (at < 0 || to < 0 || to >= this.cells.length) return;
    const moved = this.cells.splice(at, 1)[0] as Cell;
    this.cells.splice(to, 0, moved);
  }

  /** The last SQL cell (a new chart draws it by default). */
  lastSqlCell(): string | null {
    return this.cells.findLast((c) => c.kind === 'sql')?.id ?? null;
  }

  cell(id: string): Cell | undefined {
    return this.cells.find((c) => c.id === id);
  }

  setSource(id: string, source: string): void {
    const cell = this.cell(id);
    if (cell) cell.source = source;
  }

  setOptions(id: string, change: Partial<ChartOptions>): void {
    const cell = this.cell(id);
    if (cell?.options) cell.options = { ...cell.options, ...change };
  }

  /** The result a chart can draw: the run of a SQL cell that succeeded. */
  resultOf(id: string | null): CellResult | null {
    const run = id === null ? undefined : this.runs[id];
    return run?.status === 'ok' ? run.result : null;
  }

  /** Whether the result was computed for another analysis than the one on screen. */
  isStale(id: string): boolean {
    const run = this.runs[id];
    return run?.status === 'ok' && run.analysis !== this.host.analysisKey();
  }

  async run(id: string): Promise<void> {
    const cell = this.cell(id);
    if (!cell || cell.kind !== 'sql') return;
    const analysis = this.host.analysisKey();
    const source = cell.source;
    cell.from = null; // the analyst ran it: it is theirs now
    this.runs[id] = { status: 'running' };
    const runId = this.nextRun++;
    this.runIds[id] = runId;
    try {
      const out = await this.host.run(source, MAX_ROWS, runId);
      if (out.status === 'ok') {
        const result = CellResult.fromIpc(out.ipc);
        this.runs[id] = {
          status: 'ok',
          result,
          totalRows: out.totalRows,
          ms: out.ms,
          analysis: analysis ?? '',
        };
        cell.meta = {
          totalRows: out.totalRows,
          ms: Math.round(out.ms),
          ranAt: nowIso(),
          columns: result.columns.map((c) => c.name),
        };
      } else if (out.status === 'error') {
        const { type, message, offset } = out;
        this.runs[id] = { status: 'error', error: { type, message, offset }, ms: out.ms };
      } else {
        this.runs[id] = { status: 'refused', reason: out.reason, keyword: out.keyword };
      }
    } catch (e) {
      const error =
        e instanceof EngineError
          ? e
          : new EngineError('engine_failed', {
              message: e instanceof Error ? e.message : String(e),
            });
      this.runs[id] = { status: 'failed', code: error.code, details: error.details };
    } finally {
      if (this.runIds[id] === runId) delete this.runIds[id];
    }
  }

  /** Stop a cell's run, whether the engine is running it or it still waits its turn. */
  cancel(id: string): void {
    const runId = this.runIds[id];
    if (runId !== undefined) this.host.cancel(runId);
  }

  async refreshSchema(): Promise<void> {
    if (this.host.analysisKey() === null) {
      this.schema = [];
      return;
    }
    try {
      this.schema = await this.host.schema();
    } catch {
      // Completion is a help: without a schema the editor still works.
    }
  }

  snapshot(): NotebookSnapshot {
    return {
      version: 1,
      cells: this.cells.map((c) => ({
        id: c.id,
        kind: c.kind,
        source: c.source,
        options: c.options ? { ...c.options } : null,
        meta: c.meta ? { ...c.meta, columns: [...c.meta.columns] } : null,
        ...(c.from ? { from: c.from } : {}),
      })),
    };
  }

  /**
   * Replace the cells with a snapshot's; anything malformed in it is dropped, not trusted. Cells
   * from a link or a file are marked so (`from`) and wait for the analyst: nothing here runs.
   */
  restore(snapshot: NotebookSnapshot, from: CellOrigin | null = null): void {
    this.cells = readSnapshot(snapshot, from);
    this.runs = {};
    this.focus = null;
  }
}

/** The key of the analysis on screen for a notebook (results are tied to it). */
export function analysisKey(
  datasetId: number,
  asOf: string,
  scheme: SegmentScheme,
  extra: readonly unknown[] = [],
): string {
  return JSON.stringify([datasetId, asOf, scheme, ...extra]);
}
