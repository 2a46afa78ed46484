/**
 * Typed cell values as the text our own SQL parsers read (dates, amounts, ids): plain decimals
 * without exponents, dates as ISO wall time with no time-zone shift.
 */

/** Shortest decimal that reads back as `n`, written without an exponent (1e-7 → 0.0000001). */
export function plainDecimal(n: number): string {
  const text = String(n);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const digits = mantissa.replace('.', '');
  const point = (mantissa.indexOf('.') < 0 ? mantissa.length : mantissa.indexOf('.')) + exponent;
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}

/**
 * A number as Excel shows it: Excel keeps 15 significant digits, so binary noise beyond them
 * (0.30000000000000004, the sum of 0.1 and 0.2) is not part of the value the analyst sees.
 */
export function excelNumberText(n: number): string {
  const shortest = String(n);
  // Fifteen characters hold at most fifteen digits: nothing to round (most amounts).
  if (shortest.length <= 15 || !Number.isFinite(n)) return plainDecimal(n);
  return plainDecimal(Number(n.toPrecision(15)));
}

/** A FLOAT (32-bit) value with the fewest digits that identify it: 0.1f → 0.1, not 0.100000001. */
export function float32Text(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  for (let precision = 1; precision < 9; precision++) {
    const candidate = Number(n.toPrecision(precision));
    if (Math.fround(candidate) === n) return plainDecimal(candidate);
  }
  return plainDecimal(n);
}

/** An exact decimal from its unscaled integer and scale (DECIMAL(p, s) storage). */
export function scaledDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  } else if (scale < 0) {
    digits += '0'.repeat(-scale);
  }
  return negative ? `-${digits}` : digits;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const two = (n: number) => TWO_DIGITS[n] as string;
const year = (y: number) => (y >= 1000 && y <= 9999 ? String(y) : String(y).padStart(4, '0'));

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of a UTC calendar day (days since 1970-01-01). */
export function dayText(days: number): string {
  const d = new Date(days * DAY_MS);
  if (Number.isNaN(d.getTime())) return String(days);
  return `${year(d.getUTCFullYear())}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
}

/** 'YYYY-MM-DD HH:MM:SS' of whole milliseconds of naive UTC wall time, or null out of range. */
function dateTimeText(ms: number): string | null {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  return (
    `${year(d.getUTCFullYear())}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
  );
}

/**
 * A spreadsheet date (milliseconds of naive wall time, read as UTC) to the nearest second, as
 * Excel shows it: the date alone at midnight, else date and time. Serial days are binary
 * fractions, so 13:00 can arrive as 12:59:59.9995.
 */
export function sheetDateText(ms: number): string {
  const text = dateTimeText(Math.round(ms / 1000) * 1000);
  if (text === null) return '';
  return text.endsWith(' 00:00:00') ? text.slice(0, 10) : text;
}

/**
 * An instant counted in `unitsPerSecond` since the epoch, as naive UTC wall time
 * 'YYYY-MM-DD HH:MM:SS' with the fraction of a second when there is one. Exact for every unit:
 * values beyond 2^53 (nanoseconds) are split with BigInt.
 */
export function epochText(value: bigint, unitsPerSecond: bigint): string {
  let seconds: number;
  let fraction: number | bigint;
  const n = Number(value);
  const units = Number(unitsPerSecond);
  if (Number.isSafeInteger(n)) {
    seconds = Math.floor(n / units);
    fraction = n - seconds * units;
  } else {
    let s = value / unitsPerSecond;
    let f = value % unitsPerSecond;
    if (f < 0n) {
      s -= 1n;
      f += unitsPerSecond;
    }
    seconds = Number(s);
    fraction = f;
  }
  const text = dateTimeText(seconds * 1000);
  if (text === null) return value.toString();
  if (fraction === 0 || fraction === 0n) return text;
  const width = String(units).length - 1;
  return `${text}.${String(fraction).padStart(width, '0').replace(/0+$/, '')}`;
}

/** A time of day counted in `unitsPerSecond` since midnight: 'HH:MM:SS[.fff]'. */
export function timeOfDayText(value: bigint, unitsPerSecond: bigint): string {
  const full = epochText(value, unitsPerSecond);
  return full.slice(full.indexOf(' ') + 1);
}
