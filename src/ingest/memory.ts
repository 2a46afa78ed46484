import { EngineError } from '../engine/errors';

/**
 * DuckDB-WASM's own memory limit in Chromium (a wasm32 heap stops at 4 GiB; DuckDB takes 3.1 GiB of
 * it and reports "Out of Memory Error … 3.1 GiB used" beyond that).
 */
export const TAB_MEMORY_LIMIT = 3.1 * 2 ** 30;

/**
 * Peak memory of a load and first analysis, as a fixed part plus a multiple of the text size, set
 * from `npm run bench:large` (bench/results/large-files-unchecked.json): the narrow benchmark file
 * (≈ 26 bytes a row) loaded and analysed at 259 MB and ran DuckDB out of memory at 518 MB. Narrow
 * files of short values cost the most per byte (DuckDB's 16-byte string headers outweigh the text),
 * so the estimate errs on the safe side for wider exports; a DuckDB out-of-memory error that still
 * happens is reported as such (`out_of_memory`), never a dead tab.
 */
export const BASE_PEAK_BYTES = 0.35 * 2 ** 30;
export const PEAK_BYTES_PER_TEXT_BYTE = 6;

export function estimatePeakBytes(textBytes: number): number {
  return BASE_PEAK_BYTES + PEAK_BYTES_PER_TEXT_BYTE * textBytes;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 2 ** 20))} MB`;
}

/**
 * Stop when the files could not fit: a clear message instead of a dead tab. Checked on the files as
 * given and again on their text (a compressed file or a workbook grows when converted).
 */
export function checkMemory(files: readonly { name: string; bytes: number }[]): void {
  const size = files.reduce((n, f) => n + f.bytes, 0);
  const needed = estimatePeakBytes(size);
  if (needed <= TAB_MEMORY_LIMIT) return;
  throw new EngineError('file_too_large', {
    file: files.map((f) => f.name).join(', '),
    size: formatBytes(size),
    needed: formatBytes(needed),
    limit: formatBytes(TAB_MEMORY_LIMIT),
  });
}
