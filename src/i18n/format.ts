import type { Locale } from './locales';

/** Number formats per UI language, built once; zh uses 万/亿 in compact form. */
export function formatters(locale: Locale) {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const money = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  const decimal1 = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  return {
    integer: (n: number) => integer.format(n),
    money: (n: number) => money.format(n),
    compact: (n: number) => compact.format(n),
    decimal1: (n: number | null) => (n === null ? '–' : decimal1.format(n)),
    percent: (n: number) => percent.format(n),
  };
}
export type Formatters = ReturnType<typeof formatters>;
