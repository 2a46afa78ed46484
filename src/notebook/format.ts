import type { Formatters } from '../i18n/format';
import type { Locale } from '../i18n/locales';
import type { CellValue, ColumnKind } from './result';

/**
 * How a result value reads in a cell: whole numbers and dates through the session's formatters;
 * fractions keep up to four decimals in the UI language's digits and separators (a query's
 * p_alive of 0.8312 must not read as 0.8, which fmt.decimal1 would give).
 */
export function cellFormatter(fmt: Formatters, locale: Locale) {
  const fraction = new Intl.NumberFormat(locale, { maximumFractionDigits: 4 });
  return (value: CellValue, kind: ColumnKind): string => {
    if (value === null) return '';
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return String(value);
      return Number.isInteger(value) ? fmt.integer(value) : fraction.format(value);
    }
    if (kind === 'date' && typeof value === 'string' && value.length === 10) return fmt.date(value);
    return String(value);
  };
}
