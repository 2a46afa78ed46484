import type { Locale } from './locales';

/** Currencies the analyst can show amounts in (ISO 4217); null = plain numbers. */
export const CURRENCIES = ['CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'TWD'] as const;
export type Currency = (typeof CURRENCIES)[number];

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (CURRENCIES as readonly string[]).includes(value);
}

/**
 * Number, money and date formats per UI language, built once. zh's compact form uses 万/亿 (Intl
 * does this for zh-CN). Dates cross the worker as 'YYYY-MM-DD' and are shown as calendar dates
 * (UTC, so no time zone moves them a day).
 */
export function formatters(locale: Locale, currency: Currency | null = null) {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const money = new Intl.NumberFormat(locale, {
    ...(currency ? { style: 'currency', currency } : {}),
    minimumFractionDigits: currency === 'JPY' ? 0 : 2,
    maximumFractionDigits: currency === 'JPY' ? 0 : 2,
  });
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  const compactMoney = new Intl.NumberFormat(locale, {
    ...(currency ? { style: 'currency', currency } : {}),
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  const decimal1 = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return {
    integer: (n: number) => integer.format(n),
    money: (n: number) => money.format(n),
    compact: (n: number) => compact.format(n),
    /** A large amount in short form (1.2万 / 12.3K), with the currency when one is chosen. */
    compactMoney: (n: number) => compactMoney.format(n),
    decimal1: (n: number | null) => (n === null ? '–' : decimal1.format(n)),
    percent: (n: number) => percent.format(n),
    /** 'YYYY-MM-DD' as a calendar date in the UI language; anything else as it is. */
    date: (iso: string | null) => {
      if (iso === null) return '–';
      const t = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? Date.parse(`${iso}T00:00:00Z`) : Number.NaN;
      return Number.isNaN(t) ? iso : date.format(t);
    },
  };
}
export type Formatters = ReturnType<typeof formatters>;
