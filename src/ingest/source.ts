import { EngineError } from '../engine/errors';
import { detectEncoding, type EncodingGuess, type SourceEncoding } from './encoding';
import { detectFormat, type FileFormat } from './formats/detectFormat';
import { CSV_DIALECT_OPTIONS } from './formats/toCsv';
import { userTextDialect } from './csv';
import {
  collapseWhitespace,
  isWhitespaceSeparated,
  type Delimiter,
  type DelimiterInfo,
} from './delimiter';
import { normaliseLineEndings } from './lineEndings';
import { fixedWidthLayout, fixedWidthToTsv } from './fixedWidth';
import { formatBytes, maxTextBytes, textShape } from './memory';
import { transcodeBytesToUtf8, transcodeToUtf8 } from './transcode';

/** A file as the user gave it (a dropped File, or fetched bytes wrapped in a Blob). */
export interface SourceFile {
  name: string;
  blob: Blob;
}

/** The analyst's choices for reading a file; null = detect. */
export interface ReadOptions {
  encoding: SourceEncoding | null;
  sheet: string | null;
  /** The delimiter of delimited text; null or absent = detect. */
  delimiter?: Delimiter | null;
  /** The column widths when the delimiter is `fixed`; null or absent = find them. */
  fixedWidths?: number[] | null;
  /** false only for the benchmark that measures what the memory estimate should be. */
  memoryCheck?: boolean;
}

/** How a file's encoding was settled: detected (with the detector's confidence) or chosen. */
export type EncodingInfo = EncodingGuess & { chosen: boolean };

/** A file turned into the one form DuckDB reads here: UTF-8 delimited text without a BOM. */
export interface CsvSource {
  name: string;
  /**
   * In memory (`Uint8Array`) up to IN_MEMORY_TEXT_BYTES: DuckDB reads a buffer faster than a Blob
   * (and the blob store round trip is skipped). Larger text stays a Blob that DuckDB reads in place.
   */
  text: Blob | Uint8Array;
  /** read_csv options of text we wrote from another format; null for the user's own text. */
  dialect: string | null;
  format: FileFormat;
  /** null for formats that define their own encoding (xlsx, Parquet). */
  encoding: EncodingInfo | null;
  /** Sheets of a workbook, and the one read. */
  sheets: string[] | null;
  sheet: string | null;
  /** The delimiter when it was not left to DuckDB's sniffer (whitespace runs, or chosen). */
  delimiter: DelimiterInfo | null;
}

export interface ReadProgress {
  step: 'decompressing' | 'transcoding' | 'converting';
  /** 0–1, or null when the step cannot tell. */
  fraction: number | null;
}

/** Enough of the head to judge format and encoding; the rest is checked while transcoding. */
export const HEAD_BYTES = 256 * 1024;

/**
 * Text up to this size is handed to DuckDB as one buffer (copied into its heap, dropped once read):
 * 0.6 s faster on a 127 MB file than reading a Blob in place (ENGINE-NOTES). Above it, the copy
 * would eat into the memory the analysis needs.
 */
export const IN_MEMORY_TEXT_BYTES = 128 * 2 ** 20;

/** The most UTF-8 bytes per input byte of a file we transcode (UTF-16 and GB18030: 1.5). */
const UTF8_GROWTH: Record<SourceEncoding, number> = {
  'utf-8': 1,
  'utf-16le': 1.5,
  'utf-16be': 1.5,
  gb18030: 1.5,
  big5: 1.5,
  'windows-1252': 3,
};

export const textBytes = (text: Blob | Uint8Array) =>
  text instanceof Uint8Array ? text.length : text.size;

/** Converted text stays in memory when small enough, else goes to the browser's blob store. */
const keepOrStore = (csv: Uint8Array) =>
  csv.length <= IN_MEMORY_TEXT_BYTES ? csv : new Blob([csv as BlobPart]);

const bytesOf = async (data: Blob | Uint8Array) =>
  data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());

/**
 * Any supported file → UTF-8 CSV text. Delimited text is transcoded in chunks (a 1 GB export is
 * never held twice); workbooks, Parquet and JSON are converted by their readers, which need the
 * whole file in memory anyway.
 */
