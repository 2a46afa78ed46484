import { MAX_ACTIONS, MAX_TEXT, PLAYBOOK_KINDS, type PlaybookExportRow } from './playbook';

/** Statement that (re)creates the empty playbook table the customers export joins on. */
export function playbookTableSql(table: string): string {
  return `CREATE OR REPLACE TABLE ${table} (kind VARCHAR, key VARCHAR, action VARCHAR)`;
}

/**
 * Statement inserting `rowCount` rows into the playbook table; bind kind, key, action per row.
 * The analyst's text is only ever a parameter.
 */
export function playbookInsertSql(table: string, rowCount: number): string {
  if (!Number.isInteger(rowCount) || rowCount < 1) throw new Error(`Invalid row count ${rowCount}`);
  const tuple = '(CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR))';
  return `INSERT INTO ${table} VALUES ${Array.from({ length: rowCount }, () => tuple).join(', ')}`;
}

/** The parameters of `playbookInsertSql`, in order. */
export function playbookInsertParams(rows: readonly PlaybookExportRow[]): string[] {
  return rows.flatMap((r) => [r.kind, r.key, r.action]);
}

/** A cell can hold the goal and a few actions, each at most MAX_TEXT long. */
const MAX_CELL = MAX_TEXT * (MAX_ACTIONS + 1);

/**
 * The rows of an export request that are well-formed, one per (kind, key): the request crosses
 * the worker boundary, so the worker checks it rather than trusting its type.
 */
export function validExportRows(rows: unknown): PlaybookExportRow[] {
  if (!Array.isArray(rows)) return [];
  const seen = new Set<string>();
  const out: PlaybookExportRow[] = [];
  for (const row of rows as unknown[]) {
    if (typeof row !== 'object' || row === null) continue;
    const { kind, key, action } = row as Record<string, unknown>;
    if (
      !(PLAYBOOK_KINDS as readonly unknown[]).includes(kind) ||
      typeof key !== 'string' ||
      typeof action !== 'string' ||
      key.length > 100 ||
      action.length > MAX_CELL
    )
      continue;
    const id = `${kind as string}:${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ kind: kind as PlaybookExportRow['kind'], key, action });
  }
  return out;
}
