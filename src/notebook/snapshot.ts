import type {
  Cell,
  CellKind,
  CellMeta,
  CellOrigin,
  ChartMark,
  ChartOptions,
} from './notebook.svelte';

const KINDS: readonly CellKind[] = ['sql', 'chart', 'markdown'];
const MARKS: readonly ChartMark[] = ['point', 'line', 'bar'];
/** Bounds for a snapshot read from a file or link, which anyone could have written. */
const MAX_CELLS = 500;
const MAX_SOURCE = 200_000;

let counter = 0;
export function newId(): string {
  counter += 1;
  return `c${Date.now().toString(36)}${counter.toString(36)}`;
}

export const nowIso = (): string => new Date().toISOString();

const ORIGINS: readonly CellOrigin[] = ['link', 'file'];

/**
 * The valid cells of a snapshot read from storage, a file or a link. `from`: where it came from
 * (its SQL cells are marked so); null keeps the marks the snapshot carries (own saved work).
 */
export function readSnapshot(input: unknown, from: CellOrigin | null = null): Cell[] {
  const cells = (input as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells)) return [];
  const seen = new Set<string>();
  const out: Cell[] = [];
  for (const raw of cells.slice(0, MAX_CELLS) as Record<string, unknown>[]) {
    if (!raw || typeof raw !== 'object') continue;
    const kind = raw.kind as CellKind;
    if (!KINDS.includes(kind) || typeof raw.source !== 'string') continue;
    let id = typeof raw.id === 'string' && /^[\w-]{1,64}$/.test(raw.id) ? raw.id : newId();
    if (seen.has(id)) id = newId();
    seen.add(id);
    out.push({
      id,
      kind,
      source: raw.source.slice(0, MAX_SOURCE),
      options: kind === 'chart' ? readOptions(raw.options) : null,
      meta: kind === 'sql' ? readMeta(raw.meta) : null,
      from:
        kind !== 'sql'
          ? null
          : (from ?? (ORIGINS.includes(raw.from as CellOrigin) ? (raw.from as CellOrigin) : null)),
    });
  }
  const ids = new Set(out.map((c) => c.id));
  for (const c of out) if (c.options?.source && !ids.has(c.options.source)) c.options.source = null;
  return out;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v.slice(0, 1000) : null);

function readOptions(raw: unknown): ChartOptions {
  const o = (raw ?? {}) as Record<string, unknown>;
  return {
    source: text(o.source),
    x: text(o.x),
    y: text(o.y),
    colour: text(o.colour),
    mark: MARKS.includes(o.mark as ChartMark) ? (o.mark as ChartMark) : 'point',
  };
}

function readMeta(raw: unknown): CellMeta | null {
  const m = raw as Record<string, unknown> | null;
  if (!m || typeof m !== 'object') return null;
  const { totalRows, ms, ranAt, columns } = m;
  if (typeof totalRows !== 'number' || typeof ms !== 'number' || typeof ranAt !== 'string')
    return null;
  return {
    totalRows,
    ms,
    ranAt: ranAt.slice(0, 40),
    columns: Array.isArray(columns)
      ? columns.filter((c) => typeof c === 'string').slice(0, 1000)
      : [],
  };
}
