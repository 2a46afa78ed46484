/**
 * The data-shape suite keeps its promises: every file of scripts/fixtures/shapes.mjs has the shape
 * its manifest names (read back from the bytes, not from the generator), the engine reads each
 * one with the expected encoding and mapping and counts the customers the manifest states, and
 * every summary shape of bench/models/shapes.ts looks as its name says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHAPE_NAMES, SHAPES, shapeSummary, type ShapeName } from '../../bench/models/shapes';
import { FIXTURES_DIR } from '../../scripts/generate-fixtures.mjs';
import { FIELDS, type Field } from '../../src/analysis/mapping';
import type { DateFamily } from '../../src/ingest/dateFormats';
import type { TestEngine as Engine } from './helpers/engine';
import { parseCsv } from '../setup/csv';
import { startEngine } from './helpers/engine';

interface ShapeFile {
  file: string;
  rows: number;
  bytes: number;
  customers: number;
  encoding: 'utf-8' | 'gb18030';
  bom: boolean;
  dateFamily: DateFamily;
  mapping: Partial<Record<Field, string>>;
  asOf: string | null;
  period: { first: string; last: string };
  odd: string;
  stats: Record<string, number>;
}

const manifest = JSON.parse(
  readFileSync(join(FIXTURES_DIR, 'shape-manifest.json'), 'utf8'),
) as ShapeFile[];
const entry = (file: string) => manifest.find((m) => m.file === file) as ShapeFile;
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(FIXTURES_DIR, file)));

/** The header and the data rows of a shape file, as text in its own encoding. */
function table(file: string) {
  const { encoding } = entry(file);
  const bytes = bytesOf(file);
  const text =
    encoding === 'gb18030'
      ? iconv.decode(Buffer.from(bytes), 'gb18030')
      : new TextDecoder().decode(bytes); // drops a UTF-8 BOM
  const [header = [], ...rows] = parseCsv(text);
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column ${name}`);
    return (row: string[]) => row[i] ?? '';
  };
  return { header, rows, col };
}

const DAY_MS = 86_400_000;
const isoDay = (text: string) => text.slice(0, 10);
const daysBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / DAY_MS;
/** 12/1/2010 8:26 → 2010-12-01 */
function ukDay(text: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) \d{1,2}:\d{2}$/.exec(text);
  if (!m) throw new Error(`not a UCI date: ${text}`);
  return new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2])))
    .toISOString()
    .slice(0, 10);
}

/** Each customer's distinct purchase days (sorted ISO dates). */
function daysByCustomer(purchases: [string, string][]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const [id, day] of purchases) {
    let s = sets.get(id);
    if (!s) sets.set(id, (s = new Set()));
    s.add(day);
  }
  return new Map([...sets].map(([id, s]) => [id, [...s].sort()]));
}

const share = (part: number, whole: number) => part / whole;
const medianOf = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
};

describe('shape files', () => {
  it('are all listed, with their rows and bytes, small enough for a browser test', () => {
    expect(manifest.map((m) => m.file).sort()).toEqual([
      'shape-50k.csv',
      'shape-churned-early.csv',
      'shape-nochurn-zh.csv',
      'shape-one-time.csv',
      'shape-small-300.csv',
      'shape-wholesale-1y.csv',
    ]);
    for (const m of manifest) {
      const bytes = bytesOf(m.file);
      expect(bytes.length, m.file).toBe(m.bytes);
      expect(bytes.length, m.file).toBeLessThanOrEqual(3_300_000);
      expect(table(m.file).rows.length, m.file).toBe(m.rows);
      expect(m.odd.length, m.file).toBeGreaterThan(20);
    }
  });

  it('(a) wholesale-1y: UCI invoice lines, cancellations, blank ids, heavy and light buyers', () => {
    const { header, rows, col } = table('shape-wholesale-1y.csv');
    expect(header).toEqual([
      'InvoiceNo',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'UnitPrice',
      'CustomerID',
      'Country',
    ]);
    const [invoice, code, quantity, date, id] = [
      col('InvoiceNo'),
      col('StockCode'),
      col('Quantity'),
      col('InvoiceDate'),
      col('CustomerID'),
    ];
    expect(rows.length).toBeGreaterThanOrEqual(38_000);
    expect(rows.length).toBeLessThanOrEqual(80_000);

    const cancelled = rows.filter((r) => invoice(r).startsWith('C'));
    expect(share(cancelled.length, rows.length)).toBeCloseTo(0.05, 2);
    expect(cancelled.every((r) => Number(quantity(r)) < 0)).toBe(true);
    expect(
      rows.filter((r) => !invoice(r).startsWith('C')).every((r) => Number(quantity(r)) > 0),
    ).toBe(true);
    expect(share(rows.filter((r) => id(r) === '').length, rows.length)).toBeCloseTo(0.2, 2);

    const linesPerInvoice = new Map<string, number>();
    for (const r of rows)
      linesPerInvoice.set(invoice(r), (linesPerInvoice.get(invoice(r)) ?? 0) + 1);
    expect(rows.length / linesPerInvoice.size).toBeGreaterThan(2);

    const dates = rows.map((r) => ukDay(date(r))).sort();
    expect(daysBetween(dates[0] as string, dates.at(-1) as string)).toBeGreaterThan(360);
    expect(daysBetween(dates[0] as string, dates.at(-1) as string)).toBeLessThan(380);

    const purchases = rows
      .filter((r) => id(r) !== '' && !invoice(r).startsWith('C') && code(r) !== 'POST')
      .map((r): [string, string] => [id(r), ukDay(date(r))]);
    const days = [...daysByCustomer(purchases).values()].map((d) => d.length);
    expect(days.length).toBe(entry('shape-wholesale-1y.csv').customers);
    expect(days.length).toBeGreaterThanOrEqual(1_500);
    expect(days.length).toBeLessThanOrEqual(4_000);
    const heavy = days.filter((n) => n >= 50);
    expect(heavy.length).toBeGreaterThanOrEqual(50);
    expect(share(heavy.length, days.length)).toBeGreaterThan(0.02);
    expect(share(heavy.length, days.length)).toBeLessThan(0.06);
    expect(Math.max(...days)).toBeLessThanOrEqual(200);
    expect(heavy.filter((n) => n >= 100).length).toBeGreaterThanOrEqual(20);
    expect(medianOf(days)).toBeLessThanOrEqual(2);
  });

  it('(b) nochurn-zh: GB18030 bytes with Chinese headers, 3,000 members who never stop', () => {
    const bytes = bytesOf('shape-nochurn-zh.csv');
    // Not UTF-8, and no BOM: only the GB18030 reading gives the headers.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const firstLine = iconv.decode(Buffer.from(bytes), 'gb18030').split('\r\n')[0];
    expect(firstLine).toBe('订单号,会员ID,下单时间,实付金额,门店,支付方式');

    const { rows, col } = table('shape-nochurn-zh.csv');
    const [member, time] = [col('会员ID'), col('下单时间')];
    const byCustomer = daysByCustomer(
      rows.map((r): [string, string] => [member(r), isoDay(time(r))]),
    );
    expect(byCustomer.size).toBe(3_000);
    const all = rows.map((r) => isoDay(time(r))).sort();
    expect(all[0]).toBe('2023-01-01');
    expect(all.at(-1)).toBe('2024-12-31');

    // Members who joined in the first half of 2023 buy as often in the last six months as in
    // their second six months: nobody drops out.
    const early = [...byCustomer.values()].filter((d) => (d[0] as string) < '2023-07-01');
    const count = (from: string, to: string) =>
      early.reduce((n, d) => n + d.filter((x) => x >= from && x < to).length, 0);
    const secondHalf2023 = count('2023-07-01', '2024-01-01');
    const lastHalf2024 = count('2024-07-01', '2025-01-01');
    expect(lastHalf2024 / secondHalf2023).toBeGreaterThan(0.85);
    // For a Poisson buyer the silence at the end is as long as any gap between purchases: few
    // customers with five or more days have been quiet for four of their mean gaps.
    const regulars = [...byCustomer.values()].filter((d) => d.length >= 5);
    const quiet = regulars.filter((d) => {
      const meanGap = daysBetween(d[0] as string, d.at(-1) as string) / (d.length - 1);
      return daysBetween(d.at(-1) as string, '2024-12-31') > 4 * meanGap;
    });
    expect(regulars.length).toBeGreaterThan(500);
    expect(share(quiet.length, regulars.length)).toBeLessThan(0.05);
  });

  it('(c) churned-early: every purchase in the first six months, nothing for 18 months', () => {
    const m = entry('shape-churned-early.csv');
    const { rows, col } = table('shape-churned-early.csv');
    const byCustomer = daysByCustomer(
      rows.map((r): [string, string] => [col('customer_id')(r), col('order_date')(r)]),
    );
    expect(byCustomer.size).toBe(m.customers);
    const firsts = [...byCustomer.values()].map((d) => d[0] as string);
    const lasts = [...byCustomer.values()].map((d) => d.at(-1) as string);
    expect(firsts.every((d) => d >= '2023-01-01' && d < '2023-04-01')).toBe(true);
    expect(lasts.every((d) => d <= '2023-06-30')).toBe(true);
    expect(m.asOf).toBe('2025-01-01');
    expect(daysBetween(lasts.sort().at(-1) as string, m.asOf as string)).toBeGreaterThan(540);
    // Not just one purchase each: there is buying to model before everyone leaves.
    expect(
      share([...byCustomer.values()].filter((d) => d.length > 1).length, byCustomer.size),
    ).toBeGreaterThan(0.5);
  });

  it('(d) one-time: every customer bought exactly once', () => {
    const { rows, col } = table('shape-one-time.csv');
    expect(bytesOf('shape-one-time.csv').subarray(0, 3)).toEqual(
      new Uint8Array([0xef, 0xbb, 0xbf]),
    );
    const ids = rows.map(col('客户ID'));
    expect(new Set(ids).size).toBe(rows.length);
    expect(rows.length).toBe(entry('shape-one-time.csv').customers);
    const days = rows.map((r) => isoDay(col('下单时间')(r))).sort();
    expect(days[0]?.slice(0, 4)).toBe('2024');
    expect(days.at(-1)?.slice(0, 4)).toBe('2024');
  });

  it('(e) small-300: ~2,000 rows of 300 customers over one to two years', () => {
    const { header, rows, col } = table('shape-small-300.csv');
    expect(header).toEqual(['customer_id', 'order_date', 'amount']);
    expect(rows.length).toBeGreaterThan(1_800);
    expect(rows.length).toBeLessThan(2_200);
    expect(new Set(rows.map(col('customer_id'))).size).toBe(300);
    const days = rows.map(col('order_date')).sort();
    const span = daysBetween(days[0] as string, days.at(-1) as string);
    expect(span).toBeGreaterThan(365);
    expect(span).toBeLessThan(731);
    expect(bytesOf('shape-small-300.csv').length).toBeLessThan(60_000);
  });

  it('(f) 50k: ~50,000 rows of ~5,000 customers over two years', () => {
    const { rows, col } = table('shape-50k.csv');
    expect(rows.length).toBeGreaterThan(45_000);
    expect(rows.length).toBeLessThan(55_000);
    expect(new Set(rows.map(col('customer_id'))).size).toBe(5_000);
    const days = rows.map((r) => isoDay(col('order_date')(r))).sort();
    expect(daysBetween(days[0] as string, days.at(-1) as string)).toBeGreaterThan(700);
  });
});

describe('shape files through the engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });

  it.each(manifest.map((m) => [m.file, m] as const))(
    '%s: encoding, mapping and customers as the manifest says',
    async (file, m) => {
      const loaded = await engine.loadCsv(bytesOf(file), file);
      expect(loaded.encoding?.encoding).toBe(m.encoding);
      expect(loaded.encoding?.bom).toBe(m.bom);
      const names = loaded.columns.map((c) => c.name.trim());
      for (const field of FIELDS) {
        const header = m.mapping[field];
        expect(loaded.guess[field], field).toBe(
          header === undefined ? null : names.indexOf(header),
        );
      }
      expect(loaded.columns[loaded.guess.orderDate ?? -1]?.dateFamily).toBe(m.dateFamily);
      const result = await engine.analyse(loaded.datasetId, loaded.guess, {
        asOf: m.asOf,
        scheme: 'rfm11',
      });
      expect(result.summary.rowsRead).toBe(m.rows);
      expect(result.summary.customers).toBe(m.customers);
      expect(result.summary.rowsAfterAsOf).toBe(0);
    },
    60_000,
  );
});

describe('summary shapes for the model benchmark', () => {
  const N = 5_000;
  const shapes = Object.fromEntries(
    SHAPE_NAMES.map((name) => [name, shapeSummary(name, N, 7)]),
  ) as Record<ShapeName, ReturnType<typeof shapeSummary>>;
  const onDayGrid = (v: number) => Math.abs(v * 7 - Math.round(v * 7)) < 1e-9;

  it.each(SHAPE_NAMES)(
    '%s: valid columns on the whole-day grid, reproducible from the seed',
    (name) => {
      const { x, tx, T } = shapes[name];
      const calibration = SHAPES[name].calibrationWeeks;
      expect([x.length, tx.length, T.length]).toEqual([N, N, N]);
      const invalid: number[] = [];
      for (let i = 0; i < N; i++) {
        const [xi, txi, Ti] = [x[i] as number, tx[i] as number, T[i] as number];
        const valid =
          Number.isInteger(xi) &&
          xi >= 0 &&
          onDayGrid(txi) &&
          onDayGrid(Ti) &&
          0 <= txi &&
          txi <= Ti &&
          Ti <= calibration &&
          // x repeat days after the first take at least x days: tₓ ≥ x / 7; tₓ = 0 without any.
          (xi === 0 ? txi === 0 : txi >= xi / 7 - 1e-9);
        if (!valid) invalid.push(i);
      }
      expect(invalid).toEqual([]);
      const again = shapeSummary(name, N, 7);
      expect(again.x).toEqual(x);
      expect(again.T).toEqual(T);
      if (name !== 'one-time') expect(shapeSummary(name, N, 8).x).not.toEqual(x);
    },
  );

  const repeatShare = (s: ReturnType<typeof shapeSummary>) =>
    share(s.x.filter((v) => v > 0).length, s.x.length);
  /** Customers with ≥ 5 repeat days whose silence at the end exceeds four mean gaps. */
  const quietShare = (s: ReturnType<typeof shapeSummary>) => {
    let regulars = 0;
    let quiet = 0;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i] as number;
      if (x < 5) continue;
      regulars++;
      if ((s.T[i] as number) - (s.tx[i] as number) > (4 * (s.tx[i] as number)) / x) quiet++;
    }
    return share(quiet, regulars);
  };

  it('cdnow-like: 39-week calibration, births in 12 weeks, about 40% repeat buyers', () => {
    const s = shapes['cdnow-like'];
    expect(Math.min(...s.T)).toBeGreaterThanOrEqual(27 - 1e-9);
    expect(Math.max(...s.T)).toBeLessThanOrEqual(39);
    // CDNOW: 951 of 2,357 customers bought again in the 39 weeks.
    expect(repeatShare(s)).toBeGreaterThan(0.3);
    expect(repeatShare(s)).toBeLessThan(0.5);
  });

  it('wholesale-1y: a few percent buy on 50–200 days, most on one or two', () => {
    const s = shapes['wholesale-1y'];
    const days = Array.from(s.x, (x) => x + 1);
    const heavy = days.filter((d) => d >= 50);
    expect(share(heavy.length, N)).toBeGreaterThan(0.025);
    expect(share(heavy.length, N)).toBeLessThan(0.045);
    expect(share(heavy.filter((d) => d <= 200).length, heavy.length)).toBeGreaterThan(0.95);
    expect(heavy.filter((d) => d >= 100).length).toBeGreaterThan(0.3 * heavy.length);
    expect(medianOf(days)).toBeLessThanOrEqual(2);
    expect(Math.max(...s.T)).toBeLessThanOrEqual(52);
  });

  it('no-churn: the silence at the end is no longer than a usual gap', () => {
    const s = shapes['no-churn'];
    expect(repeatShare(s)).toBeGreaterThan(0.5);
    expect(quietShare(s)).toBeLessThan(0.05);
    expect(quietShare(shapes['churned-early'])).toBeGreaterThan(0.9);
  });

  it('churned-early: everybody gone at least half a year before the end', () => {
    const s = shapes['churned-early'];
    expect(Math.min(...s.T)).toBeGreaterThanOrEqual(104 - 12 - 1e-9);
    let gone = 0;
    for (let i = 0; i < N; i++) if ((s.T[i] as number) - (s.tx[i] as number) >= 26) gone++;
    expect(share(gone, N)).toBeGreaterThanOrEqual(0.999);
    expect(medianOf(Array.from(s.T, (t, i) => t - (s.tx[i] as number)))).toBeGreaterThan(80);
    expect(repeatShare(s)).toBeGreaterThan(0.5);
  });

  it('one-time: nobody buys again', () => {
    const s = shapes['one-time'];
    expect(s.x.every((v) => v === 0)).toBe(true);
    expect(s.tx.every((v) => v === 0)).toBe(true);
    expect(Math.max(...s.T) - Math.min(...s.T)).toBeGreaterThan(50);
  });
});
