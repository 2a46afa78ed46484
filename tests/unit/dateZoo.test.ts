import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_MAPPING } from '../../src/analysis/mapping';
import { DATE_FAMILIES, parseDateExpr, type DateFamily } from '../../src/ingest/dateFormats';
import { guessMapping, isDateHeader } from '../../src/ingest/headerGuess';
import { profileSql, readProfile, type ProfiledColumn } from '../../src/ingest/profile';
import { DAY_FIRST, MONTH_FIRST, UNAMBIGUOUS } from '../../scripts/fixtures/values.mjs';
import { startSql } from './helpers/engine';

const sql = startSql();

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar's answer: the ISO day, or null when the day does not exist. */
function calendarDay(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? `${y}-${pad(m)}-${pad(d)}` : null;
}

type Parts = Parameters<(typeof UNAMBIGUOUS)[number]>[0];

/** What the fixture formatters take, for any day, also one that does not exist. */
function partsOf(y: number, m: number, d: number, h: number, mi: number, s: number): Parts {
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return {
    y,
    m,
    d,
    h,
    mi: pad(mi),
    s: pad(s),
    h12: h % 12 === 0 ? 12 : h % 12,
    ampm: h < 12 ? 'AM' : 'PM',
    wd,
    iso: '',
  };
}

interface Case {
  text: string;
  want: Record<DateFamily, string | null>;
}

/**
 * Random days (every 1–31 with every month, so some do not exist) from 1990 to 2068, where two-digit
 * years are unambiguous, written in every form of the fixtures, with what each family must read.
 */
function cases(seed: number): Case[] {
  const day = fc.record({
    y: fc.integer({ min: 1990, max: 2068 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 28, max: 31 })),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    form: fc.nat(),
  });
  return fc.sample(day, { numRuns: 600, seed }).map(({ y, m, d, h, mi, s, form }) => {
    const p = partsOf(y, m, d, h, mi, s);
    const asWritten = calendarDay(y, m, d);
    // The same digits read the other way round (day as month): what the other family sees.
    const swapped = calendarDay(y, d, m);
    const kind = form % 3;
    if (kind === 0) {
      const text = UNAMBIGUOUS[form % UNAMBIGUOUS.length]!(p);
      return {
        text,
        want: { ymd: asWritten, mdy: asWritten, dmy: asWritten, excelSerial: asWritten },
      };
    }
    const monthFirst = kind === 1;
    const forms = monthFirst ? MONTH_FIRST : DAY_FIRST;
    const text = forms[form % forms.length]!(p);
    return {
      text,
      want: {
        ymd: null,
        excelSerial: null,
        mdy: monthFirst ? asWritten : swapped,
        dmy: monthFirst ? swapped : asWritten,
      },
    };
  });
}

async function readAll(family: DateFamily, texts: string[]): Promise<(string | null)[]> {
  const runner = await sql;
  const rows = texts.map((t, i) => `(${i}, '${t.replaceAll("'", "''")}')`).join(', ');
  const out = await runner.rows<{ d: string | null }>(
    `SELECT strftime(${parseDateExpr('v', family)}, '%Y-%m-%d') AS d FROM (VALUES ${rows}) t(i, v) ORDER BY i`,
  );
  return out.map((r) => r.d);
}

describe('the date zoo', () => {
  const zoo = cases(20240305);

  it('covers impossible days, both orders and every form', () => {
    expect(zoo.filter((c) => c.want.mdy === null && c.want.dmy === null).length).toBeGreaterThan(
      20,
    );
    expect(zoo.filter((c) => c.want.ymd !== null).length).toBeGreaterThan(100);
    expect(new Set(zoo.map((c) => c.text.replace(/[0-9]/g, '9'))).size).toBeGreaterThan(40);
  });

  it.each(DATE_FAMILIES)(
    'reads every form right, or not at all, in the %s family',
    async (family) => {
      const read = await readAll(
        family,
        zoo.map((c) => c.text),
      );
      const wrong = zoo
        .map((c, i) => ({ text: c.text, want: c.want[family], got: read[i] }))
        .filter((r) => r.want !== r.got);
      expect(wrong).toEqual([]);
    },
  );

  it('reads text around the date written with weekdays, times and zones', async () => {
    const forms = [
      'Fri 2018-01-05',
      'Friday, 2018-01-05',
      '(五) 2018-01-05',
      '2018-01-05 (Fri)',
      '2018-01-05 Friday 14:05',
      '2018-01-05 14:05 星期五',
      '2018-01-05T14:05:09.5+0800',
      '2018-01-05 14:05 UTC',
      '2018/1/5 2:05:09 p.m.',
      '2018年1月5日 星期五 下午2:05',
      '2018年1月5日14时05分30秒',
      '2018年1月5日(周五)',
      'Jan. 5, 2018 2:05 PM',
    ];
    expect(await readAll('ymd', forms)).toEqual(forms.map(() => '2018-01-05'));
    expect(await readAll('mdy', ['Fri 1/5/2018 2:05 PM', '1/5/2018 周五'])).toEqual([
      '2018-01-05',
      '2018-01-05',
    ]);
  });
});

