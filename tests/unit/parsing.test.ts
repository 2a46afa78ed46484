import { describe, expect, it } from 'vitest';
import {
  decimalSeparatorFrom,
  parseAmountExpr,
  type DecimalSeparator,
} from '../../src/ingest/amounts';
import { parseDateExpr, type DateFamily } from '../../src/ingest/dateFormats';
import { startSql } from './helpers/engine';

const sql = startSql();

/** Test values as SQL text: ours, quoted here, never user data. */
const valuesSql = (values: (string | null)[]) =>
  values
    .map((v, i) => `(${i}, ${v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`})`)
    .join(', ');

async function parseDates(
  family: DateFamily,
  values: (string | null)[],
): Promise<(string | null)[]> {
  const runner = await sql;
  const out = await runner.rows<{ d: string | null }>(
    `SELECT strftime(${parseDateExpr('v', family)}, '%Y-%m-%d') AS d FROM (VALUES ${valuesSql(values)}) t(i, v) ORDER BY i`,
  );
  return out.map((r) => r.d);
}

async function parseAmounts(
  decimal: DecimalSeparator,
  values: string[],
): Promise<(number | null)[]> {
  const runner = await sql;
  const out = await runner.rows<{ a: number | null }>(
    `SELECT CAST(${parseAmountExpr('v', decimal)} AS DOUBLE) AS a FROM (VALUES ${valuesSql(values)}) t(i, v) ORDER BY i`,
  );
  return out.map((r) => r.a);
}

describe('dates', () => {
  it('reads ISO, slashes, Chinese dates and compact dates, with or without a time, in the y-m-d family', async () => {
    const values = [
      '2024-03-05',
      '2024-3-5 8:26',
      '2024/03/05 08:26:59',
      '2024-03-05T10:00:00',
      '2024年3月5日',
      '20240305',
      ' 2024-03-05 ',
    ];
    expect(await parseDates('ymd', values)).toEqual(values.map(() => '2024-03-05'));
  });

  it('reads month-first and day-first dates by family', async () => {
    expect(await parseDates('mdy', ['12/1/2010 8:26', '3/5/2024'])).toEqual([
      '2010-12-01',
      '2024-03-05',
    ]);
    expect(await parseDates('dmy', ['1/12/2010 8:26', '05.03.2024'])).toEqual([
      '2010-12-01',
      '2024-03-05',
    ]);
  });

  it('counts impossible and non-dates as unreadable instead of shifting them', async () => {
    for (const family of ['ymd', 'mdy', 'dmy', 'excelSerial'] as const) {
      expect(
        await parseDates(family, [
          '2018-02-29',
          '2024-13-45',
          '2023年2月30日',
          '20230230',
          '31 Apr 2024',
          '2/30/2024',
          '30/2/2024',
          '未知',
          '',
          null,
          'SET OF 3',
        ]),
      ).toEqual(Array(11).fill(null));
    }
  });

  it('reads a day number only in the Excel family, and only from 1990 to 2100', async () => {
    const values = ['45356', '45356.75', '32874', '73415', '32873', '73416', '60', '30000'];
    expect(await parseDates('excelSerial', values)).toEqual([
      '2024-03-05',
      '2024-03-05',
      '1990-01-01',
      '2100-12-31',
      null,
      null,
      null,
      null,
    ]);
    expect(await parseDates('ymd', values)).toEqual(Array(values.length).fill(null));
  });

  it('takes two-digit years as strptime does: 00–68 are 20xx, 69–99 are 19xx', async () => {
    expect(await parseDates('mdy', ['3/5/24', '3/5/68', '3/5/69', '3/5/99'])).toEqual([
      '2024-03-05',
      '2068-03-05',
      '1969-03-05',
      '1999-03-05',
    ]);
    expect(await parseDates('dmy', ['5.3.24', '05-03-00'])).toEqual(['2024-03-05', '2000-03-05']);
  });

  it('does not read digits that run into the time, or a tail that is not a time or weekday', async () => {
    expect(
      await parseDates('ymd', [
        '2024/03/0510:00',
        '2024/03/05 garbage',
        '2024-03-05 soon',
        '2024/3/5 25:00',
      ]),
    ).toEqual([null, null, null, null]);
    expect(await parseDates('mdy', ['3/5/2024x', '3/5/2024 14:61'])).toEqual([null, null]);
  });
});

describe('amounts', () => {
  it('reads currency signs, thousands separators and negatives', async () => {
    expect(
      await parseAmounts('.', [
        '12.5',
        '¥1,234.50',
        '$ 99',
        '-3',
        '(12.50)',
        'RMB 8',
        '100元',
        '1e3',
        'N/A',
        '',
        '12,5.3.',
      ]),
    ).toEqual([12.5, 1234.5, 99, -3, -12.5, 8, 100, 1000, null, null, null]);
  });

  it('reads decimal commas when the column uses them', async () => {
    expect(await parseAmounts(',', ['12,50', '1.234,56', '€ 7', '-0,5'])).toEqual([
      12.5, 1234.56, 7, -0.5,
    ]);
  });

  it('reads full-width digits, signs and currency', async () => {
    expect(
      await parseAmounts('.', [
        '１２３４．５０',
        '－５',
        '￥１，２３４',
        '（１２．５０）',
        '１２元',
      ]),
    ).toEqual([1234.5, -5, 1234, -12.5, 12]);
    expect(await parseAmounts(',', ['１２，５０', '１．２３４，５'])).toEqual([12.5, 1234.5]);
  });

  it('reads space, no-break space, thin space and apostrophe thousands', async () => {
    expect(
      await parseAmounts(',', [
        '1 234,56',
        '1\u00A0234,56\u00A0€',
        '1\u202F234,56 €',
        '1\u2009234',
        "1'234,5",
      ]),
    ).toEqual([1234.56, 1234.56, 1234.56, 1234, 1234.5]);
    expect(await parseAmounts('.', ["1'234.50", '1’234.50 CHF', '1 234.5', '1,23,456.78'])).toEqual(
      [1234.5, 1234.5, 1234.5, 123456.78],
    );
  });

  it('reads a sign before or after the currency, a trailing minus and the Unicode minus', async () => {
    expect(
      await parseAmounts('.', [
        '12.50-',
        '-¥12',
        '¥-12',
        '$(12.50)',
        '(¥12.50)',
        '−7.25',
        '+5',
        '- 5',
        '(12)元',
        '12 -',
      ]),
    ).toEqual([-12.5, -12, -12, -12.5, -12.5, -7.25, 5, -5, -12, -12]);
  });

  it('reads currency words on either side', async () => {
    expect(
      await parseAmounts('.', [
        'USD 1,234.50',
        '1,234.50 USD',
        '人民币 88',
        '88 人民币',
        '12 元',
        'cny 5',
        '5 RMB',
        'US$ 3',
        '€ 4',
        '4 €',
      ]),
    ).toEqual([1234.5, 1234.5, 88, 88, 12, 5, 5, 3, 4, 4]);
  });

  it('multiplies 万 exactly instead of dropping it', async () => {
    expect(
      await parseAmounts('.', ['1.5万', '1.5万元', '2万 RMB', '0.00005万', '-3万', '1.23456789万']),
    ).toEqual([15000, 15000, 20000, 0.5, -30000, 12345.6789]);
  });

  it('leaves ambiguous or malformed amounts unreadable rather than guessing', async () => {
    expect(
      await parseAmounts('.', [
        '12,50', // a decimal comma in a point column: not 1250
        '1,2345.00',
        '1,234 567', // two kinds of thousands marks
        '-(12)', // two signs
        '--5',
        '¥-12-',
        '(12',
        '¥',
        '-',
        '12.5.3',
        '1.5亿', // a multiplier we do not read
        '12%',
      ]),
    ).toEqual(Array(12).fill(null));
    expect(await parseAmounts(',', ['12.50', '1,234.56', '1.23,4'])).toEqual([null, null, null]);
  });

  it('rounds to four decimals', async () => {
    expect(await parseAmounts('.', ['12.34567', '¥0.00005'])).toEqual([12.3457, 0.0001]);
  });

  it('takes the decimal separator under which more values read', () => {
    expect(decimalSeparatorFrom({ point: 10, comma: 3 })).toBe('.');
    expect(decimalSeparatorFrom({ point: 3, comma: 10 })).toBe(',');
    expect(decimalSeparatorFrom({ point: 7, comma: 7 })).toBe('.');
  });
});
