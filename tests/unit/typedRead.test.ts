/**
 * Typed reading (issue 16): the date and amount columns read typed by DuckDB's reader where a
 * sample shows they can be, with the same rows, values and reasons as the all-text read our
 * parsers type; anything the reader refuses or reads more leniently sends the file to text.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_MAPPING, type ColumnMapping } from '../../src/analysis/mapping';
import { DEFAULT_POLICY } from '../../src/analysis/policy';
import { buildTransactionsSql, policyTablesSql } from '../../src/analysis/transactions';
import { parseAmountExpr } from '../../src/ingest/amounts';
import { loadCsvSql } from '../../src/ingest/csv';
import { parseDateExpr } from '../../src/ingest/dateFormats';
import {
  planTypedRead,
  typedReadCheckSql,
  typedReadOptions,
  typedReadServes,
  type ReadType,
  type TypedColumn,
} from '../../src/ingest/typedRead';
import { startEngine, utf8, type TestEngine } from './helpers/engine';

const MAPPING: ColumnMapping = { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, amount: 2 };
const point = () => '.' as const;

describe('which columns are read typed', () => {
  const sample = (date: (string | null)[], amount: (string | null)[]) =>
    new Map([
      [1, date],
      [2, amount],
    ]);

  it('types ISO days, ISO times to the second and plain decimals, each for its own role', () => {
    expect(
      planTypedRead(MAPPING, sample(['2024-03-05', null, ''], ['12.5', '-3', '0']), point),
    ).toEqual([
      { index: 1, type: 'DATE' },
      { index: 2, type: 'DECIMAL(18,4)', decimals: null },
    ]);
    expect(planTypedRead(MAPPING, sample(['2024-03-05 08:26:00'], ['1', '76.30']), point)).toEqual([
      { index: 1, type: 'TIMESTAMP' },
      { index: 2, type: 'DECIMAL(18,4)', decimals: null },
    ]);
    // Money written with two decimals throughout is written back so.
    expect(planTypedRead(MAPPING, sample([], ['76.30', '12.00', '-3.10']), point)).toEqual([
      { index: 2, type: 'DECIMAL(18,4)', decimals: 2 },
    ]);
    const qtyPrice = { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, quantity: 2, unitPrice: 3 };
    const values = new Map([
      [1, ['2024-03-05']],
      [2, ['2']],
      [3, ['9.99']],
    ]);
    expect(planTypedRead(qtyPrice, values, point).map((c) => c.type)).toEqual([
      'DATE',
      'DECIMAL(18,4)',
      'DECIMAL(18,4)',
    ]);
  });

  it('leaves text whatever our parsers must read: other forms, mixed forms, a decimal comma', () => {
    const none = (date: string[], amount: string[], decimal: '.' | ',' = '.') =>
      planTypedRead(MAPPING, sample(date, amount), () => decimal);
    expect(none(['2024/03/05'], ['¥12.50'])).toEqual([]);
    expect(none(['2024-03-05', '2024-03-05 08:26:00'], ['1,234.50'])).toEqual([]);
    expect(none(['05.03.2024'], ['12.5', '12.50 USD'])).toEqual([]);
    expect(none(['2024-03-05T08:26:00'], ['007'])).toEqual([]);
    expect(none([], ['12.5'], ',')).toEqual([]);
    // Amounts beyond DECIMAL(18,4): 15 digits before the point, or five after it.
    expect(none([], ['123456789012345'])).toEqual([]);
    expect(none([], ['1.23456'])).toEqual([]);
    // A date column also mapped as the order id needs its text.
    const both = { ...MAPPING, orderId: 1 };
    expect(planTypedRead(both, sample(['2024-03-05'], ['1']), point)).toEqual([
      { index: 2, type: 'DECIMAL(18,4)', decimals: 0 },
    ]);
  });

  it('keeps a typed read only while the mapping asks each typed column for its typed role', () => {
    const plan: TypedColumn[] = [
      { index: 1, type: 'DATE' },
      { index: 2, type: 'DECIMAL(18,4)' },
    ];
    expect(typedReadServes(plan, MAPPING, '.')).toBe(true);
    expect(typedReadServes(plan, MAPPING, ',')).toBe(false);
    expect(typedReadServes(plan, { ...MAPPING, orderId: 1 }, '.')).toBe(false);
    expect(typedReadServes(plan, { ...MAPPING, customerId: 2 }, '.')).toBe(false);
    // Another column as the amount: the typed one is simply not read.
    expect(typedReadServes(plan, { ...MAPPING, amount: 3 }, '.')).toBe(true);
  });
});

let engine: TestEngine;
beforeAll(async () => {
  engine = await startEngine();
});

describe("DuckDB's reader and our parsers", () => {
  const AMOUNTS = [
    '12.5',
    '12.50',
    '-3',
    '+5',
    '5.',
    '.5',
    '1e3',
    ' 5',
    '5 ',
    '1_000',
    '0x10',
    '1.23456',
    '1.23455',
    '-1.00005',
    '0.00005',
    '99999999999999.9999',
    '999999999999999',
    '1,234',
    'NaN',
    'inf',
    '12.5.',
    '--5',
    '0012',
    '-0',
    '1.2e-3',
    '٣',
    '5\u00a0',
    '12.345678901234567',
    '',
  ];
  const DATES = [
    '2024-03-05',
    '2024-3-5',
    '2024-03-05 08:26:00',
    '2024-03-05T08:26:00',
    '2024-03-05 8:26:00',
    '24-03-05',
    '2024-02-30',
    '2024-13-01',
    '0024-03-05',
    '12024-03-05',
    ' 2024-03-05',
    '2024-03-05 ',
    '2024/03/05',
    '2024-03-05Z',
    '2024-03-05 08:26:00.5',
    '2024-03-05 08:26',
    '2024-03-05 24:00:00',
    '2024-03-05 08:26:00+08',
    '-2024-03-05',
    '2024-03-05 BC',
    'infinity',
    'epoch',
    '2024-03-05 08:26:00 UTC',
    '1900-01-01',
    '2199-12-31',
    '',
  ];

  /** Per value: what the typed read kept (as text; undefined when refused or out of range) and what our parser reads. */
  async function compare(type: ReadType, values: string[], parse: (t: string) => string) {
    const bytes = utf8(`v\n${values.map((v) => `"${v}"`).join('\n')}\n`);
    const file = await engine.core.register('typed-vs-parsed.csv', bytes);
    const plan = [{ index: 0, type }];
    try {
      const { sql } = engine;
      await sql.run(loadCsvSql(file, 'tp_typed', 'tp_rej', null, typedReadOptions(1, plan)));
      await sql.run(loadCsvSql(file, 'tp_text', 'tp_rej2'));
      const kept = await sql.rows<{ row: number; v: string | null; out: boolean }>(
        `SELECT rowid AS row, CAST(${type === 'DECIMAL(18,4)' ? '#1' : 'CAST(#1 AS DATE)'} AS VARCHAR) AS v,
           ${type === 'DECIMAL(18,4)' ? 'false' : `NOT (CAST(#1 AS DATE) BETWEEN DATE '1901-01-01' AND DATE '2199-12-31')`} AS out
         FROM tp_typed`,
      );
      const refused = await sql.rows<{ line: number }>(`SELECT line FROM tp_rej`);
      const parsed = await sql.rows<{ t: string | null; p: string | null }>(
        `SELECT #1 AS t, CAST(${parse('#1')} AS VARCHAR) AS p FROM tp_text`,
      );
      return { kept, refused: refused.map((r) => r.line), parsed };
    } finally {
      for (const t of ['tp_typed', 'tp_text', 'tp_rej', 'tp_rej_scan', 'tp_rej2', 'tp_rej2_scan'])
        engine.sql.runNow(`DROP TABLE IF EXISTS ${t}`);
      engine.core.unregister(file);
    }
  }

  /** Rows the typed read keeps line up with the text rows once the refused lines are skipped. */
  function agreement(r: Awaited<ReturnType<typeof compare>>): { kept: number; differ: string[] } {
    const lines = r.parsed.map((_, i) => i + 2).filter((line) => !r.refused.includes(line));
    const differ: string[] = [];
    let kept = 0;
    r.kept.forEach((k, i) => {
      const p = r.parsed[(lines[i] as number) - 2];
      if (k.out) return; // found by typedReadCheckSql: the file is read as text
      kept++;
      if (k.v !== (p?.p ?? null))
        differ.push(`${JSON.stringify(p?.t)}: reader ${k.v}, ours ${p?.p}`);
    });
    return { kept, differ };
  }

  it('read every amount they accept as we do', async () => {
    const r = agreement(await compare('DECIMAL(18,4)', AMOUNTS, (t) => parseAmountExpr(t, '.')));
    expect(r.differ).toEqual([]);
    expect(r.kept).toBeGreaterThan(15);
  });

  it('read every day they accept as we do, once days outside 1901–2199 are set aside', async () => {
    for (const type of ['DATE', 'TIMESTAMP'] as const) {
      const r = agreement(await compare(type, DATES, (t) => parseDateExpr(t, 'ymd')));
      expect(r.differ, type).toEqual([]);
      expect(r.kept, type).toBeGreaterThan(type === 'DATE' ? 5 : 2);
    }
  });

  it('would differ without the day check (so the check is needed)', async () => {
    const r = await compare('DATE', ['24-03-05', 'epoch'], (t) => parseDateExpr(t, 'ymd'));
    expect(r.kept.map((k) => k.out)).toEqual([true, true]);
    const sql = typedReadCheckSql('t', 'r', [{ index: 1, type: 'DATE' }]);
    expect(sql).toContain("BETWEEN DATE '1901-01-01' AND DATE '2199-12-31'");
  });
});

