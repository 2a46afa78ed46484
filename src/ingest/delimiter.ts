/**
 * Delimiters of delimited text. DuckDB's sniffer finds a single-character delimiter; logs whose
 * fields are separated by runs of spaces (the CDNOW master log: a leading space, then columns
 * aligned with one to four spaces) defeat it and read as one column. Such text is recognised here
 * and rewritten with one tab between fields before DuckDB reads it. The analyst can also name the
 * delimiter when the sniffer chooses wrongly.
 */

/**
 * What the analyst can choose; `whitespace` = any run of spaces or tabs; `fixed` = columns at fixed
 * character positions (fixedWidth.ts), with their widths.
 */
export const DELIMITERS = [',', ';', '\t', '|', 'whitespace', 'fixed'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** Lines of the head looked at; enough to see the layout, cheap on any file. */
const SAMPLE_LINES = 200;

/** The non-blank lines at the start of `head`, without their line ends (the last may be cut). */
function sampleLines(head: string): string[] {
  const lines = head.split(/\r\n|\n|\r/);
  if (lines.length > 1) lines.pop(); // cut by the head's end
  return lines.filter((l) => l.trim() !== '').slice(0, SAMPLE_LINES);
}

/** The most common value and the share of items that have it. */
function mode(values: readonly number[]): { value: number; share: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = { value: 0, share: 0 };
  for (const [value, n] of counts) {
    const share = n / values.length;
    if (share > best.share) best = { value, share };
  }
  return best;
}

/** Share of lines with the same field count a layout needs to be taken for the file's. */
const CONSISTENT = 0.9;

/** Whether a usual one-character delimiter splits nearly every line into the same fields. */
export function splitsEvenly(lines: readonly string[]): boolean {
  return [',', ';', '\t', '|'].some((d) => {
    const m = mode(lines.map((l) => l.split(d).length - 1));
    return m.value > 0 && m.share >= CONSISTENT;
  });
}

/**
 * Whether the text's fields are separated by runs of whitespace: no usual one-character delimiter
 * splits its lines consistently, no quotes, and splitting on whitespace gives the same number of
 * fields (at least three: an order export has an id, a date and an amount) on nearly every line,
 * with runs of several spaces or leading spaces showing the layout was aligned, not typed prose.
 */
export function isWhitespaceSeparated(head: string): boolean {
  const lines = sampleLines(head);
  if (lines.length < 2 || lines.some((l) => l.includes('"')) || splitsEvenly(lines)) return false;
  const fields = mode(lines.map((l) => l.trim().split(/[ \t]+/).length));
  if (fields.value < 3 || fields.share < CONSISTENT) return false;
  return lines.some((l) => /^[ \t]|[ \t]{2}/.test(l));
}

/**
 * Rewrites whitespace-separated text as tab-separated: leading and trailing spaces dropped, each
 * run of spaces and tabs inside a line one tab. Works on UTF-8 bytes (a space byte is never part of
 * a multi-byte character) and across chunks, carrying a pending run from one chunk to the next.
 */
class WhitespaceCollapser {
  private atLineStart = true;
  private pendingRun = false;

  push(bytes: Uint8Array): Uint8Array {
    const out = new Uint8Array(bytes.length + 1);
    let j = 0;
    for (const b of bytes) {
      if (b === SPACE || b === TAB) {
        if (!this.atLineStart) this.pendingRun = true;
      } else if (b === CR || b === LF) {
        this.pendingRun = false;
        this.atLineStart = true;
        out[j++] = b;
      } else {
        if (this.pendingRun) out[j++] = TAB;
        this.pendingRun = false;
        this.atLineStart = false;
        out[j++] = b;
      }
    }
    return out.subarray(0, j);
  }
}

/** Chunks of a Blob rewritten this large at a time. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/** Whitespace-separated text as tab-separated text (see WhitespaceCollapser). */
export async function collapseWhitespace(text: Blob | Uint8Array): Promise<Blob | Uint8Array> {
  const collapser = new WhitespaceCollapser();
  if (text instanceof Uint8Array) return collapser.push(text);
  const parts: Uint8Array[] = [];
  for (let start = 0; start < text.size; start += CHUNK_BYTES) {
    parts.push(
      collapser.push(new Uint8Array(await text.slice(start, start + CHUNK_BYTES).arrayBuffer())),
    );
  }
  return new Blob(parts as BlobPart[]);
}

/** The delimiter as DuckDB's read_csv writes it in a string literal. */
export function delimiterLiteral(d: Delimiter): string {
  return d === 'whitespace' || d === 'fixed' || d === '\t' ? `'\\t'` : `'${d}'`;
}

/** How a file's delimiter was settled: found here (whitespace runs, a fixed layout) or chosen. */
export interface DelimiterInfo {
  delimiter: Delimiter;
  chosen: boolean;
  /** The column widths of a fixed-width layout (`fixed` only). */
  widths?: number[];
}
