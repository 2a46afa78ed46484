import { constantLiteral } from '../analysis/sql';

/**
 * Date families: how a column's dates are read. A column is parsed with one family, chosen from
 * its data, so 03/04/2024 never means March in one row and April in the next.
 *
 * - `ymd`: only forms that can be read one way: year first (2024-03-05, 2024/3/5, 2024.03.05,
 *   2024年3月5日), compact 20240305 (also 20240305.0), month names (05-Jan-2018, Jan 5, 2018).
 * - `mdy` / `dmy`: the same, plus 3/5/2024, 3-5-24, 05.03.2024 read month-first / day-first.
 * - `excelSerial`: the same as `ymd`, plus Excel day numbers (45356 = 2024-03-05; a fraction is the
 *   time of day). Only 32874–73415 (1990-01-01 to 2100-12-31) are read: that keeps clear of
 *   Excel's fake 1900-02-29 (serial 60) and of small counts. A column of such numbers is just as
 *   likely an amount, so the profile picks this family only under a date header.
 *
 * Every family reads a time of day after the date (8:26, 08:26:59.5, 2:05 PM, 下午2:05, 14时05分,
 * T10:00Z, +08:00) and a weekday before or after it (Fri, Friday, 星期五, 周五, (五)); both are
 * checked for shape and dropped: the analysis works in days. A time after ISO 2024-03-05 is not
 * checked (see `parseDateExpr`). Impossible dates (2018-02-29, 2024-13-01) read as NULL, never
 * shifted. Two-digit years follow strptime: 00–68 are 2000–2068, 69–99 are 1969–1999.
 */
export const DATE_FAMILIES = ['ymd', 'mdy', 'dmy', 'excelSerial'] as const;
export type DateFamily = (typeof DATE_FAMILIES)[number];

/** Excel day numbers read as dates: 1990-01-01 and 2100-12-31 (day 0 is 1899-12-30). */
export const EXCEL_SERIAL_RANGE = { first: 32874, last: 73415 } as const;

const YEAR = '[0-9]{4}';
const YY = '[0-9]{2}';
const MONTH = '(?:0?[1-9]|1[0-2])';
const DAY = '(?:0?[1-9]|[12][0-9]|3[01])';

const WEEKDAY_ZH = '(?:星期|周|礼拜)[一二三四五六日天]';
const WEEKDAY_EN = String.raw`(?i:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?`;
const WEEKDAY = String.raw`(?:[(（]\s*)?(?:${WEEKDAY_ZH}|${WEEKDAY_EN})(?:\s*[)）])?|[(（][一二三四五六日天][)）]`;

const CLOCK = String.raw`(?:[01]?[0-9]|2[0-3])[:：][0-5][0-9](?:[:：][0-5][0-9](?:[.,][0-9]{1,9})?)?(?:\s*(?i:[ap]\.?m\.?))?`;
const CLOCK_ZH = '(?:[01]?[0-9]|2[0-3])[时点](?:[0-5]?[0-9]分(?:[0-5]?[0-9]秒)?)?';
const ZONE = String.raw`\s*(?:Z|(?i:utc|gmt)?\s*[+-][0-9]{1,2}(?::?[0-9]{2})?|(?i:utc|gmt))`;
const TIME = String.raw`(?:(?:上午|下午|中午|晚上|凌晨|早上)\s*)?(?:${CLOCK}|${CLOCK_ZH})(?:${ZONE})?`;

/**
 * What may follow a date: weekdays and times, in any order. A time needs a separator (a space, a
 * comma, T or 日), so its digits cannot run into the day's.
 */
function tail(separator: string): string {
  return String.raw`(?:${separator}+${TIME}|${separator}*(?:${WEEKDAY}))*`;
}
/** After a date read by a cast, which stops at the first character after the day. */
const CAST_TAIL = `${tail(String.raw`[\s,T日号]`)}[日号]?`;
/** After a date read by strptime from the text before the first space: that space comes first. */
const SPACED_TAIL = String.raw`(?: \s*(?:(?:${WEEKDAY})|${TIME})${tail(String.raw`[\s,]`)})?`;

