/**
 * Line endings of delimited text. DuckDB's CSV reader takes one kind of line ending per file; an
 * export stitched from several sources (or edited on several systems) can mix CRLF, LF and bare
 * CR, and its sniffer then gives up. Such text is rewritten with LF throughout before DuckDB reads
 * it; text with one kind is handed over untouched.
 */

const CR = 0x0d;
const LF = 0x0a;

export interface LineEndings {
  crlf: number;
  lf: number;
  cr: number;
}

/** The line endings counted in `bytes` (a CR at the very end is counted as a CR). */
export function countLineEndings(bytes: Uint8Array): LineEndings {
  const counter = new LineEndingCounter();
  counter.add(bytes);
  return counter.end();
}

/** Counts line endings over text given in chunks (a CRLF may straddle two). */
class LineEndingCounter {
  private readonly counts = { crlf: 0, lf: 0, cr: 0 };
  private pendingCr = false;

  add(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (this.pendingCr) {
        this.pendingCr = false;
        if (b === LF) {
          this.counts.crlf++;
          continue;
        }
        this.counts.cr++;
      }
      if (b === CR) this.pendingCr = true;
      else if (b === LF) this.counts.lf++;
    }
  }

  /** The counts so far, leaving out a CR that the next chunk may pair with an LF. */
  settled(): LineEndings {
    return { ...this.counts };
  }

  /** The counts at the end of the text: a pending CR is a bare one. */
  end(): LineEndings {
    return { ...this.counts, cr: this.counts.cr + (this.pendingCr ? 1 : 0) };
  }
}

export function mixed(e: LineEndings): boolean {
  return [e.crlf, e.lf, e.cr].filter((n) => n > 0).length > 1;
}

/** `bytes` with every CRLF and bare CR as LF. */
export function toLf(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === CR) {
      out[j++] = LF;
      if (bytes[i + 1] === LF) i++;
    } else out[j++] = b;
  }
  return out.subarray(0, j);
}

/** Chunks of a Blob rewritten this large at a time. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Text with mixed line endings rewritten with LF; other text returned as it is. Scans the whole
 * text (a file can start clean and mix later); a Blob is rewritten chunk by chunk, carrying a CR
 * that ends one chunk over to the next.
 */
export async function normaliseLineEndings(text: Blob | Uint8Array): Promise<Blob | Uint8Array> {
  if (text instanceof Uint8Array) return mixed(countLineEndings(text)) ? toLf(text) : text;
  const counter = new LineEndingCounter();
  let found = false;
  for (let start = 0; start < text.size && !found; start += CHUNK_BYTES) {
    counter.add(new Uint8Array(await text.slice(start, start + CHUNK_BYTES).arrayBuffer()));
    found = mixed(counter.settled());
  }
  if (!found && !mixed(counter.end())) return text;
  const parts: Uint8Array[] = [];
  let carriedCr = false;
  for (let start = 0; start < text.size; start += CHUNK_BYTES) {
    let chunk = new Uint8Array(await text.slice(start, start + CHUNK_BYTES).arrayBuffer());
    // A CRLF split across chunks: the CR already became LF, so drop the LF that follows it.
    if (carriedCr && chunk[0] === LF) chunk = chunk.subarray(1);
    carriedCr = chunk[chunk.length - 1] === CR;
    parts.push(toLf(chunk));
  }
  return new Blob(parts as BlobPart[]);
}
