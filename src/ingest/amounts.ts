import { constantLiteral } from '../analysis/sql';

/** How a number column writes its decimals: 1,234.56 (point) or 1.234,56 (comma). */
export type DecimalSeparator = '.' | ',';

/** Spaces around and inside amounts: ordinary, no-break, narrow no-break and thin (French exports). */
const SPACE = String.raw`[\s\x{A0}\x{202F}\x{2009}]`;
/** Signs and words of a currency, before or after the number. */
const CURRENCY = String.raw`(?:[¥￥$£€]|元|圆|人民币|(?i:rmb|cny|usd|eur|gbp|hkd|chf|jpy|us\$|hk\$))`;
/** After the number: a currency, or 万 (× 10,000) with or without one. */
const UNIT = `(?:万?${SPACE}*${CURRENCY}|万)`;
const MINUS = '[-−]';

/** Thousands marks: comma, apostrophe (Swiss 1'234.50) and spaces (French 1 234,56) in point columns. */
const GROUPING: Record<DecimalSeparator, readonly string[]> = {
  '.': [',', "'", '’', ' ', String.raw`\x{A0}`, String.raw`\x{202F}`, String.raw`\x{2009}`],
  ',': [
    String.raw`\.`,
    "'",
    '’',
    ' ',
    String.raw`\x{A0}`,
    String.raw`\x{202F}`,
    String.raw`\x{2009}`,
  ],
};

/**
 * The number itself. Thousands groups have three digits and one mark throughout (Indian 1,23,456
 * also passes), so a value written with the other decimal separator (12,50 in a point column) is
 * unreadable, never read ×100.
 */
function numberPattern(decimal: DecimalSeparator): string {
  const groups = GROUPING[decimal].map((g) => `[0-9]{1,3}(?:${g}[0-9]{3})+`);
  if (decimal === '.') groups.push('[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}');
  const fraction = decimal === '.' ? String.raw`\.[0-9]+` : ',[0-9]+';
  return `(?:${groups.join('|')}|[0-9]+)(?:${fraction})?|${fraction}`;
}

/**
 * Every way we read an amount: a sign before or after the currency, a minus after the number, or
 * brackets; the currency before or after. One sign at most, and brackets in pairs: `amountChecks`.
 */
function amountPattern(decimal: DecimalSeparator): string {
  const s = `${SPACE}*`;
  const sign = `(?:[+]|${MINUS})`;
  const unit = `(?:${s}${UNIT})?`;
  return String.raw`${s}(?:${sign}${s})?(?:${CURRENCY}${s})?(?:${sign}${s})?(?:\(${s})?(?:${CURRENCY}${s})?(?:${numberPattern(decimal)})${unit}(?:${s}\))?${unit}(?:${s}${MINUS})?${s}`;
}

/** What the pattern cannot say: at most one sign (brackets count as one), brackets in pairs. */
function amountChecks(v: string): string {
  return `NOT regexp_matches(${v}, '[-−+(].*[-−+(]') AND contains(${v}, '(') = contains(${v}, ')')`;
}

/** Full-width digits, signs and marks (１２３４．５０, －５, ￥１，２３４) and their ASCII forms. */
const FULL_WIDTH = '０１２３４５６７８９．，－＋（）＄￡　';
const HALF_WIDTH = '0123456789.,-+()$£ ';

/** `v`, already matched by `amountPattern(decimal)`, as DECIMAL(18,4). */
function matchedAmount(v: string, decimal: DecimalSeparator): string {
  // Only the digits and the decimal separator are left: the pattern has checked the rest.
  const digits =
    decimal === '.'
      ? `regexp_replace(${v}, '[^0-9.]+', '', 'g')`
      : `replace(regexp_replace(${v}, '[^0-9,]+', '', 'g'), ',', '.')`;
  const signed = `CASE WHEN ${v} LIKE '%-%' OR ${v} LIKE '%−%' OR ${v} LIKE '%(%' THEN '-' ELSE '' END || ${digits}`;
  // 万 scales exactly: read with eight decimals, then multiplied. Wider decimals are slow in
  // wasm, so the common case stays within DECIMAL(18,4).
  return `CASE WHEN contains(${v}, '万') THEN TRY_CAST(TRY_CAST(${signed} AS DECIMAL(18,8)) * 10000 AS DECIMAL(18,4))
    ELSE TRY_CAST(${signed} AS DECIMAL(18,4)) END`;
}

/**
 * SQL expression: the DECIMAL amount in `textExpr`, or NULL when it is not a number. Accepts
 * currency signs and words on either side (¥ ￥ $ £ € 元 人民币 RMB CNY USD …), thousands groups,
 * negatives as -12.50, −12.50, 12.50- and (12.50), 万 (× 10,000), and full-width digits. DECIMAL
 * keeps sums exact, so totals and the scores built on them do not depend on row order.
 *
 * Plain numbers, most values, are read by the cast alone; the rest are matched as a whole against
 * the amount pattern first (one pass of a regular expression), then cut down with cheap string
 * functions. Full-width text is translated only when it fails as it is. `textExpr` is written
 * many times: pass a column, not an expression.
 */
export function parseAmountExpr(textExpr: string, decimal: DecimalSeparator): string {
  const x = textExpr;
  const pattern = constantLiteral(amountPattern(decimal));
  // A failed cast costs microseconds (it builds an error message), so text that cannot be a plain
  // number is kept from it by cheap tests: the first character (a digit, sign or point sorts
  // between '+' and ':'), no thousands mark, and ASCII only (no currency sign, 元, 万 or no-break
  // space). The rare rest (12 USD, 1'234.50) pays for the failed cast and is then matched below.
  const grouping = decimal === '.' ? ',' : '.';
  const plain = `${x} >= '+' AND ${x} < ':' AND NOT contains(${x}, '${grouping}') AND strlen(${x}) = length(${x})`;
  const fast =
    decimal === '.'
      ? `CASE WHEN ${plain} THEN TRY_CAST(${x} AS DECIMAL(18,4)) END`
      : `CASE WHEN ${plain} THEN TRY_CAST(replace(${x}, ',', '.') AS DECIMAL(18,4)) END`;
  const halfWidth = `translate(${x}, ${constantLiteral(FULL_WIDTH)}, ${constantLiteral(HALF_WIDTH)})`;
  return `coalesce(${fast}, CASE
    WHEN regexp_full_match(${x}, ${pattern}) AND ${amountChecks(x)} THEN ${matchedAmount(x, decimal)}
    WHEN regexp_matches(${x}, '[\\x{FF04}-\\x{FF19}\\x{FFE1}]') THEN list_transform([${halfWidth}], lambda w: CASE WHEN regexp_full_match(w, ${pattern}) AND ${amountChecks('w')} THEN ${matchedAmount('w', decimal)} END)[1]
  END)`;
}

/**
 * The column's decimal separator: the one under which more of its values read as numbers. Thousands
 * groups must have three digits, so 12,50 reads only with a comma and 12.5 or 1,234.56 only with a
 * point; ties (integers, 1.234) go to the point.
 */
export function decimalSeparatorFrom(numbers: { point: number; comma: number }): DecimalSeparator {
  return numbers.comma > numbers.point ? ',' : '.';
}