/** Profiles of a table made from `columns` (header → values), as the engine makes them. */
async function profile(columns: Record<string, string[]>): Promise<ProfiledColumn[]> {
  const runner = await sql;
  const names = Object.keys(columns);
  const rows = (Object.values(columns)[0] ?? []).map(
    (_, r) =>
      `(${names.map((n) => `'${(columns[n]?.[r] ?? '').replaceAll("'", "''")}'`).join(', ')})`,
  );
  const table = `zoo_${Math.random().toString(36).slice(2)}`;
  await runner.run(
    `CREATE TABLE ${table} AS SELECT * FROM (VALUES ${rows.join(', ')}) t(${names.map((_, i) => `c${i}`).join(', ')})`,
  );
  const counts = await runner.row<Record<string, number>>(profileSql(table, 0, names.length));
  return readProfile(names, counts);
}

const days = (n: number, write: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => write(i));

describe('choosing a date family from the data', () => {
  it('takes month-first when some day is above 12, day-first in the mirror case', async () => {
    const [us, eu] = await profile({
      us: days(30, (i) => `${1 + (i % 12)}/${1 + (i % 28)}/2024 8:26`),
      eu: days(30, (i) => `${1 + (i % 28)}.${1 + (i % 12)}.2024`),
    });
    expect(us).toMatchObject({ dateFamily: 'mdy', dateShare: 1, dateAmbiguous: false });
    expect(eu).toMatchObject({ dateFamily: 'dmy', dateShare: 1, dateAmbiguous: false });
    expect(us?.dateShares).toMatchObject({ ymd: 0, mdy: 1, excelSerial: 0 });
    expect(us?.dateShares.dmy).toBeLessThan(1);
  });

  it('says so when every day is 12 or less, and reads month-first until told otherwise', async () => {
    const [column] = await profile({
      order_date: days(30, (i) => `${1 + (i % 12)}/${1 + ((i * 5) % 12)}/2024`),
    });
    expect(column).toMatchObject({ dateFamily: 'mdy', dateAmbiguous: true, dateShare: 1 });
    expect(column?.dateShares).toMatchObject({ mdy: 1, dmy: 1, ymd: 0 });
  });

  it('is not ambiguous when the column is year-first, even with day and month both ≤ 12', async () => {
    const [column] = await profile({
      order_date: days(30, (i) => `2024-${pad(1 + (i % 12))}-0${1 + (i % 9)}`),
    });
    expect(column).toMatchObject({ dateFamily: 'ymd', dateAmbiguous: false, dateShare: 1 });
  });

  it('reads Excel day numbers only under a date header', async () => {
    const serials = days(30, (i) => String(45000 + i * 37));
    const [date, amount, untitled] = await profile({
      InvoiceDate: serials,
      amount: serials,
      column3: serials,
    });
    expect(date).toMatchObject({ dateFamily: 'excelSerial', dateShare: 1 });
    for (const c of [amount, untitled]) {
      expect(c).toMatchObject({ dateFamily: 'ymd', dateShare: 0, numberShare: 1 });
      expect(c?.dateShares.excelSerial).toBe(1);
    }
  });

  it('never maps an amount column of 30000–50000 as the order date', async () => {
    const withDate = await profile({
      customer_id: days(20, (i) => `C${i % 4}`),
      amount: days(20, (i) => String(30000 + i * 997)),
      when: days(20, (i) => `2024-03-${pad(1 + i)}`),
    });
    expect(guessMapping(withDate)).toEqual({
      ...EMPTY_MAPPING,
      customerId: 0,
      amount: 1,
      orderDate: 2,
    });
    const withoutDate = await profile({
      customer_id: days(20, (i) => `C${i % 4}`),
      total: days(20, (i) => String(30000 + i * 997)),
      paid: days(20, (i) => String(30000 + i * 991)),
    });
    expect(guessMapping(withoutDate).orderDate).toBeNull();
  });

  it('knows date headers', () => {
    for (const h of ['InvoiceDate', 'order_date', 'ship date', '发货日期', '下单时间', 'Date paid'])
      expect(isDateHeader(h), h).toBe(true);
    for (const h of ['amount', 'update_count', 'customer', '金额', 'times'])
      expect(isDateHeader(h), h).toBe(false);
  });

  it('picks the decimal comma for a European column and counts its numbers', async () => {
    const [point, comma] = await profile({
      a: days(10, (i) => `$${i + 1},234.5${i}`),
      b: days(10, (i) => `${i + 1}.234,5${i} €`),
    });
    expect(point).toMatchObject({ decimal: '.', numberShare: 1 });
    expect(comma).toMatchObject({ decimal: ',', numberShare: 1 });
  });

  it('counts money-like decimals, so an amount paid is never taken for the customer', async () => {
    const cols = await profile({
      订单编号: days(20, (i) => `T2024${pad(i)}881`),
      买家实际支付金额: days(20, (i) => `${60 + i}.${(i % 9) + 1}0`),
      订单创建时间: days(20, (i) => `2024-03-${pad(1 + i)} 10:0${i % 10}:00`),
      会员卡号: days(20, (i) => `*******5${pad(i)}`),
      old_id: days(20, (i) => `${17850 + i}.0`),
    });
    expect(cols.map((c) => c.fractionShare)).toEqual([0, 1, 0, 0, 0]);
    expect(guessMapping(cols)).toMatchObject({ customerId: 3, orderDate: 2, amount: 1 });
    const noKey = await profile({
      订单编号: days(20, (i) => `T2024${pad(i)}881`),
      总金额: days(20, (i) => `${70 + i}.5`),
      买家实际支付金额: days(20, (i) => `${60 + i}.${(i % 9) + 1}0`),
      订单创建时间: days(20, (i) => `2024-03-${pad(1 + i)}`),
    });
    expect(guessMapping(noKey)).toMatchObject({ customerId: null, amount: 1, orderDate: 3 });
  });
});