/** Year first (any separator), 年月日, compact: read by DuckDB's own DATE cast once normalised. */
const YEAR_FIRST = String.raw`(?:${YEAR}(?:-${MONTH}-${DAY}|/${MONTH}/${DAY}|\.${MONTH}\.${DAY}|年${MONTH}月${DAY})|(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?:\.0+)?)${CAST_TAIL}`;

/** Two numbers and a year of `year` digits, separated alike: the order of the two is the family's. */
function numericPattern(family: 'mdy' | 'dmy', year: string): string {
  const [first, second] = family === 'mdy' ? [MONTH, DAY] : [DAY, MONTH];
  return String.raw`(?:${first}/${second}/${year}|${first}-${second}-${year}|${first}\.${second}\.${year})${SPACED_TAIL}`;
}

const MONTH_NAME =
  '(?i:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\\.?)';
/** 05-Jan-2018, 5 January 18, Jan 5, 2018, January 5th 2018; groups: day, month, year twice. */
const MONTH_NAMED = String.raw`(${DAY})[-/. ]*${MONTH_NAME}[-/., ]*(${YEAR}|${YY})|${MONTH_NAME}[-/. ]*(${DAY})(?i:st|nd|rd|th)?,?[-/. ]*(${YEAR})`;

const EXCEL_MONTH_NAMED = `${DAY}-(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-(?:${YY}|${YEAR})`;

const SERIAL = String.raw`[0-9]{5}(?:\.[0-9]+)?`;

/** A weekday written before the date (Fri 2018-01-05, 星期五 2018年1月5日, Friday, January 5, 2018). */
const WEEKDAY_PREFIX = String.raw`^(?:${WEEKDAY})[\s,]+`;

const sqlText = constantLiteral;

function fullMatch(text: string, pattern: string): string {
  return `regexp_full_match(${text}, ${sqlText(pattern)})`;
}

/** `year` as four digits: two-digit years pivot like strptime's %y. */
function fullYear(year: string): string {
  return `CASE WHEN length(${year}) = 2 THEN (CASE WHEN ${year} < '69' THEN '20' ELSE '19' END) || ${year} ELSE ${year} END`;
}

/** Text matched by YEAR_FIRST → DATE. The cast reads the date and ignores the checked tail. */
function yearFirstDate(v: string): string {
  return `CASE WHEN ${v} LIKE '%年%' THEN TRY_CAST(replace(replace(${v}, '年', '-'), '月', '-') AS DATE)
    WHEN substr(${v}, 5, 1) BETWEEN '0' AND '9' THEN TRY_CAST(left(${v}, 4) || '-' || substr(${v}, 5, 2) || '-' || substr(${v}, 7, 2) AS DATE)
    WHEN substr(${v}, 5, 1) = '.' THEN TRY_CAST(replace(${v}, '.', '-') AS DATE)
    ELSE TRY_CAST(${v} AS DATE) END`;
}

/**
 * Text matched by `numericPattern` → DATE, month-first or day-first. The pattern has checked the
 * ranges, so strptime fails (and pays for an exception) only on a day past the month's end. The
 * separator is the second or third character.
 */
function numericDate(v: string, family: 'mdy' | 'dmy', year: '%Y' | '%y'): string {
  // Not split_part: it is a macro, and a macro's bare positional argument (#2) fails to bind.
  const part = `CASE WHEN contains(${v}, ' ') THEN left(${v}, strpos(${v}, ' ') - 1) ELSE ${v} END`;
  const [a, b] = family === 'mdy' ? ['%m', '%d'] : ['%d', '%m'];
  const read = (sep: string) =>
    `CAST(try_strptime(${part}, ${sqlText(`${a}${sep}${b}${sep}${year}`)}) AS DATE)`;
  return `CASE WHEN ${v} LIKE '_/%' OR ${v} LIKE '__/%' THEN ${read('/')}
    WHEN ${v} LIKE '_-%' OR ${v} LIKE '__-%' THEN ${read('-')} ELSE ${read('.')} END`;
}

