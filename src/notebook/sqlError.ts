/**
 * DuckDB's error for a cell, as the analyst should see it: the message, and where in the cell it
 * points. With `errors_as_json` DuckDB gives `position` as a byte offset into the UTF-8 query
 * (parser errors nest a second JSON document in the message); plain messages end in
 * "LINE n: <text>" and a caret under the column, counted in display cells (a CJK character is two).
 */
export interface CellError {
  /** DuckDB's kind of error ("Parser", "Binder", "Catalog", …), or '' when not given. */
  type: string;
  message: string;
  /** Offset in the cell's text (JavaScript string index), or null when DuckDB gave no place. */
  offset: number | null;
}

export function parseDuckDbError(raw: string, sql: string): CellError {
  const json = parseJson(raw);
  if (json) {
    let type = stringOf(json.exception_type);
    let message = stringOf(json.exception_message);
    let position = stringOf(json.position);
    const inner = parseJson(message);
    if (inner) {
      type = stringOf(inner.exception_type) || type;
      message = stringOf(inner.exception_message);
      position = stringOf(inner.position) || position;
    }
    const plain = fromPlain(message, sql);
    const offset = /^\d+$/.test(position) ? byteToIndex(sql, Number(position)) : plain.offset;
    return { type, message: plain.message, offset };
  }
  const typed = /^([A-Za-z ]+?) Error: ([\s\S]*)$/.exec(raw);
  const { message, offset } = fromPlain(typed ? (typed[2] as string) : raw, sql);
  return { type: typed ? (typed[1] as string) : '', message, offset };
}

/** The message without its "LINE n:" excerpt, and the offset the caret points at. */
function fromPlain(text: string, sql: string): { message: string; offset: number | null } {
  const at = /\n*LINE (\d+): ([^\n]*)\n( *)\^/.exec(text);
  if (!at) return { message: text.trim(), offset: null };
  const message = text.slice(0, at.index).trim();
  const lineNo = Number(at[1]);
  const excerpt = at[2] as string;
  const prefix = `LINE ${lineNo}: `.length;
  const caretCells = (at[3] as string).length - prefix;
  const lines = sql.split('\n');
  const line = lines[lineNo - 1];
  if (line === undefined) return { message, offset: null };
  const lineStart = lines.slice(0, lineNo - 1).reduce((n, l) => n + l.length + 1, 0);
  // Long lines are shown as a window, "..." marking what was cut.
  const shown = excerpt.replace(/^\.\.\./, '').replace(/\.\.\.$/, '');
  const cut = excerpt.startsWith('...') ? 3 : 0;
  const within = Math.max(0, line.indexOf(shown.slice(0, 20)));
  const column = within + indexAtCells(line.slice(within), caretCells - cut);
  return { message, offset: lineStart + Math.min(column, line.length) };
}

/** The string index at `cells` display cells into `text` (wide East Asian characters take two). */
export function indexAtCells(text: string, cells: number): number {
  let used = 0;
  let index = 0;
  for (const ch of text) {
    if (used >= cells) break;
    used += isWide(ch) ? 2 : 1;
    index += ch.length;
  }
  return index;
}

function isWide(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** The string index of a byte offset into the UTF-8 encoding of `text`. */
export function byteToIndex(text: string, byteOffset: number): number {
  let bytes = 0;
  let index = 0;
  for (const ch of text) {
    if (bytes >= byteOffset) break;
    const c = ch.codePointAt(0) ?? 0;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    index += ch.length;
  }
  return index;
}

/** Line and column (both from 1) of a string index. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1) as string).length + 1 };
}

function parseJson(text: string): Record<string, unknown> | null {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const stringOf = (v: unknown): string => (typeof v === 'string' ? v : '');
