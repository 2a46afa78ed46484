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

/** SQL expression: the TIMESTAMP in `textExpr` read with `family`, or NULL when it does not parse. */
export function parseDateExpr(textExpr: string, family: DateFamily): string {
  const formats = `[${FAMILY_FORMATS[family].map(constantLiteral).join(', ')}]`;
  const strptime = `try_strptime(${textExpr}, ${formats})`;
  // ISO text (with T, fractions or offsets) is read fastest and most fully by the cast.
  return family === 'ymd' ? `coalesce(TRY_CAST(${textExpr} AS TIMESTAMP), ${strptime})` : strptime;
}

/** Pick the family that parses the most values; ties go to the order in DATE_FAMILIES. */
export function bestDateFamily(parsedCounts: Record<DateFamily, number>): DateFamily {
  let best: DateFamily = 'ymd';
  for (const family of DATE_FAMILIES) {
    if (parsedCounts[family] > parsedCounts[best]) best = family;
  }
  return best;
}
