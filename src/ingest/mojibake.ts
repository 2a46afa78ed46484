/**
 * How garbled decoded text looks. Text decoded with the wrong encoding (mojibake) has tell-tale
 * characters that real exports almost never hold: U+FFFD, control codes, private-use and rare
 * ideographs (GBK read as Big5 or UTF-8 read as GBK: 瀹㈡埛, 諦誧), and runs of accented Latin
 * letters (GBK or UTF-8 read as Windows-1252: ¿Í»§, Ã©). Encoding detection picks the candidate
 * whose text looks least garbled, and the app warns when the chosen one still looks garbled.
 */

/** Share of suspicious characters above which text is called garbled. */
const GARBLED_SHARE = 0.15;
/** Fewer suspicious characters than this are never called garbled (one rare name is not). */
const GARBLED_MIN_COUNT = 3;

export interface MojibakeReport {
  /** Suspicious characters ÷ non-ASCII characters (0 when there are none): 0 clean … 1 garbled. */
  score: number;
  /** How many characters looked wrong (a character of the unexpected Chinese script counts half). */
  suspicious: number;
  /** How many characters were judged (non-ASCII, plus control codes). */
  judged: number;
  /** A short stretch around the first suspicious character, to show the user; null if none. */
  example: string | null;
}

/**
 * Which common ideographs the text should hold. Detection reads GB18030 candidates as simplified
 * and Big5 ones as traditional; text of unknown origin may hold either.
 */
export type HanExpectation = 'simplified' | 'traditional' | 'any';

const SIMPLIFIED = 1;
const TRADITIONAL = 2;

/** Per BMP code point: SIMPLIFIED if in GB2312 level 1, TRADITIONAL if in Big5 level 1. */
let commonHan: Uint8Array | null = null;

/**
 * Built from the standards' own tables via TextDecoder, so no character list is shipped: GB2312
 * orders its 3,755 most used characters first (0xB0A1–0xD7F9) and Big5 its 5,401 (0xA440–0xC67E).
 */
function commonHanTable(): Uint8Array {
  if (commonHan) return commonHan;
  const table = new Uint8Array(0x10000);
  const mark = (
    flag: number,
    encoding: string,
    firstLead: number,
    lastLead: number,
    trails: [number, number][],
  ) => {
    const bytes: number[] = [];
    for (let lead = firstLead; lead <= lastLead; lead++) {
      for (const [from, to] of trails) for (let t = from; t <= to; t++) bytes.push(lead, t);
    }
    const text = new TextDecoder(encoding).decode(new Uint8Array(bytes));
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x4e00 && code <= 0x9fff) table[code] = (table[code] as number) | flag;
    }
  };
  mark(SIMPLIFIED, 'gb18030', 0xb0, 0xd7, [[0xa1, 0xfe]]);
  mark(TRADITIONAL, 'big5', 0xa4, 0xc6, [
    [0x40, 0x7e],
    [0xa1, 0xfe],
  ]);
  commonHan = table;
  return table;
}

/**
 * Characters Windows-1252 decodes bytes 0x80–0xFF to: Latin-1 plus the 27 it maps 0x80–0x9F to.
 * A run of them is how CJK or UTF-8 bytes look when read as Windows-1252.
 */
const CP1252_EXTRAS = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  0x017d, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x017e, 0x0178,
]);
const isCp1252High = (c: number) => (c >= 0xa0 && c <= 0xff) || CP1252_EXTRAS.has(c);
/** What Windows-1252 makes of a UTF-8 continuation byte (0x80–0xBF). */
const isCp1252Continuation = (c: number) => (c >= 0xa0 && c <= 0xbf) || CP1252_EXTRAS.has(c);

/**
 * Blocks whose characters do appear in real exports (besides ASCII, common ideographs and
 * Windows-1252 letters, judged elsewhere); anything outside them counts as suspicious.
 */
const PLAUSIBLE: readonly (readonly [number, number])[] = [
  [0x00a0, 0x024f], // Latin-1 supplement, Latin extended A/B
  [0x02b0, 0x036f], // modifier letters, combining accents
  [0x0370, 0x0e7f], // Greek, Cyrillic … Arabic, Indic, Thai
  [0x1100, 0x11ff], // Hangul jamo (decomposed Korean)
  [0x1d00, 0x1dbf], // phonetic extensions (styled nicknames: ᴴᵉᴸᴸᵒ)
  [0x1e00, 0x1eff], // Latin extended additional (Vietnamese)
  [0x2000, 0x23ff], // punctuation, currency, letterlike, number forms, arrows, maths, technical
  [0x2460, 0x24ff], // enclosed alphanumerics ①
  [0x25a0, 0x27bf], // geometric shapes, symbols, dingbats ●★✓
  [0x2b00, 0x2bff], // arrows and stars (emoji ⭐)
  [0x3000, 0x30ff], // CJK punctuation, kana
  [0x3200, 0x33ff], // enclosed CJK, units (㈠ ㎡)
  [0xac00, 0xd7a3], // Hangul
  [0xfe00, 0xfe0f], // variation selectors (emoji)
  [0xfeff, 0xfeff], // byte order mark / zero-width no-break space
  [0xff01, 0xffef], // full-width forms (，！（）￥)
  [0x1d400, 0x1d7ff], // mathematical letters (styled nicknames)
  [0x1f000, 0x1faff], // emoji
  [0xe0020, 0xe007f], // emoji tag sequences (flags)
];

