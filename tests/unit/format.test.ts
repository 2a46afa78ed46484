import { describe, expect, it } from 'vitest';
import { formatters } from '../../src/i18n/format';

describe('number, money and date formats', () => {
  it('zh uses 万 and 亿 in compact form, en uses K and M', () => {
    const zh = formatters('zh-CN');
    expect(zh.compact(123_456)).toBe('12.3万');
    expect(zh.compact(123_456_789)).toBe('1.2亿');
    const en = formatters('en');
    expect(en.compact(123_456)).toBe('123.5K');
    expect(en.compact(12_345_678)).toBe('12.3M');
  });

  it('money is plain until a currency is chosen, then written the locale’s way', () => {
    expect(formatters('en').money(1234.5)).toBe('1,234.50');
    expect(formatters('zh-CN', 'CNY').money(1234.5)).toBe('¥1,234.50');
    expect(formatters('en', 'GBP').money(1234.5)).toBe('£1,234.50');
    expect(formatters('en', 'JPY').money(1234.5)).toBe('¥1,235');
    expect(formatters('zh-CN', 'CNY').compactMoney(123_456_789)).toBe('¥1.2亿');
  });

  it('dates are calendar dates in the UI language, never shifted by the time zone', () => {
    expect(formatters('en').date('2024-03-05')).toBe('Mar 5, 2024');
    expect(formatters('zh-CN').date('2024-03-05')).toBe('2024年3月5日');
    expect(formatters('en').date('2024-12-31')).toBe('Dec 31, 2024');
    expect(formatters('en').date(null)).toBe('–');
    expect(formatters('en').date('not a date')).toBe('not a date');
  });
});
