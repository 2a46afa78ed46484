import { EngineError } from '../engine/errors';
import { detectEncoding, type EncodingGuess, type SourceEncoding } from './encoding';
import { detectFormat, type FileFormat } from './formats/detectFormat';
import { CSV_DIALECT_OPTIONS } from './formats/toCsv';
import { transcodeToUtf8 } from './transcode';

/** A file as the user gave it (a dropped File, or fetched bytes wrapped in a Blob). */
export interface SourceFile {
  name: string;
  blob: Blob;
}

/** The analyst's choices for reading a file; null = detect. */
export interface ReadOptions {
  encoding: SourceEncoding | null;
  sheet: string | null;
  /** false only for the benchmark that measures what the memory estimate should be. */
  memoryCheck?: boolean;
}

/** How a file's encoding was settled: detected (with the detector's confidence) or chosen. */
export type EncodingInfo = EncodingGuess & { chosen: boolean };

/** A file turned into the one form DuckDB reads here: UTF-8 delimited text without a BOM. */
export interface CsvSource {
  name: string;
  text: Blob;
  /** read_csv options of text we wrote from another format; null for the user's own text. */
  dialect: string | null;
  format: FileFormat;
  /** null for formats that define their own encoding (xlsx, Parquet). */
  encoding: EncodingInfo | null;
  /** Sheets of a workbook, and the one read. */
  sheets: string[] | null;
  sheet: string | null;
}

export interface ReadProgress {
  step: 'decompressing' | 'transcoding' | 'converting';
  /** 0–1, or null when the step cannot tell. */
  fraction: number | null;
}

/** Enough of the head to judge format and encoding; the rest is checked while transcoding. */
export const HEAD_BYTES = 256 * 1024;

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

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
    blob = await gunzip(blob, file.name);
    if (blob.size === 0) throw new EngineError('empty_file', { file: file.name });
    head = await bytesOf(blob.slice(0, HEAD_BYTES));
    format = detectFormat(head, file.name.replace(/\.gz$/i, ''));
  }
  const base = { name: file.name, format, sheets: null, sheet: null, dialect: null };
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
      const text = await transcodeToUtf8(blob, encoding.encoding, {
        onProgress: (done, total) => onProgress({ step: 'transcoding', fraction: done / total }),
        signal,
        fileName: file.name,
      });
      if (format === 'delimited') return { ...base, text, encoding };
      onProgress({ step: 'converting', fraction: null });
      const { jsonToCsv } = await import('./formats/json');
      const table = jsonToCsv(await bytesOf(text), file.name);
      return { ...converted, text: new Blob([table.csv as BlobPart]), encoding };
    }
    case 'xlsx': {
      onProgress({ step: 'converting', fraction: null });
      const { xlsxToCsv } = await import('./formats/xlsx');
      const table = await xlsxToCsv(await bytesOf(blob), file.name, options.sheet);
      return {
        ...converted,
        text: new Blob([table.csv as BlobPart]),
        encoding: null,
        sheets: table.sheets ?? null,
        sheet: table.sheet ?? null,
      };
    }
    case 'parquet': {
      onProgress({ step: 'converting', fraction: null });
      const { parquetToCsv } = await import('./formats/parquet');
      const table = await parquetToCsv(await bytesOf(blob), file.name, signal);
      return { ...converted, text: new Blob([table.csv as BlobPart]), encoding: null };
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

const FORMAT_NAMES: Record<'xls' | 'zip' | 'zstd' | 'gzip', string> = {
  xls: 'Excel 97–2003 (.xls)',
  zip: 'zip',
  zstd: 'zstd',
  gzip: 'gzip inside gzip',
};

async function gunzip(blob: Blob, fileName: string): Promise<Blob> {
  try {
    const stream = blob.stream().pipeThrough(new DecompressionStream('gzip'));
    return await new Response(stream).blob();
  } catch {
    throw new EngineError('unsupported_format', { file: fileName, format: 'gzip (damaged)' });
  }
}
