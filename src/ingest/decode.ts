/**
 * Byte-to-byte transcoders: chunks in one encoding → UTF-8 bytes, carrying a character split
 * across chunks to the next one. TextDecoder + TextEncoder would do the same, but on 100 MB files
 * they managed 15–35 MB/s in Chromium 156 and 15–75 MB/s in Node 20 (UTF-8 validation included),
 * far over the load-time budget; these loops run at a few hundred MB/s. They follow the WHATWG
 * Encoding Standard's decoders step by step (errors become U+FFFD, a byte that cannot continue a
 * character is read again) and take the double-byte tables from the platform's own TextDecoder
 * the first time they are needed, so they agree with it without shipping tables.
 */

export type TranscodedEncoding = 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5' | 'windows-1252';

export interface Utf8Transcoder {
  /**
   * Transcode `chunk`, continuing the previous one, into the output buffer; `final` ends the
   * stream (a character still incomplete becomes U+FFFD).
   */
  push(chunk: Uint8Array, final: boolean): void;
  /** Bytes of UTF-8 written since the last `take`. */
  readonly pending: number;
  /** Room for this many bytes of output at once: a whole file taken at the end is never regrown. */
  expect(bytes: number): void;
  /** The UTF-8 written since the last `take`, as a view of a buffer that later pushes reuse. */
  take(): Uint8Array;
}

export function utf8Transcoder(encoding: TranscodedEncoding): Utf8Transcoder {
  switch (encoding) {
    case 'gb18030':
      return new Gb18030Transcoder();
    case 'big5':
      return new Big5Transcoder();
    case 'windows-1252':
      return new Windows1252Transcoder();
    case 'utf-16le':
      return new Utf16Transcoder(true);
    case 'utf-16be':
      return new Utf16Transcoder(false);
  }
}

/** Decode a whole buffer (or a head sample, when not `final`) to a string. */
export function decodeToString(
  bytes: Uint8Array,
  encoding: TranscodedEncoding,
  final: boolean,
): string {
  const transcoder = utf8Transcoder(encoding);
  transcoder.push(bytes, final);
  return new TextDecoder().decode(transcoder.take());
}

const REPLACEMENT = 0xfffd;
/** Input is handled in blocks this size, so the output buffer only needs room for one block's worst case. */
const BLOCK = 65_536;
/** No encoding here writes more than 3 UTF-8 bytes per input byte (0x80 → €, a bad byte → U+FFFD). */
const MAX_EXPANSION = 3;

/** Shared plumbing: the growing output buffer, UTF-8 writing, and dropping a leading BOM. */
abstract class Transcoder implements Utf8Transcoder {
  protected out = new Uint8Array(0);
  protected o = 0;
  private atStart = true;

  push(chunk: Uint8Array, final: boolean): void {
    for (let start = 0; start < chunk.length; start += BLOCK) {
      const end = Math.min(chunk.length, start + BLOCK);
      this.reserve((end - start) * MAX_EXPANSION + 16);
      this.decodeBlock(chunk, start, end);
    }
    if (final) {
      this.reserve(16);
      this.flush();
    }
  }

  get pending(): number {
    return this.o;
  }

  expect(bytes: number): void {
    this.reserve(bytes);
  }

  take(): Uint8Array {
    let result = this.out.subarray(0, this.o);
    this.o = 0;
    // A BOM is not text: TextDecoder drops UTF-16's, and GB18030 can encode one too. DuckDB would
    // keep it in the first column's name. write() puts all three bytes of U+FEFF at once.
    if (this.atStart && result.length > 0) {
      this.atStart = false;
      if (result[0] === 0xef && result[1] === 0xbb && result[2] === 0xbf)
        result = result.subarray(3);
    }
    return result;
  }

  protected abstract decodeBlock(bytes: Uint8Array, start: number, end: number): void;
  /** End of stream: an incomplete character becomes U+FFFD. */
  protected abstract flush(): void;

  private reserve(room: number): void {
    if (this.o + room <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.o + room));
    grown.set(this.out.subarray(0, this.o));
    this.out = grown;
  }

  protected write(cp: number): void {
    this.o = writeUtf8(this.out, this.o, cp);
  }
}

