/**
 * Which encoding a file's text is in. DuckDB-WASM reads only UTF-8 (and UTF-16, latin-1) and has
 * no encodings extension offline, so everything else is decoded in JavaScript (see transcode.ts);
 * this module decides from the head of the file what to decode it as.
 */
import { decodeToString, Utf8Validator, type TranscodedEncoding } from './decode';
import { inspectMojibake, type HanExpectation } from './mojibake';

/** GBK files are read by the GB18030 decoder, a superset of GBK and GB2312. */
export type SourceEncoding =
  'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5' | 'windows-1252';

/** Every encoding we read, in the order the override menu lists them. */
export const SOURCE_ENCODINGS: readonly SourceEncoding[] = [
  'utf-8',
  'gb18030',
  'big5',
  'windows-1252',
  'utf-16le',
  'utf-16be',
];

/** Names users know from Excel, WPS and Notepad; the same in every UI language. */
export const ENCODING_NAMES: Readonly<Record<SourceEncoding, string>> = {
  'utf-8': 'UTF-8',
  gb18030: 'GB18030 / GBK',
  big5: 'Big5',
  'windows-1252': 'Windows-1252',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
};

export interface EncodingGuess {
  encoding: SourceEncoding;
  /** The bytes start with this encoding's byte order mark (transcoding drops it). */
  bom: boolean;
  /**
   * certain: a BOM, or valid UTF-8 with non-ASCII text. likely: UTF-16 by its zero bytes, ASCII
   * only so far, or one legacy encoding reads clean while the others look garbled. guess: the
   * best of the legacy encodings on thin or ambiguous evidence; the user should check.
   */
  confidence: 'certain' | 'likely' | 'guess';
}

/** Legacy encodings in the order ties are broken: Chinese Excel/WPS exports are the most common. */
const LEGACY: readonly TranscodedEncoding[] = ['gb18030', 'big5', 'windows-1252'];

const EXPECTED_HAN: Partial<Record<SourceEncoding, HanExpectation>> = {
  gb18030: 'simplified',
  big5: 'traditional',
};

/** Enough text to tell the legacy encodings apart; decoding the whole head three ways costs more. */
const SCORE_BYTES = 64 * 1024;

/** The best candidate is called likely when it reads this clean … */
const LIKELY_MAX_SCORE = 0.05;
/** … the runner-up looks at least this much more garbled … */
const LIKELY_MIN_MARGIN = 0.3;
/** … and there were this many non-ASCII characters to judge by. */
const LIKELY_MIN_EVIDENCE = 8;

/**
 * The encoding of the file whose first bytes are `sample`. `isWholeFile` false means the sample
 * was cut from a longer file, so a character split at its end is not an error.
 */
export function detectEncoding(sample: Uint8Array, isWholeFile: boolean): EncodingGuess {
  const bom = bomEncoding(sample);
  if (bom) return { encoding: bom, bom: true, confidence: 'certain' };
  const utf16 = utf16ByZeroBytes(sample);
  if (utf16) return { encoding: utf16, bom: false, confidence: 'likely' };
  if (isAscii(sample)) {
    return { encoding: 'utf-8', bom: false, confidence: isWholeFile ? 'certain' : 'likely' };
  }
  if (isValidUtf8(sample, isWholeFile))
    return { encoding: 'utf-8', bom: false, confidence: 'certain' };
  return guessLegacy(sample, isWholeFile);
}

/** The encoding named by a byte order mark at the start of `bytes`, if any. */
export function bomEncoding(bytes: Uint8Array): SourceEncoding | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/** How many bytes of the sample the zero-byte test looks at; plenty for a CSV's first lines. */
const UTF16_WINDOW = 65_536;

/**
 * UTF-16 without a BOM (Excel's "Unicode text" sometimes loses it): every ASCII character, and a
 * CSV has many (digits, separators, line ends), puts a zero byte at odd offsets (LE) or even
 * offsets (BE). Other text encodings never contain zero bytes.
 */
function utf16ByZeroBytes(sample: Uint8Array): SourceEncoding | null {
  const n = Math.min(sample.length, UTF16_WINDOW) & ~1;
  let zerosEven = 0;
  let zerosOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) zerosEven++;
    if (sample[i + 1] === 0) zerosOdd++;
  }
  const pairs = n / 2;
  // A tenth of the characters being ASCII is far below any CSV; the other side must stay near zero.
  const enough = Math.max(2, pairs * 0.1);
  if (zerosOdd >= enough && zerosEven * 20 <= zerosOdd) return 'utf-16le';
  if (zerosEven >= enough && zerosOdd * 20 <= zerosEven) return 'utf-16be';
  return null;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 0x7f) return false;
  return true;
}

function isValidUtf8(sample: Uint8Array, isWholeFile: boolean): boolean {
  const validator = new Utf8Validator();
  if (validator.push(sample) >= 0) return false;
  // A sequence cut by the end of a head sample is finished by the bytes after it.
  return !isWholeFile || validator.end() < 0;
}

/**
 * Decode the sample as each legacy encoding and keep the one whose text looks least garbled.
 * Byte patterns alone cannot tell GBK from Big5 (both accept almost any pair of high bytes), but
 * GBK read as Big5 gives rare characters and Big5 read as GBK gives kana, private-use and rare
 * characters, while the right one gives common ideographs; Western text read as either gives
 * invalid sequences, and CJK text read as Windows-1252 gives runs of accented letters.
 */
function guessLegacy(sample: Uint8Array, isWholeFile: boolean): EncodingGuess {
  const head = sample.subarray(0, SCORE_BYTES);
  const whole = isWholeFile && head.length === sample.length;
  const scored = LEGACY.map((encoding) => {
    const report = inspectMojibake(decodeToString(head, encoding, whole), EXPECTED_HAN[encoding]);
    return { encoding, score: report.score, judged: report.judged };
  });
  // Stable sort: equal scores keep LEGACY's order.
  scored.sort((a, b) => a.score - b.score);
  const [best, second] = scored as [(typeof scored)[0], (typeof scored)[0]];
  const clear =
    best.score <= LIKELY_MAX_SCORE &&
    second.score - best.score >= LIKELY_MIN_MARGIN &&
    best.judged >= LIKELY_MIN_EVIDENCE;
  return { encoding: best.encoding, bom: false, confidence: clear ? 'likely' : 'guess' };
}
