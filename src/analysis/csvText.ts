/** What makes Excel, WPS, LibreOffice or Sheets read typed-in text as a formula. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text a spreadsheet shows as text (CSV injection): text that would start a formula gets a leading
 * apostrophe, the mark spreadsheets use for "this is text". Numbers are never passed here: a
 * negative number is a number, not a formula.
 */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The same guard in SQL, for the files the engine writes (user text only, never numbers). */
export function spreadsheetSafeSql(expr: string): string {
  return `CASE WHEN regexp_matches(${expr}, '^[=+\\-@\\t\\r]') THEN '''' || ${expr} ELSE ${expr} END`;
}

/**
 * One CSV field: quoted when it holds a quote, comma or line break (RFC 4180); text that would
 * start a formula is made safe. Not-finite numbers are empty cells.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const s = spreadsheetSafe(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A CSV file as Excel opens it in any language: UTF-8 with a BOM, CRLF line ends. */
export function csvText(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const lines = [header, ...rows].map((cells) => cells.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