export async function toCsvSource(
  file: SourceFile,
  options: ReadOptions,
  onProgress: (p: ReadProgress) => void,
  signal: AbortSignal,
): Promise<CsvSource> {
  let blob = file.blob;
  if (blob.size === 0) throw new EngineError('empty_file', { file: file.name });
  let head = await bytesOf(blob.slice(0, HEAD_BYTES));
  let format = detectFormat(head, file.name);
  if (format === 'gzip') {
    onProgress({ step: 'decompressing', fraction: null });
    blob = await gunzip(blob, file.name, signal);
    if (blob.size === 0) throw new EngineError('empty_file', { file: file.name });
    head = await bytesOf(blob.slice(0, HEAD_BYTES));
    format = detectFormat(head, file.name.replace(/\.gz$/i, ''));
  }
  const base = {
    name: file.name,
    format,
    sheets: null,
    sheet: null,
    dialect: null,
    delimiter: null,
  };
  const converted = { ...base, dialect: CSV_DIALECT_OPTIONS };
  switch (format) {
    case 'delimited':
    case 'json':
    case 'ndjson': {
      const encoding: EncodingInfo = options.encoding
        ? {
            ...detectEncoding(head, blob.size <= HEAD_BYTES),
            encoding: options.encoding,
            chosen: true,
          }
        : { ...detectEncoding(head, blob.size <= HEAD_BYTES), chosen: false };
      const transcode =
        blob.size * UTF8_GROWTH[encoding.encoding] <= IN_MEMORY_TEXT_BYTES
          ? transcodeBytesToUtf8
          : transcodeToUtf8;
      const text = await transcode(blob, encoding.encoding, {
        onProgress: (done, total) => onProgress({ step: 'transcoding', fraction: done / total }),
        signal,
        fileName: file.name,
      });
      if (format === 'delimited') {
        const lf = await normaliseLineEndings(text);
        const delimiter = await settleDelimiter(lf, options, file.name);
        const delimited =
          delimiter?.delimiter === 'whitespace'
            ? await collapseWhitespace(lf)
            : delimiter?.delimiter === 'fixed' && delimiter.widths
              ? await fixedWidthToTsv(lf, delimiter.widths)
              : lf;
        await checkColumns(delimited, file.name);
        return {
          ...base,
          text: delimited,
          encoding,
          delimiter,
          dialect: delimiter ? userTextDialect(delimiter.delimiter) : null,
        };
      }
      onProgress({ step: 'converting', fraction: null });
      const { jsonToCsv } = await import('./formats/json');
      const table = jsonToCsv(await bytesOf(text), file.name);
      return { ...converted, text: keepOrStore(table.csv), encoding };
    }
    case 'xlsx': {
      onProgress({ step: 'converting', fraction: null });
      const { xlsxToCsv } = await import('./formats/xlsx');
      const table = await xlsxToCsv(await bytesOf(blob), file.name, options.sheet);
      return {
        ...converted,
        text: keepOrStore(table.csv),
        encoding: null,
        sheets: table.sheets ?? null,
        sheet: table.sheet ?? null,
      };
    }
    case 'parquet': {
      onProgress({ step: 'converting', fraction: null });
      const { parquetToCsv } = await import('./formats/parquet');
      const table = await parquetToCsv(await bytesOf(blob), file.name, signal);
      return { ...converted, text: keepOrStore(table.csv), encoding: null };
    }
    case 'binary':
      throw new EngineError('not_text', { file: file.name });
    default:
      throw new EngineError('unsupported_format', {
        file: file.name,
        format: FORMAT_NAMES[format],
      });
  }
}

/**
 * The analyst's delimiter (and widths), else whitespace runs or a fixed layout when the text is
 * laid out so, else null: DuckDB's sniffer decides.
 */