/** Writes `cp` as UTF-8 at `o`; returns the offset after it. Small enough for the JIT to inline. */
function writeUtf8(out: Uint8Array, o: number, cp: number): number {
  if (cp < 0x80) out[o++] = cp;
  else if (cp < 0x800) {
    out[o++] = 0xc0 | (cp >> 6);
    out[o++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    out[o++] = 0xe0 | (cp >> 12);
    out[o++] = 0x80 | ((cp >> 6) & 0x3f);
    out[o++] = 0x80 | (cp & 0x3f);
  } else {
    out[o++] = 0xf0 | (cp >> 18);
    out[o++] = 0x80 | ((cp >> 12) & 0x3f);
    out[o++] = 0x80 | ((cp >> 6) & 0x3f);
    out[o++] = 0x80 | (cp & 0x3f);
  }
  return o;
}

/** A double-byte table: code point per pointer, 0 where the platform maps nothing. */
interface DoubleByteTable {
  codePoints: Uint32Array;
  /** Pointers that decode to more than one code point (four in Big5). */
  sequences: Map<number, number[]>;
}

const MULTIPLE = 0xffffffff;

/**
 * Ask the platform's decoder what each pair means: a lead byte's whole row in one call, or pair
 * by pair when the row holds pairs it rejects (their U+FFFD and re-read bytes shift the rest).
 */
function buildTable(
  encoding: string,
  leads: number,
  trails: readonly number[],
  pointer: (lead: number, trail: number) => number,
): DoubleByteTable {
  const codePoints = new Uint32Array(leads * trails.length);
  const sequences = new Map<number, number[]>();
  const decoder = new TextDecoder(encoding);
  const record = (p: number, text: string) => {
    const cps = Array.from(text, (c) => c.codePointAt(0) as number);
    const broken = cps.some((cp) => cp === REPLACEMENT || (cp >= 0xd800 && cp <= 0xdfff));
    if (cps.length === 0 || broken) return;
    if (cps.length === 1) codePoints[p] = cps[0] as number;
    else {
      codePoints[p] = MULTIPLE;
      sequences.set(p, cps);
    }
  };
  for (let lead = 0x81; lead < 0x81 + leads; lead++) {
    const row = new Uint8Array(trails.length * 2);
    trails.forEach((t, k) => row.set([lead, t], k * 2));
    const chars = Array.from(decoder.decode(row));
    const clean = chars.length === trails.length && !chars.includes('\ufffd');
    trails.forEach((t, k) => {
      const text = clean ? (chars[k] as string) : decoder.decode(Uint8Array.of(lead, t));
      record(pointer(lead, t), text);
    });
  }
  return { codePoints, sequences };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => from + k);

let gb18030Two: DoubleByteTable | null = null;
let gb18030Four: Uint32Array | null = null;

/** GB18030 four-byte sequences that stand for BMP characters: pointers 0 … 39419. */
const GB_FOUR_BMP = 39_420;

function gb18030TwoByte(): Uint32Array {
  gb18030Two ??= buildTable(
    'gb18030',
    126,
    [...range(0x40, 0x7e), ...range(0x80, 0xfe)],
    gbPointer,
  );
  return gb18030Two.codePoints;
}

/** Built on first use only: GBK files (most of them) never hold a four-byte character. */
function gb18030FourByte(): Uint32Array {
  if (gb18030Four) return gb18030Four;
  const four = new Uint32Array(GB_FOUR_BMP);
  const bytes = new Uint8Array(GB_FOUR_BMP * 4);
  for (let p = 0; p < GB_FOUR_BMP; p++) {
    bytes[p * 4] = 0x81 + Math.floor(p / 12_600);
    bytes[p * 4 + 1] = 0x30 + (Math.floor(p / 1260) % 10);
    bytes[p * 4 + 2] = 0x81 + (Math.floor(p / 10) % 126);
    bytes[p * 4 + 3] = 0x30 + (p % 10);
  }
  const chars = Array.from(new TextDecoder('gb18030').decode(bytes));
  const decoder = new TextDecoder('gb18030');
  for (let p = 0; p < GB_FOUR_BMP; p++) {
    const char =
      chars.length === GB_FOUR_BMP ? chars[p] : decoder.decode(bytes.subarray(p * 4, p * 4 + 4));
    const cp = (char as string).codePointAt(0) as number;
    if (cp !== REPLACEMENT && (cp < 0xd800 || cp > 0xdfff)) four[p] = cp;
  }
  gb18030Four = four;
  return four;
}

const gbPointer = (lead: number, trail: number) =>
  (lead - 0x81) * 190 + trail - (trail < 0x7f ? 0x40 : 0x41);

/** The WHATWG gb18030 decoder (GBK is its two-byte part). */
class Gb18030Transcoder extends Transcoder {
  private readonly two = gb18030TwoByte();
  private first = 0;
  private second = 0;
  private third = 0;

  protected decodeBlock(bytes: Uint8Array, start: number, end: number): void {
    const two = this.two;
    const out = this.out;
    let o = this.o;
    let i = start;
    while (i < end) {
      if (this.first === 0) {
        // The common cases inline: ASCII, and a valid two-byte character within this block.
        while (i < end) {
          const b = bytes[i] as number;
          if (b < 0x80) {
            out[o++] = b;
            i++;
            continue;
          }
          if (b < 0x81 || b > 0xfe || i + 1 >= end) break;
          const t = bytes[i + 1] as number;
          if (t < 0x40 || t > 0xfe || t === 0x7f) break;
          const cp = two[gbPointer(b, t)] as number;
          if (cp === 0) break;
          o = writeUtf8(out, o, cp);
          i += 2;
        }
        if (i >= end) break;
      }
      // Everything else (four-byte characters, errors, a character split across blocks) goes
      // through the state machine until it is back at a character boundary.
      this.o = o;
      do this.step(bytes[i++] as number);
      while (i < end && this.first !== 0);
      o = this.o;
    }
    this.o = o;
  }

  /** One byte through the standard's state machine. */
  private step(b: number): void {
    if (this.third !== 0) {
      const [first, second, third] = [this.first, this.second, this.third];
      this.first = this.second = this.third = 0;
      if (b >= 0x30 && b <= 0x39) {
        const pointer =
          ((first - 0x81) * 10 + second - 0x30) * 1260 + (third - 0x81) * 10 + b - 0x30;
        const cp = this.fourByte(pointer);
        this.write(cp === 0 ? REPLACEMENT : cp);
        return;
      }
      this.write(REPLACEMENT);
      this.step(second);
      this.step(third);
      this.step(b);
      return;
    }
    if (this.second !== 0) {
      if (b >= 0x81 && b <= 0xfe) {
        this.third = b;
        return;
      }
      const second = this.second;
      this.first = this.second = 0;
      this.write(REPLACEMENT);
      this.step(second);
      this.step(b);
      return;
    }
    if (this.first !== 0) {
      if (b >= 0x30 && b <= 0x39) {
        this.second = b;
        return;
      }
      const lead = this.first;
      this.first = 0;
      const cp =
        b >= 0x40 && b <= 0xfe && b !== 0x7f ? (this.two[gbPointer(lead, b)] as number) : 0;
      if (cp !== 0) {
        this.write(cp);
        return;
      }
      this.write(REPLACEMENT);
      if (b < 0x80) this.step(b);
      return;
    }
    if (b < 0x80) this.write(b);
    else if (b === 0x80) this.write(0x20ac);
    else if (b <= 0xfe) this.first = b;
    else this.write(REPLACEMENT);
  }

  private fourByte(pointer: number): number {
    if (pointer < GB_FOUR_BMP) return gb18030FourByte()[pointer] as number;
    if (pointer >= 189_000 && pointer <= 1_237_575) return 0x10000 + pointer - 189_000;
    return 0;
  }

  protected flush(): void {
    if (this.first !== 0) this.write(REPLACEMENT);
    this.first = this.second = this.third = 0;
  }
}

let big5Table: DoubleByteTable | null = null;

/** Big5 pointers that decode to two code points: Ê̄ Ê̌ ê̄ ê̌ (HKSCS). */
const BIG5_SEQUENCES: readonly (readonly [number, number[]])[] = [
  [1133, [0x00ca, 0x0304]],
  [1135, [0x00ca, 0x030c]],
  [1164, [0x00ea, 0x0304]],
  [1166, [0x00ea, 0x030c]],
];

const big5Pointer = (lead: number, trail: number) =>
  (lead - 0x81) * 157 + trail - (trail < 0x7f ? 0x40 : 0x62);

/** The WHATWG Big5 decoder (Big5-HKSCS in browsers; Node's ICU table lacks HKSCS). */
class Big5Transcoder extends Transcoder {
  private readonly table: DoubleByteTable;
  private lead = 0;

  constructor() {
    super();
    if (!big5Table) {
      big5Table = buildTable(
        'big5',
        126,
        [...range(0x40, 0x7e), ...range(0xa1, 0xfe)],
        big5Pointer,
      );
      // The standard spells these four out; Chromium 156 returns a control code and a lone
      // surrogate for them, and Node's table lacks them.
      for (const [pointer, sequence] of BIG5_SEQUENCES) {
        big5Table.codePoints[pointer] = MULTIPLE;
        big5Table.sequences.set(pointer, sequence);
      }
    }
    this.table = big5Table;
  }

  protected decodeBlock(bytes: Uint8Array, start: number, end: number): void {
    const codePoints = this.table.codePoints;
    const out = this.out;
    let o = this.o;
    let i = start;
    while (i < end) {
      if (this.lead === 0) {
        while (i < end) {
          const b = bytes[i] as number;
          if (b < 0x80) {
            out[o++] = b;
            i++;
            continue;
          }
          if (b < 0x81 || b > 0xfe || i + 1 >= end) break;
          const t = bytes[i + 1] as number;
          if (t < 0x40 || (t > 0x7e && t < 0xa1) || t > 0xfe) break;
          const cp = codePoints[big5Pointer(b, t)] as number;
          if (cp === 0 || cp === MULTIPLE) break;
          o = writeUtf8(out, o, cp);
          i += 2;
        }
        if (i >= end) break;
      }
      this.o = o;
      do this.step(bytes[i++] as number);
      while (i < end && this.lead !== 0);
      o = this.o;
    }
    this.o = o;
  }

  private step(b: number): void {
    if (this.lead !== 0) {
      const lead = this.lead;
      this.lead = 0;
      const valid = (b >= 0x40 && b <= 0x7e) || (b >= 0xa1 && b <= 0xfe);
      const pointer = valid ? big5Pointer(lead, b) : -1;
      const cp = pointer < 0 ? 0 : (this.table.codePoints[pointer] as number);
      if (cp === MULTIPLE) for (const c of this.table.sequences.get(pointer) ?? []) this.write(c);
      else if (cp !== 0) this.write(cp);
      else {
        this.write(REPLACEMENT);
        if (b < 0x80) this.step(b);
      }
      return;
    }
    if (b < 0x80) this.write(b);
    else if (b >= 0x81 && b <= 0xfe) this.lead = b;
    else this.write(REPLACEMENT);
  }

  protected flush(): void {
    if (this.lead !== 0) this.write(REPLACEMENT);
    this.lead = 0;
  }
}

/** What Windows-1252 maps bytes 0x80–0x9F to (the rest is Latin-1, byte = code point). */
const CP1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Windows-1252 from the standard's table, not the platform: Node (since 20.18.3,
 * nodejs/node#60888) decodes it as ISO-8859-1, turning € ‘ ’ “ ” – into control codes.
 */
class Windows1252Transcoder extends Transcoder {
  protected decodeBlock(bytes: Uint8Array, start: number, end: number): void {
    const out = this.out;
    let o = this.o;
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      if (b < 0x80) out[o++] = b;
      else o = writeUtf8(out, o, b < 0xa0 ? (CP1252_C1[b - 0x80] as number) : b);
    }
    this.o = o;
  }

  protected flush(): void {}
}