/** Whether the dataset's file was kept as a typed read. */
async function readTyped(id: number): Promise<boolean> {
  const rows = await engine.sql.rows<{ n: number }>(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'rawtyped_${id}'`,
  );
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * Rows of `tx_<id>` that the same bytes read as text and typed by our parsers do not give, and
 * the reverse: the all-text path built here from the same builders.
 */
async function differenceFromText(
  id: number,
  bytes: Uint8Array,
  mapping: ColumnMapping,
): Promise<number> {
  const { sql } = engine;
  const file = await engine.core.register('as-text.csv', bytes);
  try {
    await sql.run(loadCsvSql(file, 'eq_raw', 'eq_rej'));
    for (const s of policyTablesSql('eq_pol', DEFAULT_POLICY.cancelledOrderPrefix, []))
      sql.runWithParams(s.sql, s.params);
    const columns = await sql.rows(`DESCRIBE eq_raw`);
    await sql.run(
      buildTransactionsSql({
        rawTable: 'eq_raw',
        outTable: 'eq_tx',
        mapping,
        dateFamily: 'ymd',
        decimal: '.',
        columnCount: columns.length,
        policy: { ...DEFAULT_POLICY, nonProductCodes: [] },
        policyTable: 'eq_pol',
      }),
    );
    const { n } = await sql.row<{ n: number }>(
      `SELECT (SELECT count(*) FROM (SELECT * FROM tx_${id} EXCEPT ALL SELECT * FROM eq_tx))
        + (SELECT count(*) FROM (SELECT * FROM eq_tx EXCEPT ALL SELECT * FROM tx_${id})) AS n`,
    );
    return n;
  } finally {
    for (const t of ['eq_raw', 'eq_rej', 'eq_rej_scan', 'eq_pol', 'eq_pol_codes', 'eq_tx'])
      sql.runNow(`DROP TABLE IF EXISTS ${t}`);
    engine.core.unregister(file);
  }
}

const POLICY = { ...DEFAULT_POLICY, nonProductCodes: [] };

describe('a file read typed', () => {
  const row = fc.record({
    customer: fc.oneof(
      fc.integer({ min: 1, max: 40 }).map((n) => `C${n}`),
      fc.constant(''),
    ),
    day: fc.oneof(
      fc
        .date({ min: new Date('2022-01-01'), max: new Date('2024-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      fc.constant(''),
    ),
    amount: fc.oneof(
      fc.integer({ min: -50000, max: 500000 }).map((c) => (c / 100).toFixed(c % 3 === 0 ? 0 : 2)),
      fc.constantFrom('0', '-0', '', '12.5'),
    ),
  });

  it('gives the rows, values and reasons the all-text read gives (seeded files)', async () => {
    let typedRuns = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 300 }), async (rows) => {
        // A duplicate of the first row, written alike, is always present.
        const lines = rows.map((r) => `${r.customer},${r.day},${r.amount}`);
        const bytes = utf8(['customer_id,order_date,amount', ...lines, lines[0]].join('\n'));
        const loaded = await engine.loadCsv(bytes, 'seeded.csv').catch(() => null);
        if (!loaded) return; // no date or amount in the file: refused before any typing
        const id = loaded.datasetId;
        try {
          if (await readTyped(id)) typedRuns++;
          try {
            await engine.analyse(id, loaded.guess, { asOf: null, scheme: 'rfm11', policy: POLICY });
          } catch {
            // no usable row: nothing to compare but the rows typed
          }
          const present = await engine.sql.rows(
            `SELECT 1 FROM duckdb_tables() WHERE table_name = 'tx_${id}'`,
          );
          if (present.length > 0) expect(await differenceFromText(id, bytes, loaded.guess)).toBe(0);
        } finally {
          engine.drop(id);
        }
      }),
      { numRuns: 12, seed: 16 },
    );
    expect(typedRuns).toBeGreaterThan(6);
  });

  it('compares a typed column by value when it looks for duplicate rows (12.5 and 12.50 are alike)', async () => {
    const lines = clean(100);
    const bytes = utf8(
      ['customer_id,order_date,amount', ...lines, 'C1,2024-05-05,12.5', 'C1,2024-05-05,12.50'].join(
        '\n',
      ),
    );
    const loaded = await engine.loadCsv(bytes, 'dup.csv');
    const id = loaded.datasetId;
    expect(await readTyped(id)).toBe(true);
    await engine.analyse(id, loaded.guess, { asOf: null, scheme: 'rfm11', policy: POLICY });
    const rows = await engine.sql.rows<{ reason: string | null }>(
      `SELECT excluded_reason AS reason FROM tx_${id} WHERE source_row > 100 ORDER BY source_row`,
    );
    expect(rows.map((r) => r.reason)).toEqual([null, 'duplicate_row']);
    engine.drop(id);
  });

  const clean = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `C${i % 97},2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},${(i % 50) + 0.5}`,
    );

  it('is kept for a clean file, and the text view reads as the file', async () => {
    const bytes = utf8(['customer_id,order_date,amount', ...clean(300)].join('\n'));
    const loaded = await engine.loadCsv(bytes, 'clean.csv');
    const id = loaded.datasetId;
    expect(await readTyped(id)).toBe(true);
    const first = await engine.sql.rows<{ a: string; b: string; c: string; rowid: number }>(
      `SELECT #1 AS a, #2 AS b, #3 AS c, rowid FROM raw_${id} ORDER BY rowid LIMIT 2`,
    );
    expect(first).toEqual([
      { a: 'C0', b: '2024-01-01', c: '0.5', rowid: 0 },
      { a: 'C1', b: '2024-02-02', c: '1.5', rowid: 1 },
    ]);
    await engine.analyse(id, loaded.guess, { asOf: null, scheme: 'rfm11', policy: POLICY });
    expect(await differenceFromText(id, bytes, loaded.guess)).toBe(0);
    engine.drop(id);
  });

  it('writes amounts back as the file did: with its decimals, and whole where they differ', async () => {
    const lines = Array.from(
      { length: 5100 },
      (_, i) =>
        `C${i % 97},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${(i % 50) + 10}.${i % 2 ? '30' : '05'}`,
    );
    // Past the 5,000 rows sampled: three decimals, and none.
    lines[5050] = 'C1,2024-02-01,12.345';
    lines[5051] = 'C1,2024-02-02,7';
    const bytes = utf8(['customer_id,order_date,amount', ...lines].join('\n'));
    const loaded = await engine.loadCsv(bytes, 'decimals.csv');
    const id = loaded.datasetId;
    expect(await readTyped(id)).toBe(true);
    const text = await engine.sql.rows<{ c: string }>(
      `SELECT #3 AS c FROM raw_${id} WHERE rowid IN (0, 1, 5050, 5051) ORDER BY rowid`,
    );
    expect(text.map((r) => r.c)).toEqual(['10.05', '11.30', '12.345', '7.00']);
    engine.drop(id);
  });

  it('gives way to text when a value past the sample is one only our parsers read', async () => {
    for (const [odd, expected] of [
      ['¥1,234.50', 1234.5],
      ['2024/03/05', null],
      ['0024-03-05', null],
    ] as const) {
      const lines = clean(5200);
      // Row 5101: past the 5000 rows sampled.
      lines[5100] = odd.startsWith('¥') ? `C1,2024-03-05,"${odd}"` : `C1,${odd},7`;
      const bytes = utf8(['customer_id,order_date,amount', ...lines].join('\n'));
      const loaded = await engine.loadCsv(bytes, 'odd.csv');
      const id = loaded.datasetId;
      expect(await readTyped(id), odd).toBe(false);
      const result = await engine.analyse(id, loaded.guess, {
        asOf: null,
        scheme: 'rfm11',
        policy: POLICY,
      });
      expect(result.quality.rowsRead).toBe(5200);
      if (expected !== null) {
        const { amount } = await engine.sql.row<{ amount: number }>(
          `SELECT CAST(amount AS DOUBLE) AS amount FROM tx_${id} WHERE source_row = 5101`,
        );
        expect(amount).toBe(expected);
      }
      expect(await differenceFromText(id, bytes, loaded.guess)).toBe(0);
      engine.drop(id);
    }
  });

  it('is read again as text when the analyst gives a typed column another role', async () => {
    const bytes = utf8(
      ['customer_id,order_date,amount,ref', ...clean(200).map((l, i) => `${l},R${i}`)].join('\n'),
    );
    const loaded = await engine.loadCsv(bytes, 'remap.csv');
    const id = loaded.datasetId;
    expect(await readTyped(id)).toBe(true);
    // The date column also as the order id: its text is needed.
    const mapping = { ...loaded.guess, orderId: loaded.guess.orderDate };
    const result = await engine.analyse(id, mapping, {
      asOf: null,
      scheme: 'rfm11',
      policy: POLICY,
    });
    expect(await readTyped(id)).toBe(false);
    expect(result.summary.customers).toBe(97);
    expect(await differenceFromText(id, bytes, mapping)).toBe(0);
    const views = await engine.sql.rows(
      `SELECT 1 FROM duckdb_views() WHERE view_name = 'raw_${id}'`,
    );
    expect(views).toEqual([]);
    engine.drop(id);
    const left = await engine.sql.rows(
      `SELECT 1 FROM duckdb_tables() WHERE table_name LIKE '%\\_${id}' ESCAPE '\\'`,
    );
    expect(left).toEqual([]);
  });
});
