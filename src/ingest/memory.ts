import { EngineError } from '../engine/errors';

/**
 * DuckDB-WASM's own memory limit in Chromium (a wasm32 heap stops at 4 GiB; DuckDB takes 3.1 GiB of
 * it and reports "Out of Memory Error … 3.1 GiB used" beyond that).
 */
export const TAB_MEMORY_LIMIT = 3.1 * 2 ** 30;

/**
 * Peak memory of a load and first analysis, from `npm run bench:large`
 * (bench/results/large-files-unchecked.json): the narrow benchmark file (3 columns, ≈ 26 bytes a
 * row) loaded and analysed with 10M rows (259 MB) and ran DuckDB out of memory with 17M (433 MB)
 * and 20M. Narrow files of short values cost the most per byte: each value costs DuckDB a
 * 16-byte string header and more in every table made from it, whatever its length, so the
 * estimate counts values (cells) as well as bytes once the text's shape is known. Before that
 * (the files as given) it counts bytes only. A DuckDB out-of-memory error that still happens is
 * reported as such (`out_of_memory`), never a dead tab.
 */
export const BASE_PEAK_BYTES = 0.35 * 2 ** 30;
/** Bytes only: what the files as given can tell. */
export const PEAK_BYTES_PER_TEXT_BYTE = 6;
/** With the text's shape: a part per byte and a part per value. */
export const PEAK_BYTES_PER_BYTE_OF_SHAPED_TEXT = 3;
export const PEAK_BYTES_PER_CELL = 50;
/**
 * A value DuckDB's reader types (a date or an amount, src/ingest/typedRead.ts) costs less than a
 * text one: typed, the narrow file analysed with 17M rows (440 MB, peak 3.76 GB of renderer) and
 * ran out of memory with 20M (bench/results/large-files-unchecked.json). 32 bytes a typed value
 * sets the limit near 15M such rows (390 MB), a margin below what was measured to work.
 */
export const PEAK_BYTES_PER_TYPED_CELL = 32;

export function estimatePeakBytes(textBytes: number, cells?: number, typedCells = 0): number {
  return cells === undefined
    ? BASE_PEAK_BYTES + PEAK_BYTES_PER_TEXT_BYTE * textBytes
    : BASE_PEAK_BYTES +
        PEAK_BYTES_PER_BYTE_OF_SHAPED_TEXT * textBytes +
        PEAK_BYTES_PER_CELL * cells +
        PEAK_BYTES_PER_TYPED_CELL * typedCells;
}

const NEWLINE = 0x0a;
const DELIMITERS = [0x2c, 0x09, 0x3b, 0x7c]; // , tab ; |

/**
 * Rows and columns of delimited text of `totalBytes`, estimated from its first bytes: rows from
 * the mean line length, columns from the commonest delimiter in the first line (quotes ignored:
 * an estimate, erring towards more).
 */
export function textShape(head: Uint8Array, totalBytes: number): { rows: number; columns: number } {
  let lines = 0;
  let firstLineEnd = -1;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === NEWLINE) {
      lines++;
      if (firstLineEnd < 0) firstLineEnd = i;
    }
  }
  const first = head.subarray(0, firstLineEnd < 0 ? head.length : firstLineEnd);
  let columns = 1;
  for (const d of DELIMITERS) {
    let n = 1;
    for (const b of first) if (b === d) n++;
    columns = Math.max(columns, n);
  }
  const complete = head.length >= totalBytes;
  const rows = complete ? lines + 1 : Math.ceil((totalBytes / head.length) * lines);
  return { rows, columns };
}

/** The number of values (rows × columns) of delimited text, estimated (see textShape). */
export function estimateCells(head: Uint8Array, totalBytes: number): number {
  const { rows, columns } = textShape(head, totalBytes);
  return rows * columns;
}

/** The most text whose estimated peak still fits in a tab. */
export function maxTextBytes(): number {
  return Math.floor((TAB_MEMORY_LIMIT - BASE_PEAK_BYTES) / PEAK_BYTES_PER_TEXT_BYTE);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 2 ** 20))} MB`;
}

/**
 * Stop when the files could not fit: a clear message instead of a dead tab. Checked on the files as
 * given and again on their text, with its shape (a compressed file or a workbook grows when
 * converted; narrow rows cost more than their bytes).
 */
export function checkMemory(
  files: readonly {
    name: string;
    bytes: number;
    /** Values read as text. */
    cells?: number;
    /** Values a typed read types. */
    typedCells?: number;
  }[],
): void {
  const size = files.reduce((n, f) => n + f.bytes, 0);
  const shaped = files.every((f) => f.cells !== undefined);
  const needed = estimatePeakBytes(
    size,
    shaped ? files.reduce((n, f) => n + (f.cells ?? 0), 0) : undefined,
    files.reduce((n, f) => n + (f.typedCells ?? 0), 0),
  );
  if (needed <= TAB_MEMORY_LIMIT) return;
  throw new EngineError('file_too_large', {
    file: files.map((f) => f.name).join(', '),
    size: formatBytes(size),
    needed: formatBytes(needed),
    limit: formatBytes(TAB_MEMORY_LIMIT),
  });
}
