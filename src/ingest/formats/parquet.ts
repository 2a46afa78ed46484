import type { FileMetaData, ParquetParsers, SchemaElement } from 'hyparquet';
import { EngineError } from '../../engine/errors';
import {
  dayText,
  epochText,
  float32Text,
  plainDecimal,
  scaledDecimal,
  timeOfDayText,
} from './cellText';
import { damaged } from './damaged';
import { CsvBuilder, uniqueHeaders, type TableText } from './toCsv';

const utf8 = new TextDecoder('utf-8');

/**
 * Dates and timestamps straight to text from their stored integers: hyparquet's own parsers make
 * Date objects, which drop micro- and nanoseconds. Timestamps are written as naive UTC wall time
 * (DuckDB here has no time zones, and a UTC-adjusted instant reads the same in every browser).
 */
const PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (v: bigint) => epochText(BigInt(v), 1_000n),
  timestampFromMicroseconds: (v: bigint) => epochText(BigInt(v), 1_000_000n),
  timestampFromNanoseconds: (v: bigint) => epochText(BigInt(v), 1_000_000_000n),
  dateFromDays: (days: number) => dayText(days),
  jsonFromBytes: (bytes: Uint8Array) => bytes && utf8.decode(bytes),
};

type Formatter = (value: unknown) => string | null;

/**
 * A Parquet file as CSV, one row group at a time (the unit Parquet compresses, so only one
 * group's values are held at once), written row by row from the decoded columns. Nested and list
 * columns become JSON text; DECIMAL and 64-bit integers keep every digit. Between row groups and
 * every ROWS_PER_SLICE rows it lets the worker hear other messages, and stops when `signal` aborts.
 */
export async function parquetToCsv(
  bytes: Uint8Array,
  fileName: string,
  signal?: AbortSignal,
): Promise<TableText> {
  const [{ parquetMetadata, parquetRead, parquetSchema }, { compressors }] = await Promise.all([
    import('hyparquet'),
    import('hyparquet-compressors'),
  ]);
  const file = arrayBufferOf(bytes);
  try {
    const metadata = parquetMetadata(file, { parsers: PARSERS });
    const columns = parquetSchema(metadata).children;
    const names = columns.map((c) => c.element.name);
    const formatters = columns.map((c) =>
      c.children.length > 0 || c.element.repetition_type === 'REPEATED'
        ? jsonText
        : leafFormatter(c.element),
    );
    const csv = new CsvBuilder(uniqueHeaders(names));
    const values = new Array<string | null>(columns.length);
    const readable = withRawDecimals(metadata);
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      const pieces = names.map(() => [] as ColumnPiece[]);
      await parquetRead({
        file,
        metadata: readable,
        rowStart: groupStart,
        rowEnd: groupEnd,
        compressors,
        parsers: PARSERS,
        utf8: false,
        onChunk: ({ columnName, columnData, rowStart }) => {
          pieces[names.indexOf(columnName)]?.push({ start: rowStart, data: columnData });
        },
      });
      const cursors = pieces.map((p) => new ColumnCursor(p));
      for (let row = groupStart; row < groupEnd; row++) {
        if ((row - groupStart) % ROWS_PER_SLICE === 0) await pause(signal);
        for (let i = 0; i < values.length; i++) {
          values[i] = (formatters[i] as Formatter)((cursors[i] as ColumnCursor).at(row));
        }
        csv.addRow(values);
      }
      groupStart = groupEnd;
    }
    return csv.finish();
  } catch (e) {
    throw damaged(fileName, 'Parquet', e);
  }
}

/** Rows written between pauses; about 50 ms of work. */
const ROWS_PER_SLICE = 50_000;

async function pause(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (signal?.aborted) throw new EngineError('cancelled');
}

interface ColumnPiece {
  /** Absolute row number of data[0]. */
  start: number;
  data: ArrayLike<unknown>;
}

/** A column's values by absolute row number, read in increasing order across its pieces. */
class ColumnCursor {
  private index = 0;

  constructor(private readonly pieces: readonly ColumnPiece[]) {}

  at(row: number): unknown {
    let piece = this.pieces[this.index];
    while (piece && row >= piece.start + piece.data.length) piece = this.pieces[++this.index];
    return piece && row >= piece.start ? piece.data[row - piece.start] : undefined;
  }
}

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
}

const isDecimal = (e: SchemaElement) =>
  e.converted_type === 'DECIMAL' || e.logical_type?.type === 'DECIMAL';

/**
 * The metadata with DECIMAL annotations removed, so the reader hands over the stored integers
 * (hyparquet would scale them into doubles and lose digits); we scale them exactly ourselves.
 */
function withRawDecimals(metadata: FileMetaData): FileMetaData {
  if (!metadata.schema.some(isDecimal)) return metadata;
  const schema = metadata.schema.map((e) => {
    if (!isDecimal(e)) return e;
    const raw = { ...e };
    delete raw.converted_type;
    delete raw.logical_type;
    return raw;
  });
  return { ...metadata, schema };
}

function leafFormatter(e: SchemaElement): Formatter {
  const lt = e.logical_type;
  if (isDecimal(e)) {
    const scale = lt?.type === 'DECIMAL' ? lt.scale : (e.scale ?? 0);
    return (v) => (v === null || v === undefined ? null : scaledDecimal(unscaled(v), scale));
  }
  if (e.type === 'FLOAT') return (v) => (typeof v === 'number' ? float32Text(v) : valueText(v));
  const timeUnits =
    lt?.type === 'TIME'
      ? { MILLIS: 1_000n, MICROS: 1_000_000n, NANOS: 1_000_000_000n }[lt.unit]
      : e.converted_type === 'TIME_MILLIS'
        ? 1_000n
        : e.converted_type === 'TIME_MICROS'
          ? 1_000_000n
          : null;
  if (timeUnits !== null) {
    return (v) =>
      typeof v === 'number' || typeof v === 'bigint'
        ? timeOfDayText(BigInt(v), timeUnits)
        : valueText(v);
  }
  return valueText;
}

/** DECIMAL storage: INT32, INT64, or big-endian two's complement bytes. */
function unscaled(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (v instanceof Uint8Array) {
    let n = 0n;
    for (const b of v) n = (n << 8n) | BigInt(b);
    const bits = BigInt(v.length * 8);
    return v.length > 0 && (v[0] as number) >= 0x80 ? n - (1n << bits) : n;
  }
  throw new Error(`unexpected DECIMAL value ${String(v)}`);
}

function valueText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return plainDecimal(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Uint8Array) return utf8.decode(v);
  return jsonText(v);
}

function jsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return JSON.stringify(v, (_key, value: unknown) => {
    if (typeof value === 'bigint') {
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    }
    if (value instanceof Uint8Array) return utf8.decode(value);
    return value;
  });
}