async function settleDelimiter(
  text: Blob | Uint8Array,
  options: ReadOptions,
  fileName: string,
): Promise<DelimiterInfo | null> {
  const chosen = options.delimiter ?? null;
  if (chosen === 'fixed' && options.fixedWidths)
    return { delimiter: 'fixed', chosen: true, widths: options.fixedWidths };
  if (chosen && chosen !== 'fixed') return { delimiter: chosen, chosen: true };
  const head = new TextDecoder().decode(await bytesOf(text.slice(0, HEAD_BYTES)));
  if (chosen === 'fixed') {
    const widths = fixedWidthLayout(head);
    if (!widths) throw new EngineError('fixed_widths_needed', { file: fileName });
    return { delimiter: 'fixed', chosen: true, widths };
  }
  if (isWhitespaceSeparated(head)) return { delimiter: 'whitespace', chosen: false };
  const widths = fixedWidthLayout(head);
  return widths ? { delimiter: 'fixed', chosen: false, widths } : null;
}

/**
 * More columns than any order export has: such a file (a wide survey, a pivot, a matrix) is
 * refused at once with its count, rather than read, profiled and mapped column by column.
 */
export const MAX_COLUMNS = 500;

async function checkColumns(text: Blob | Uint8Array, fileName: string): Promise<void> {
  const head = await bytesOf(text.slice(0, HEAD_BYTES));
  const { columns } = textShape(head, textBytes(text));
  if (columns > MAX_COLUMNS)
    throw new EngineError('too_many_columns', { file: fileName, columns, max: MAX_COLUMNS });
}

const FORMAT_NAMES: Record<'xls' | 'zip' | 'zstd' | 'gzip', string> = {
  xls: 'Excel 97–2003 (.xls)',
  zip: 'zip',
  zstd: 'zstd',
  gzip: 'gzip inside gzip',
};

/**
 * A gzip-compressed order export expands a few times to twenty-odd times (a very repetitive one
 * perhaps sixty); a file that expands more than this, past some megabytes, is not an export (a
 * "zip bomb" of zeros expands 1000×).
 */
const MAX_EXPANSION = 200;
const EXPANSION_CHECKED_FROM = 64 * 2 ** 20;
/** How much of the compressed file is unpacked first to learn its ratio. */
const PROBE_BYTES = 64 * 1024;

/**
 * How many times the start of a gzip file expands, reading at most what the ratio limit allows.
 * Decompression streams take their whole input at once, so the ratio cannot be followed while the
 * file streams; the first compressed bytes, unpacked alone, tell it before any memory is spent.
 */
async function probeExpansion(blob: Blob): Promise<number> {
  const head = blob.slice(0, PROBE_BYTES);
  const reader = head.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const limit = MAX_EXPANSION * head.size;
  let size = 0;
  try {
    while (size <= limit) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
    }
  } catch {
    // The probe is cut mid-stream: the end of its input is an error, not a finding.
  } finally {
    void reader.cancel().catch(() => {});
  }
  return size / Math.max(1, head.size);
}

/**
 * Unpack a gzip file as a stream, stopping as soon as it expands beyond what a tab could analyse
 * or far beyond any export's ratio: a hostile or broken file is refused within seconds, before
 * it fills the memory.
 */
async function gunzip(blob: Blob, fileName: string, signal: AbortSignal): Promise<Blob> {
  const ceiling = maxTextBytes();
  const refuse = (size: number, ratio: number) =>
    new EngineError('compressed_too_large', {
      file: fileName,
      size: formatBytes(size),
      ratio: Math.round(ratio),
    });
  const probed = await probeExpansion(blob);
  if (probed > MAX_EXPANSION && probed * blob.size > EXPANSION_CHECKED_FROM)
    throw refuse(probed * PROBE_BYTES, probed);
  const reader = blob.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      chunks.push(value);
      if (signal.aborted) throw new EngineError('cancelled');
      if (size > ceiling) throw refuse(ceiling, size / blob.size);
      if (size > EXPANSION_CHECKED_FROM && size > MAX_EXPANSION * blob.size)
        throw refuse(size, size / blob.size);
    }
  } catch (e) {
    void reader.cancel().catch(() => {});
    if (e instanceof EngineError) throw e;
    throw new EngineError('unsupported_format', { file: fileName, format: 'gzip (damaged)' });
  }
  return new Blob(chunks as BlobPart[]);
}
