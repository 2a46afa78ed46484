/**
 * File text in any encoding we read → UTF-8 for DuckDB, chunk by chunk, so a 1 GB file is never
 * held as a second whole copy in JavaScript and the user sees progress and can cancel. UTF-8 input
 * is only checked and handed back as is. No BOM is written: DuckDB would keep it in the first
 * column's name.
 */
import { EngineError } from '../engine/errors';
import { Utf8Validator, utf8Transcoder } from './decode';
import { bomEncoding, detectEncoding, ENCODING_NAMES, type SourceEncoding } from './encoding';

/**
 * Per-chunk overhead vanishes well below this. Besides the output, a transcode holds two chunks
 * (one being read ahead), the transcoder's buffer, and up to one batch of output for the Blob.
 */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export interface TranscodeOptions {
  chunkBytes?: number;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Aborting stops at the next chunk with EngineError('cancelled'). */
  signal?: AbortSignal;
  /** Named in error messages; defaults to the File's own name. */
  fileName?: string;
}

/** UTF-8 gathered before it is handed to the browser's blob store as one part. */
const BLOB_BATCH_BYTES = 64 * 1024 * 1024;

/** Reads bytes [start, end) of the source. */
type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

const blobReader =
  (blob: Blob): ReadRange =>
  async (start, end) =>
    new Uint8Array(await blob.slice(start, end).arrayBuffer());

const bytesReader =
  (bytes: Uint8Array): ReadRange =>
  async (start, end) =>
    bytes.subarray(start, end);

/**
 * The blob's text as UTF-8 without a BOM, as a Blob (browsers may keep a big one out of the
 * JavaScript heap). UTF-8 input comes back as the same blob (or the blob after its BOM), not a
 * copy; a byte sequence that is not UTF-8 anywhere in it is an `encoding_mismatch` error naming
 * the line.
 */
export async function transcodeToUtf8(
  blob: Blob,
  encoding: SourceEncoding,
  opts: TranscodeOptions = {},
): Promise<Blob> {
  const read = blobReader(blob);
  const fileName = opts.fileName ?? (blob instanceof File ? blob.name : '');
  if (encoding === 'utf-8') {
    await forEachChunk(read, blob.size, opts, utf8Check(read, blob.size, fileName));
    return (await hasUtf8Bom(read)) ? blob.slice(3) : blob;
  }
  // Chromium copies Blob parts into its blob store in the browser process. Gathering a batch of
  // chunks per Blob keeps the JavaScript heap to one batch without a Blob per chunk.
  const transcoder = utf8Transcoder(encoding);
  const batches: Blob[] = [];
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  const handOver = (final: boolean) => {
    const utf8 = transcoder.take();
    if (utf8.length > 0) {
      parts.push(utf8.slice()); // the transcoder reuses its buffer
      partBytes += utf8.length;
    }
    if (partBytes >= BLOB_BATCH_BYTES || (final && parts.length > 0)) {
      batches.push(new Blob(parts as BlobPart[]));
      parts = [];
      partBytes = 0;
    }
  };
  await forEachChunk(read, blob.size, opts, (chunk) => {
    transcoder.push(chunk, false);
    handOver(false);
  });
  transcoder.push(new Uint8Array(0), true);
  handOver(true);
  return new Blob(batches);
}

/**
 * The text as one UTF-8 buffer without a BOM, for a reader that needs the bytes in memory (DuckDB's
 * registerFileBuffer): UTF-8 bytes in memory come back as a view, a UTF-8 Blob is read once, and
 * other encodings are transcoded chunk by chunk and joined.
 */
export async function transcodeBytesToUtf8(
  source: Blob | Uint8Array,
  encoding: SourceEncoding,
  opts: TranscodeOptions = {},
): Promise<Uint8Array> {
  const inMemory = source instanceof Uint8Array;
  const read = inMemory ? bytesReader(source) : blobReader(source);
  const total = inMemory ? source.length : source.size;
  const fileName = opts.fileName ?? (source instanceof File ? source.name : '');
  if (encoding === 'utf-8') {
    const check = utf8Check(read, total, fileName);
    const whole = inMemory ? source : new Uint8Array(total);
    await forEachChunk(read, total, opts, async (chunk, offset) => {
      await check(chunk);
      if (!inMemory) whole.set(chunk, offset);
    });
    return whole.subarray((await hasUtf8Bom(read)) ? 3 : 0);
  }
  const transcoder = utf8Transcoder(encoding);
  // Typical text grows at most this much (CJK: 2 bytes → 3); more grows the buffer, once or twice.
  transcoder.expect(Math.ceil(total * 1.5) + 1024);
  await forEachChunk(read, total, opts, (chunk) => transcoder.push(chunk, false));
  transcoder.push(new Uint8Array(0), true);
  return transcoder.take();
}

