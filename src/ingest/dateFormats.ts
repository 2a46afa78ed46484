import { constantLiteral } from '../analysis/sql';

/**
 * Date families: one reading order of day, month and year. A column is parsed with one family,
 * chosen from its data, so 03/04/2024 never means March in one row and April in the next.
 */
export const DATE_FAMILIES = ['ymd', 'mdy', 'dmy'] as const;
export type DateFamily = (typeof DATE_FAMILIES)[number];

const TIME_SUFFIXES = [' %H:%M:%S', ' %H:%M', ''];

function withTimes(datePatterns: readonly string[]): string[] {
  return datePatterns.flatMap((d) => TIME_SUFFIXES.map((t) => d + t));
}

export const FAMILY_FORMATS: Record<DateFamily, readonly string[]> = {
  ymd: [...withTimes(['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%Y年%m月%d日']), '%Y%m%d'],
  mdy: withTimes(['%m/%d/%Y', '%m-%d-%Y', '%m.%d.%Y', '%m/%d/%y']),
  dmy: withTimes(['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%d/%m/%y']),
};

const DIRECTIVE_PATTERNS: Record<string, string> = {
  Y: '[0-9]{4}',
  y: '[0-9]{2}',
  m: '[0-9]{1,2}',
  d: '[0-9]{1,2}',
  H: '[0-9]{1,2}',
  M: '[0-9]{2}',
  S: '[0-9]{2}',
};

/** The shape of text a strptime format can read, as an RE2 pattern for a full match. */
export function formatPattern(format: string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch === '%') {
      const directive = format[++i] ?? '';
      const pattern = DIRECTIVE_PATTERNS[directive];
      if (!pattern) throw new Error(`Unsupported directive %${directive} in ${format}`);
      out += pattern;
    } else {
      out += /[.^$|?*+()[\]{}\\/-]/.test(ch) ? `\\${ch}` : ch;
    }
  }
  return out;
}

/**
 * SQL expression: the DATE in `textExpr` read with `family`, or NULL when it does not parse (a
 * time of day, when present, is read and dropped: the analysis works in days). Each format is tried
 * only on text of its shape: a failed strptime costs an exception inside the wasm engine (about
 * 25 µs), a failed regular-expression match almost nothing. Text that starts like ISO (`2024-…`)
 * goes first to DuckDB's own DATE cast, the fastest reader of the commonest form, which also takes
 * a time, a `T` and an offset after the date.
 */
export function parseDateExpr(textExpr: string, family: DateFamily): string {
  const text = `trim(${textExpr})`;
  const whens = FAMILY_FORMATS[family].map(
    (f) =>
      `WHEN regexp_full_match(${text}, ${constantLiteral(formatPattern(f))}) THEN CAST(try_strptime(${text}, ${constantLiteral(f)}) AS DATE)`,
  );
  const byFormat = `CASE ${whens.join(' ')} END`;
  if (family !== 'ymd') return byFormat;
  // A failed cast is cheap next to a failed strptime, and the few it misses fall through.
  const iso = `CASE WHEN ${textExpr} LIKE '____-%' THEN TRY_CAST(${textExpr} AS DATE) END`;
  return `coalesce(${iso}, ${byFormat})`;
}

/** Pick the family that parses the most values; ties go to the order in DATE_FAMILIES. */
export function bestDateFamily(parsedCounts: Record<DateFamily, number>): DateFamily {
  let best: DateFamily = 'ymd';
  for (const family of DATE_FAMILIES) {
    if (parsedCounts[family] > parsedCounts[best]) best = family;
  }
  return best;
}
