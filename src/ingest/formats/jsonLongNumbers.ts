/**
 * JSON numbers with more digits than a double holds are turned into strings before JSON.parse,
 * so that they keep every digit. Order numbers are the usual case: Taobao/Tmall and JD order ids
 * have 16–19 digits, and as doubles neighbouring ids collapse into one (1234567890123456789 and
 * …790 both read as 1234567890123456800), which would merge distinct orders.
 */

/** Any 15-digit decimal survives a round trip through a double; 16 digits may not. */
const SAFE_DIGITS = 15;

const LONG_DIGIT_RUN = new RegExp(`[0-9]{${SAFE_DIGITS + 1}}`);

/**
 * The text with long number tokens quoted; the same string when there are none. Strings are
 * skipped whole, so digits inside them are left alone. In broken JSON the result may differ
 * from the input in other ways, but JSON.parse rejects it all the same.
 */
export function quoteLongNumbers(text: string): string {
  if (!LONG_DIGIT_RUN.test(text)) return text;
  const out: string[] = [];
  let copied = 0;
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = afterString(text, i);
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      // Significant digits: leading zeros (0.000123) do not count.
      let significant = c > 0x30 ? 1 : 0;
      let exponent = false;
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) {
          if (significant > 0 || d > 0x30) significant++;
        } else if (d === 0x65 || d === 0x45) {
          exponent = true;
        } else if (d !== 0x2e && d !== 0x2b && d !== 0x2d) {
          break;
        }
      }
      // A number with an exponent is a measurement, not an id: its nearest double will do.
      if (significant > SAFE_DIGITS && !exponent) {
        out.push(text.slice(copied, i), '"', text.slice(i, j), '"');
        copied = j;
      }
      i = j;
    } else {
      i++;
    }
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

/** Offset after the string that starts at `start`: its closing quote is not escaped. */
function afterString(text: string, start: number): number {
  for (let close = text.indexOf('"', start + 1); close >= 0; close = text.indexOf('"', close + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
  }
  return text.length;
}