/** Calls `visit` with each chunk in order, reading the next chunk while `visit` works. */
async function forEachChunk(
  read: ReadRange,
  total: number,
  opts: TranscodeOptions,
  visit: (chunk: Uint8Array, offset: number) => void | Promise<void>,
): Promise<void> {
  const size = Math.max(1, Math.floor(opts.chunkBytes ?? DEFAULT_CHUNK_BYTES));
  throwIfAborted(opts.signal);
  let offset = 0;
  let next = total > 0 ? read(0, Math.min(size, total)) : null;
  while (next) {
    const chunk = await next;
    throwIfAborted(opts.signal);
    const end = offset + chunk.length;
    next = end < total ? read(end, Math.min(end + size, total)) : null;
    await visit(chunk, offset);
    offset = end;
    opts.onProgress?.(offset, total);
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('cancelled');
}

/**
 * A check, fed each chunk in turn, that the whole source is UTF-8 (detection saw only its head),
 * including that the last character is not cut off.
 */
function utf8Check(
  read: ReadRange,
  total: number,
  fileName: string,
): (chunk: Uint8Array) => Promise<void> {
  const validator = new Utf8Validator();
  let seen = 0;
  return async (chunk) => {
    const bad = validator.push(chunk);
    seen += chunk.length;
    if (bad >= 0) throw await mismatchError(read, total, fileName, bad);
    if (seen >= total && validator.end() >= 0) {
      throw await mismatchError(read, total, fileName, validator.end());
    }
  };
}

async function hasUtf8Bom(read: ReadRange): Promise<boolean> {
  return bomEncoding(await read(0, 3)) === 'utf-8';
}

/** How much of the line around the bad bytes the message quotes. */
const SNIPPET_BEFORE = 48;
const SNIPPET_AFTER = 32;
/** How much of the bad line is used to suggest its encoding. */
const SUGGEST_BYTES = 64 * 1024;

const isContinuation = (b: number) => b >= 0x80 && b <= 0xbf;

/**
 * The user-facing error for bytes that are not UTF-8 in a file detected as UTF-8: the line and
 * byte offset, the bytes, the line as far as it can be shown, and the encoding that part looks
 * like, so the user knows what to pick in the menu.
 */
async function mismatchError(
  read: ReadRange,
  total: number,
  fileName: string,
  byte: number,
): Promise<EngineError> {
  const line = (await countLineBreaks(read, byte)) + 1;

  const before = await read(Math.max(0, byte - SNIPPET_BEFORE), byte);
  const after = await read(byte, Math.min(total, byte + SNIPPET_AFTER));
  const lineStart = byte - before.length + before.lastIndexOf(0x0a) + 1;
  let head = before.subarray(before.lastIndexOf(0x0a) + 1);
  while (head.length > 0 && isContinuation(head[0] as number)) head = head.subarray(1);
  const newline = after.indexOf(0x0a);
  const rest = newline < 0 ? after : after.subarray(0, newline);
  const text = new TextDecoder().decode(concat([head, rest])).replace(/\r$/, '');

  let badLength = 1;
  while (badLength < Math.min(4, rest.length) && (rest[badLength] as number) >= 0x80) badLength++;
  const bytes = Array.from(rest.subarray(0, badLength), (b) =>
    b.toString(16).toUpperCase().padStart(2, '0'),
  ).join(' ');

  // Judge the bad line alone: the lines around it are UTF-8.
  let region = await read(lineStart, Math.min(total, lineStart + SUGGEST_BYTES));
  const lineEnd = region.indexOf(0x0a, byte - lineStart);
  if (lineEnd >= 0) region = region.subarray(0, lineEnd + 1);
  const guess = detectEncoding(region, lineEnd >= 0 || lineStart + region.length >= total).encoding;
  return new EngineError('encoding_mismatch', {
    file: fileName,
    line,
    byte,
    bytes,
    text,
    // The region holds the bad bytes, so it is never UTF-8; GBK is the usual culprit.
    suggestion: ENCODING_NAMES[guess === 'utf-8' ? 'gb18030' : guess],
  });
}

/** Line breaks before byte `end`: counted only when an error needs a line number. */
async function countLineBreaks(read: ReadRange, end: number): Promise<number> {
  let count = 0;
  for (let start = 0; start < end; start += DEFAULT_CHUNK_BYTES) {
    const chunk = await read(start, Math.min(end, start + DEFAULT_CHUNK_BYTES));
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) count++;
  }
  return count;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