/** Text matched by MONTH_NAMED → DATE, the month's name looked up by its first three letters. */
function monthNamedDate(v: string): string {
  const parts = `regexp_replace(${v}, ${sqlText(`^(?:${MONTH_NAMED}).*$`)}, '\\3\\6|\\2\\4|\\1\\5')`;
  const year = fullYear(`split_part(p, '|', 1)`);
  const month = `(strpos('janfebmaraprmayjunjulaugsepoctnovdec', lower(split_part(p, '|', 2))) + 2) // 3`;
  // The lambda runs the costly replacement once for the three parts.
  return `list_transform([${parts}], lambda p: TRY_CAST(${year} || '-' || ${month} || '-' || split_part(p, '|', 3) AS DATE))[1]`;
}

function serialDate(v: string): string {
  const day = `floor(TRY_CAST(${v} AS DOUBLE))`;
  const { first, last } = EXCEL_SERIAL_RANGE;
  return `CASE WHEN ${day} BETWEEN ${first} AND ${last} THEN DATE '1899-12-30' + CAST(${day} AS INTEGER) END`;
}

/** The reading of `v` with `family`, text as it is (no spaces around, no weekday before). */
function readAs(v: string, family: DateFamily): string {
  const iso = `${v} LIKE '____-__-__' OR ${v} LIKE '____-__-__ __:__:__'`;
  const branches = [`WHEN ${iso} THEN TRY_CAST(${v} AS DATE)`];
  if (family === 'mdy' || family === 'dmy') {
    const pattern = numericPattern(family, YEAR);
    branches.push(`WHEN ${fullMatch(v, pattern)} THEN ${numericDate(v, family, '%Y')}`);
  }
  if (family === 'excelSerial') branches.push(`WHEN ${fullMatch(v, SERIAL)} THEN ${serialDate(v)}`);
  branches.push(`WHEN ${fullMatch(v, YEAR_FIRST)} THEN ${yearFirstDate(v)}`);
  if (family === 'mdy' || family === 'dmy') {
    const pattern = numericPattern(family, YY);
    branches.push(`WHEN ${fullMatch(v, pattern)} THEN ${numericDate(v, family, '%y')}`);
  }
  // Excel's dd-mmm-yy(yy), alone, skips the costly general reading of month names.
  branches.push(
    `WHEN ${fullMatch(v, EXCEL_MONTH_NAMED)} THEN CASE WHEN length(${v}) <= 9 THEN CAST(try_strptime(${v}, '%d-%b-%y') AS DATE) ELSE CAST(try_strptime(${v}, '%d-%b-%Y') AS DATE) END`,
  );
  branches.push(`WHEN ${fullMatch(v, `(?:${MONTH_NAMED})${CAST_TAIL}`)} THEN ${monthNamedDate(v)}`);
  return `CASE ${branches.join('\n    ')} END`;
}

/**
 * SQL expression: the DATE in `textExpr` read with `family`, or NULL when it is not a date of that
 * family (see DATE_FAMILIES). The commonest forms, 2024-03-05 and 2024-03-05 08:26:00, go straight
 * to DuckDB's DATE cast (which ignores what follows the day, so their time is not checked). Every
 * other form is read only after a full regular-expression match of its shape: a failed strptime
 * costs an exception inside the wasm engine (about 25 µs), a failed match almost nothing.
 *
 * DuckDB evaluates an expression as often as it is written, so `textExpr` should be a column (it is
 * written many times). Text with spaces around it or a weekday before it is cleaned only when the
 * plain reading fails, once, through a lambda, and read again.
 */
export function parseDateExpr(textExpr: string, family: DateFamily): string {
  const x = textExpr;
  // Digits sort before 'A': only text starting with a letter, an ideograph or a bracket can start
  // with a weekday.
  const unclean = `${x} LIKE ' %' OR ${x} LIKE '% ' OR ${x} >= 'A' OR ${x} LIKE '(%'`;
  const cleaned = `regexp_replace(trim(${x}), ${sqlText(WEEKDAY_PREFIX)}, '')`;
  return `coalesce(${readAs(x, family)},
  CASE WHEN ${unclean} THEN list_transform([${cleaned}], lambda s: ${readAs('s', family)})[1] END)`;
}

/** Pick the family that parses the most values; ties go to the order in DATE_FAMILIES. */
export function bestDateFamily(parsedCounts: Record<DateFamily, number>): DateFamily {
  let best: DateFamily = 'ymd';
  for (const family of DATE_FAMILIES) {
    if (parsedCounts[family] > parsedCounts[best]) best = family;
  }
  return best;
}