/** The WHATWG UTF-16 decoders: pairs of bytes, surrogate pairs joined, lone surrogates U+FFFD. */
class Utf16Transcoder extends Transcoder {
  private leadByte = -1;
  private leadSurrogate = 0;

  constructor(private readonly littleEndian: boolean) {
    super();
  }

  protected decodeBlock(bytes: Uint8Array, start: number, end: number): void {
    const le = this.littleEndian;
    const out = this.out;
    let o = this.o;
    let i = start;
    while (i < end) {
      if (this.leadByte < 0 && this.leadSurrogate === 0) {
        // Whole code units outside the surrogate range: the common case, inline.
        while (i + 1 < end) {
          const unit = le
            ? (bytes[i] as number) | ((bytes[i + 1] as number) << 8)
            : ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
          if (unit >= 0xd800 && unit <= 0xdfff) break;
          o = writeUtf8(out, o, unit);
          i += 2;
        }
        if (i >= end) break;
      }
      this.o = o;
      do this.byte(bytes[i++] as number);
      while (i < end && (this.leadByte >= 0 || this.leadSurrogate !== 0));
      o = this.o;
    }
    this.o = o;
  }

  private byte(b: number): void {
    if (this.leadByte < 0) {
      this.leadByte = b;
      return;
    }
    const unit = this.littleEndian ? this.leadByte | (b << 8) : (this.leadByte << 8) | b;
    this.leadByte = -1;
    this.unit(unit);
  }

