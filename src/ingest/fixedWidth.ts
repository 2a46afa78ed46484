/**
 * Fixed-width text: every column at the same character positions on every line, as mainframe
 * extracts, bank statements and old reporting tools write them. Where a blank gutter runs down
 * every line the layout is found here; where the columns touch (no gutter) nothing in the text
 * says where one ends, so the analyst gives the widths. Either way the text is rewritten as
 * tab-separated, each field trimmed, before DuckDB reads it.
 *
 * Positions are display columns: a Chinese, Japanese or Korean character (and any full-width one)
 * takes two, as in the GBK bytes such extracts were written in and on the screen they were aligned
 * on; every other character takes one.
 */

import { splitsEvenly } from './delimiter';

/** Lines of the head looked at. */
const SAMPLE_LINES = 200;
/** At least this many columns: an order export has an id, a date and an amount. */
const MIN_COLUMNS = 3;
/** Widest column and most columns a layout may have (a guard against prose and typos). */
const MAX_WIDTH = 10_000;
const MAX_FIXED_COLUMNS = 500;

/** Display columns of a code point: two for East Asian wide and full-width characters. */
export function charColumns(cp: number): 1 | 2 {
  return (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
    ? 2
    : 1;
}

/** Which display columns of a line hold something other than a space. */
function filledColumns(line: string): boolean[] {
  const filled: boolean[] = [];
  for (const ch of line) {
    const wide = charColumns(ch.codePointAt(0) as number) === 2;
    filled.push(ch !== ' ');
    if (wide) filled.push(true);
  }
  return filled;
}

function sampleLines(head: string): string[] {
  const lines = head.split(/\r\n|\n|\r/);
  if (lines.length > 1) lines.pop(); // cut by the head's end
  return lines.filter((l) => l.trim() !== '').slice(0, SAMPLE_LINES);
}

/**
 * The column widths of text laid out in fixed columns separated by blank gutters, or null when the
 * text is not so laid out. A gutter is a character position that is a space (or past the end) on
 * every sampled line; a column is a run of positions between gutters, and owns the gutter after
 * it. Needs at least three lines, three columns, no tabs or usual delimiters splitting the lines
 * evenly (those are delimited files), and lines of nearly one length (a padded layout) or a gutter
 * two or more wide (an aligned one) — so prose and ragged notes are not taken for a layout.
 */
export function fixedWidthLayout(head: string): number[] | null {
  const lines = sampleLines(head).map((l) => l.replace(/\s+$/, ''));
  if (lines.length < 3 || lines.some((l) => l.includes('\t')) || splitsEvenly(lines)) return null;
  const filled = lines.map(filledColumns);
  const length = Math.max(...filled.map((f) => f.length));
  if (length > MAX_WIDTH) return null;
  const blank = new Array<boolean>(length).fill(true);
  for (const f of filled) f.forEach((x, p) => x && (blank[p] = false));
  const starts: number[] = [];
  let widestGutter = 0;
  let gutter = 0; // blank positions just before p
  for (let p = 0; p < length; p++) {
    if (blank[p]) {
      gutter++;
      continue;
    }
    if (p === 0 || blank[p - 1]) {
      if (starts.length > 0) widestGutter = Math.max(widestGutter, gutter);
      starts.push(p);
    }
    gutter = 0;
  }
  if (starts.length < MIN_COLUMNS || starts.length > MAX_FIXED_COLUMNS) return null;
  const lengths = new Map<number, number>();
  for (const f of filled) lengths.set(f.length, (lengths.get(f.length) ?? 0) + 1);
  const padded = Math.max(...lengths.values()) / lines.length >= 0.9;
  if (!padded && widestGutter < 2) return null;
  // The first column starts at 0 (leading spaces belong to it and are trimmed).
  const bounds = [0, ...starts.slice(1), length];
  return bounds.slice(1).map((end, i) => end - (bounds[i] as number));
}

/** The widths an analyst typed ("4, 8, 6" or "4 8 6"), or null when they are not a layout. */
export function parseWidths(text: string): number[] | null {
  const parts = text.split(/[\s,，;；]+/).filter((p) => p !== '');
  if (parts.length < 2 || parts.length > MAX_FIXED_COLUMNS) return null;
  const widths = parts.map(Number);
  return widths.every((w) => Number.isInteger(w) && w >= 1 && w <= MAX_WIDTH) ? widths : null;
}

/** Widths as the analyst reads and types them. */
export function formatWidths(widths: readonly number[]): string {
  return widths.join(', ');
}

/** A field as one tab-separated value: trimmed, quoted when it holds a quote. */
function tsvField(raw: string): string {
  const v = raw.trim();
  return v.includes('"') ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * One line cut at the widths (display columns); a character belongs to the column it starts in.
 * What runs past their sum stays with the last column, and a line shorter than the layout ends in
 * empty fields.
 */
export function splitFixedLine(line: string, widths: readonly number[]): string[] {
  const fields: string[] = widths.map(() => '');
  let field = 0;
  let end = widths[0] as number;
  let column = 0;
  for (const ch of line) {
    while (field < widths.length - 1 && column >= end) end += widths[++field] as number;
    fields[field] += ch;
    column += charColumns(ch.codePointAt(0) as number);
  }
  return fields;
}

/**
 * Chunks of a Blob rewritten this large at a time: splitting and joining 1 MB of lines in JS takes
 * some tens of milliseconds, and reading the next chunk yields, so the worker stays responsive.
 */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Fixed-width UTF-8 text (line ends already LF) as tab-separated text. Positions count characters
 * (a Chinese character is one), decoded across chunks so no character or line is split.
 */
export async function fixedWidthToTsv(
  text: Blob | Uint8Array,
  widths: readonly number[],
): Promise<Blob> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let carry = '';
  const emit = (lines: string[]) => {
    const out = lines.map((l) => splitFixedLine(l, widths).map(tsvField).join('\t'));
    parts.push(encoder.encode(out.join('\n') + '\n'));
  };
  const blob = text instanceof Blob ? text : new Blob([text as BlobPart]);
  for (let start = 0; start < blob.size; start += CHUNK_BYTES) {
    const bytes = new Uint8Array(await blob.slice(start, start + CHUNK_BYTES).arrayBuffer());
    const lines = (carry + decoder.decode(bytes, { stream: true })).split('\n');
    carry = lines.pop() ?? '';
    if (lines.length > 0) emit(lines);
  }
  carry += decoder.decode();
  if (carry !== '') emit([carry]);
  return new Blob(parts as BlobPart[]);
}