function plausible(code: number): boolean {
  for (const [from, to] of PLAUSIBLE) if (code >= from && code <= to) return true;
  return false;
}

/** Byte patterns of well-known garbling: UTF-8 "�" read as GBK, and uninitialised memory. */
const KNOWN_GARBLE = /锟斤拷|烫烫烫|屯屯屯/g;

/**
 * Measure how garbled `text` (a decoded sample, cell or header) looks. With an expectation, common
 * ideographs of the other kind count half: GBK has traditional characters too, but text that is
 * full of them (or Big5 text full of simplified ones) is more likely mis-decoded.
 */
export function inspectMojibake(text: string, expect: HanExpectation = 'any'): MojibakeReport {
  const han = commonHanTable();
  const wanted = expect === 'simplified' ? SIMPLIFIED : expect === 'traditional' ? TRADITIONAL : 3;
  let judged = 0;
  let suspicious = 0;
  let firstSuspicious = -1;
  const flag = (index: number, count = 1) => {
    suspicious += count;
    if (firstSuspicious < 0 || index < firstSuspicious) firstSuspicious = index;
  };
  // A run of consecutive Windows-1252 high characters: its start index, length, first code.
  let runStart = -1;
  let runLength = 0;
  let runFirst = 0;
  let runSecond = 0;
  const endRun = () => {
    // Three or more in a row, or a UTF-8 lead (Â–ß) before a continuation: bytes read as 1252.
    if (runLength >= 3) flag(runStart, runLength);
    else if (
      runLength === 2 &&
      runFirst >= 0xc2 &&
      runFirst <= 0xdf &&
      isCp1252Continuation(runSecond)
    ) {
      flag(runStart, 2);
    }
    runLength = 0;
  };

  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    const start = i;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x80 && code >= 0x20) {
      if (runLength) endRun();
      continue;
    }
    if (code === 0x09 || code === 0x0a || code === 0x0d) {
      if (runLength) endRun();
      continue;
    }
    judged++;
    if (isCp1252High(code)) {
      if (runLength === 0) {
        runStart = start;
        runFirst = code;
      } else if (runLength === 1) runSecond = code;
      runLength++;
      continue;
    }
    if (runLength) endRun();
    if (code >= 0x4e00 && code <= 0x9fff) {
      const kind = han[code] as number;
      if (!kind) flag(start);
      else if (!(kind & wanted)) flag(start, 0.5);
    } else if (!plausible(code)) {
      flag(start); // U+FFFD, control codes, private use, rare ideographs, Yi, CJK compatibility …
    }
  }
  if (runLength) endRun();

  for (const match of text.matchAll(KNOWN_GARBLE)) flag(match.index, match[0].length);
  suspicious = Math.min(suspicious, judged);

  return {
    score: judged === 0 ? 0 : suspicious / judged,
    suspicious,
    judged,
    example: firstSuspicious < 0 ? null : snippet(text, firstSuspicious),
  };
}

/** 0 (clean) … 1 (every non-ASCII character looks wrong). */
export function mojibakeScore(text: string): number {
  return inspectMojibake(text).score;
}

/** True when the text looks wrongly decoded: the app should suggest another encoding. */
export function looksGarbled(text: string): boolean {
  const { score, suspicious } = inspectMojibake(text);
  return score >= GARBLED_SHARE && suspicious >= GARBLED_MIN_COUNT;
}

/** Up to 24 characters of the line around `index`, without breaking a surrogate pair. */
function snippet(text: string, index: number): string {
  const lineStart = Math.max(text.lastIndexOf('\n', index) + 1, index - 8);
  let lineEnd = text.indexOf('\n', index);
  if (lineEnd < 0) lineEnd = text.length;
  let end = Math.min(lineEnd, lineStart + 24);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end++;
  let begin = lineStart;
  const first = text.charCodeAt(begin);
  if (first >= 0xdc00 && first <= 0xdfff) begin++;
  return text.slice(begin, end).replace(/\r$/, '');
}