  private unit(unit: number): void {
    if (this.leadSurrogate !== 0) {
      const lead = this.leadSurrogate;
      this.leadSurrogate = 0;
      if (unit >= 0xdc00 && unit <= 0xdfff) {
        this.write(0x10000 + ((lead - 0xd800) << 10) + (unit - 0xdc00));
        return;
      }
      this.write(REPLACEMENT);
    }
    if (unit >= 0xd800 && unit <= 0xdbff) this.leadSurrogate = unit;
    else if (unit >= 0xdc00 && unit <= 0xdfff) this.write(REPLACEMENT);
    else this.write(unit);
  }

  protected flush(): void {
    if (this.leadByte >= 0 || this.leadSurrogate !== 0) this.write(REPLACEMENT);
    this.leadByte = -1;
    this.leadSurrogate = 0;
  }
}

/**
 * A streaming UTF-8 check (Unicode's table of well-formed sequences: no overlongs, surrogates or
 * code points past U+10FFFF). Reports where the first bad sequence starts, counting across chunks.
 */
export class Utf8Validator {
  /** Continuation bytes still expected (of a character split across chunks), and their range. */
  private need = 0;
  private low = 0x80;
  private high = 0xbf;
  /** Where the sequence in progress started, counted from the start of the stream. */
  private sequenceStart = 0;
  private offset = 0;

  /** Offset of the first byte of the first invalid sequence in this chunk, or -1. */
  push(chunk: Uint8Array): number {
    const n = chunk.length;
    // Most text is ASCII: skip it four bytes at a time through a word view of the aligned middle.
    const align = (4 - (chunk.byteOffset & 3)) & 3;
    const words =
      n >= align + 4
        ? new Uint32Array(chunk.buffer, chunk.byteOffset + align, (n - align) >> 2)
        : new Uint32Array(0);
    const wordCount = words.length;
    let i = 0;
    try {
      // Finish a sequence the previous chunk left open.
      while (this.need > 0 && i < n) {
        const c = chunk[i] as number;
        if (c < this.low || c > this.high) return this.sequenceStart;
        this.low = 0x80;
        this.high = 0xbf;
        this.need--;
        i++;
      }
      while (i < n) {
        let b = chunk[i] as number;
        while (b < 0x80) {
          i++;
          if (i >= align && ((i - align) & 3) === 0) {
            let w = (i - align) >> 2;
            while (w < wordCount && ((words[w] as number) & 0x80808080) === 0) w++;
            i = align + (w << 2);
          }
          if (i >= n) return -1;
          b = chunk[i] as number;
        }
        // The lead byte decides the length and the range of the second byte (no overlongs, no
        // surrogates, nothing past U+10FFFF); later bytes are plain continuation bytes.
        let length: number;
        let low = 0x80;
        let high = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) length = 2;
        else if (b >= 0xe0 && b <= 0xef) {
          length = 3;
          if (b === 0xe0) low = 0xa0;
          else if (b === 0xed) high = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
          length = 4;
          if (b === 0xf0) low = 0x90;
          else if (b === 0xf4) high = 0x8f;
        } else return this.offset + i;
        const second = chunk[i + 1];
        if (second !== undefined && (second < low || second > high)) return this.offset + i;
        if (i + length <= n) {
          if (length > 2 && ((chunk[i + 2] as number) & 0xc0) !== 0x80) return this.offset + i;
          if (length > 3 && ((chunk[i + 3] as number) & 0xc0) !== 0x80) return this.offset + i;
          i += length;
          continue;
        }
        // The chunk ends inside this character: check what is here, expect the rest next time.
        for (let k = 2; i + k < n; k++) {
          if (((chunk[i + k] as number) & 0xc0) !== 0x80) return this.offset + i;
        }
        this.sequenceStart = this.offset + i;
        this.need = length - (n - i);
        this.low = this.need === length - 1 ? low : 0x80;
        this.high = this.need === length - 1 ? high : 0xbf;
        return -1;
      }
      return -1;
    } finally {
      this.offset += n;
    }
  }

  /** End of stream: where an unfinished sequence starts, or -1. */
  end(): number {
    return this.need > 0 ? this.sequenceStart : -1;
  }
}
