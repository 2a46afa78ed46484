import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBBindings } from 'duckdb-wasm-browser-blocking';
import { EngineError } from '../../src/engine/errors';
import { loadCsvSql } from '../../src/ingest/csv';
import {
  epochText,
  excelNumberText,
  float32Text,
  plainDecimal,
  scaledDecimal,
  sheetDateText,
} from '../../src/ingest/formats/cellText';
import { detectFormat } from '../../src/ingest/formats/detectFormat';
import { jsonToCsv } from '../../src/ingest/formats/json';
import { quoteLongNumbers } from '../../src/ingest/formats/jsonLongNumbers';
import { findJsonSyntaxError } from '../../src/ingest/formats/jsonSyntaxError';
import { parquetToCsv } from '../../src/ingest/formats/parquet';
import { chooseDataSheet, tableRange } from '../../src/ingest/formats/sheetRange';
import {
  CSV_DIALECT_OPTIONS,
  CsvBuilder,
  uniqueHeaders,
  type TableText,
} from '../../src/ingest/formats/toCsv';
import { xlsxToCsv } from '../../src/ingest/formats/xlsx';
import { SqlRunner } from '../../workers/sqlRunner';
import { FIXTURES_DIR } from '../../scripts/generate-fixtures.mjs';
import {
  NOTES_LINES,
  englishOrders,
  jsonOrders,
  ordersParquetBytes,
  ordersWorkbookBytes,
  parquetOrders,
  sheetOrders,
} from '../../scripts/fixtures/formats.mjs';
import { startDuckDB, utf8 } from './helpers/engine';

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));

let db: DuckDBBindings;
let sql: SqlRunner;
let loads = 0;

beforeAll(async () => {
  db = await startDuckDB();
  sql = new SqlRunner(db);
  await sql.run('SET autoload_known_extensions = false');
});

/** The pipeline's read_csv with the dialect of our CSV stated (CSV_DIALECT_OPTIONS). */
function loadConvertedSql(file: string, table: string, rejects: string): string {
  const load = loadCsvSql(file, table, rejects);
  const stated = load.replace('header = true,', `header = true, ${CSV_DIALECT_OPTIONS},`);
  expect(stated).not.toBe(load);
  return stated;
}

/**
 * The table as DuckDB reads its CSV with the pipeline's own read_csv options, the dialect stated
 * (or, with `sniffed`, left to read_csv to guess, as loadCsvSql alone does).
 */
async function readBack(
  table: TableText,
  sniffed = false,
): Promise<{ columns: string[]; rows: (string | null)[][] }> {
  const n = ++loads;
  db.registerFileBuffer(`t${n}.csv`, table.csv);
  const load = sniffed ? loadCsvSql : loadConvertedSql;
  await sql.run(load(`t${n}.csv`, `t${n}`, `rejects${n}`));
  const rejected = await sql.row<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM rejects${n}`);
  expect(rejected.n).toBe(0);
  const arrow = await sql.table(`SELECT * FROM t${n}`);
  const columns = arrow.schema.fields.map((f) => f.name);
  const vectors = columns.map((_, i) => [...(arrow.getChildAt(i) ?? [])] as (string | null)[]);
  const rows = Array.from({ length: arrow.numRows }, (_, r) => vectors.map((v) => v[r] ?? null));
  db.dropFile(`t${n}.csv`);
  return { columns, rows };
}

async function engineError(work: () => unknown): Promise<EngineError> {
  try {
    await work();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

/** The archive with every occurrence of an entry name replaced by one of the same length. */
function renameZipEntry(zip: Uint8Array, from: string, to: string): Uint8Array {
  const [a, b] = [utf8(from), utf8(to)];
  const out = zip.slice();
  for (let i = 0; i + a.length <= out.length; i++) {
    if (a.every((byte, k) => out[i + k] === byte)) out.set(b, i);
  }
  return out;
}

/** Excel and Parquet show naive wall time; the fixtures hold it as UTC instants. */
const isoWallTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
const excelShows = (d: Date) => {
  const text = isoWallTime(d);
  return text.endsWith(' 00:00:00') ? text.slice(0, 10) : text;
};

describe('detectFormat', () => {
  it('recognises every fixture by its content', () => {
    const expected: Record<string, string> = {
      'orders.xlsx': 'xlsx',
      'orders-en.xlsx': 'xlsx',
      'orders-truncated.xlsx': 'xlsx',
      'orders.parquet': 'parquet',
      'orders-truncated.parquet': 'parquet',
      'types-gzip.parquet': 'parquet',
      'orders.json': 'json',
      'orders-wrapped.json': 'json',
      'not-records.json': 'json',
      'orders.ndjson': 'ndjson',
      'orders-bad-line.ndjson': 'ndjson',
      'fake.xls': 'xls',
    };
    for (const [name, format] of Object.entries(expected)) {
      expect([name, detectFormat(fixture(name), name)]).toEqual([name, format]);
    }
  });

  it('trusts the content over a lying extension', () => {
    expect(detectFormat(fixture('orders.parquet'), 'orders.csv')).toBe('parquet');
    expect(detectFormat(fixture('orders.xlsx'), 'orders.bin')).toBe('xlsx');
    expect(detectFormat(fixture('orders.ndjson'), 'orders.csv')).toBe('ndjson');
    expect(detectFormat(fixture('orders.json'), 'orders.txt')).toBe('json');
    expect(detectFormat(utf8('客户ID,金额\n00123,12.5\n'), 'orders.xlsx')).toBe('delimited');
    expect(detectFormat(utf8('id,amount\n1,2\n'), 'orders.json')).toBe('delimited');
    expect(detectFormat(fixture('fake.xls'), 'orders.csv')).toBe('xls');
  });

  it('finds the workbook in the first kilobyte of an xlsx, and tells other zips apart', () => {
    expect(detectFormat(fixture('orders.xlsx').subarray(0, 1024), 'x.bin')).toBe('xlsx');
    // The same archive with its xl/ entries renamed is just a zip …
    const zip = renameZipEntry(fixture('orders.xlsx'), 'xl/', 'xx/');
    expect(detectFormat(zip, 'archive.zip')).toBe('zip');
    // … unless too little of it is there to tell, when the name decides.
    expect(detectFormat(fixture('orders.xlsx').subarray(0, 20), 'orders.xlsx')).toBe('xlsx');
    expect(detectFormat(fixture('orders.xlsx').subarray(0, 20), 'orders.zip')).toBe('zip');
  });

  it('tells JSON from delimited text that starts with a bracket', () => {
    expect(detectFormat(utf8('[CustomerID],[OrderDate]\n1,2024-01-01\n'), 'x.csv')).toBe(
      'delimited',
    );
    expect(detectFormat(utf8('{id},{amount}\n1,2\n'), 'x.csv')).toBe('delimited');
    expect(detectFormat(utf8('[10.0.0.1]\n[192.168.0.1]\n'), 'ips.csv')).toBe('delimited');
    const linesAndGarbage = '{"a": 0}\n[not json]\n{"a": 1}\n';
    expect(detectFormat(utf8(linesAndGarbage), 'x.csv')).toBe('delimited');
    expect(detectFormat(utf8(linesAndGarbage), 'x.jsonl')).toBe('ndjson');
    // A head cut inside a long array is still JSON.
    const longArray = `[${Array.from({ length: 4000 }, (_, i) => `{"id": ${i}, "ok": true}`).join(', ')}]`;
    expect(detectFormat(utf8(longArray).subarray(0, 70_000), 'x')).toBe('json');
    expect(detectFormat(utf8('\uFEFF  [\n  {"a": 1}\n]'), 'x.txt')).toBe('json');
    expect(detectFormat(utf8('{\n  "data": [\n    {"a": 1}\n  ]\n}'), 'x')).toBe('json');
    expect(detectFormat(utf8('{"a": 1}\n{"a": 2}\n'), 'x')).toBe('ndjson');
    expect(detectFormat(utf8('{"a": 1}\n'), 'x.jsonl')).toBe('ndjson');
    expect(detectFormat(utf8('[oops'), 'broken.json')).toBe('json');
    const utf16 = new Uint8Array([
      0xff,
      0xfe,
      ...new Uint8Array(new Uint16Array([...'[{"a":1}]'].map((c) => c.charCodeAt(0))).buffer),
    ]);
    expect(detectFormat(utf16, 'x')).toBe('json');
  });

  it('recognises compressed and binary files', () => {
    expect(detectFormat(new Uint8Array([0x1f, 0x8b, 8, 0]), 'orders.csv.gz')).toBe('gzip');
    expect(detectFormat(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0]), 'orders.zst')).toBe('zstd');
    const png = new Uint8Array(64);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(detectFormat(png, 'x.csv')).toBe('binary');
  });
});

describe('cell text', () => {
  it('writes numbers as plain shortest decimals, never with an exponent', () => {
    expect(plainDecimal(17850)).toBe('17850');
    expect(plainDecimal(0.1)).toBe('0.1');
    expect(plainDecimal(1e21)).toBe('1000000000000000000000');
    expect(plainDecimal(-1.5e-7)).toBe('-0.00000015');
    expect(plainDecimal(1.2345e22)).toBe('12345000000000000000000');
    expect(plainDecimal(-0)).toBe('0');
    for (const n of [5e-324, 1.7976931348623157e308, 123.456e-20, -9.87654321e25]) {
      expect(plainDecimal(n)).toMatch(/^-?\d+(\.\d+)?$/);
      expect(Number(plainDecimal(n))).toBe(n);
    }
  });

  it('rounds to what Excel and FLOAT columns show', () => {
    expect(excelNumberText(0.1 + 0.2)).toBe('0.3');
    expect(excelNumberText(1234.5600000000002)).toBe('1234.56');
    expect(excelNumberText(17850)).toBe('17850');
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(Math.fround(123.456))).toBe('123.456');
  });

  it('writes DECIMAL storage exactly', () => {
    expect(scaledDecimal(12345n, 2)).toBe('123.45');
    expect(scaledDecimal(-5n, 3)).toBe('-0.005');
    expect(scaledDecimal(0n, 2)).toBe('0.00');
    expect(scaledDecimal(12n, -2)).toBe('1200');
  });

  it('writes instants as naive UTC wall time, exact to the unit', () => {
    expect(epochText(-1n, 1_000_000n)).toBe('1969-12-31 23:59:59.999999');
    expect(epochText(1_709_632_800_500n, 1_000n)).toBe('2024-03-05 10:00:00.5');
    expect(epochText(0n, 1_000n)).toBe('1970-01-01 00:00:00');
  });

  it('shows sheet dates to the second, without a time at midnight', () => {
    const oneOClock = Date.UTC(2024, 2, 5, 13);
    expect(sheetDateText(oneOClock - 0.4)).toBe('2024-03-05 13:00:00');
    expect(sheetDateText(Date.UTC(2024, 2, 5) + 0.3)).toBe('2024-03-05');
    expect(sheetDateText(Date.UTC(2024, 2, 5, 23, 59, 59, 600))).toBe('2024-03-06');
  });
});

describe('CSV text', () => {
  it('names blank headers by position and makes repeats unique, ignoring case', () => {
    expect(uniqueHeaders(['id', null, ' ', 'Amount', 'amount', 'amount_2', ' x '])).toEqual([
      'id',
      'column_2',
      'column_3',
      'Amount',
      'amount_3',
      'amount_2',
      'x',
    ]);
    expect(uniqueHeaders([null, 'a'], [4, 7])).toEqual(['column_5', 'a']);
  });

  it('reads back through read_csv unchanged: commas, quotes, line breaks, spaces, Chinese', async () => {
    const values = [
      ['a, b', 'say "hi"', 'line 1\nline 2', 'crlf\r\nend'],
      ['  padded  ', '', '上海市浦东新区', '"'],
      ['x;y;z', 'tab\there', '\\', 'null'],
      ['\uFEFFbom', '\uFEFF', '0012', '  '],
      ['12\\" pizza', '{"a":"\\""}', '\\",\t', 'C:\\dir\\'],
    ];
    const csv = new CsvBuilder(['甲', '乙', 'c', 'd']);
    for (const row of values) csv.addRow(row);
    const back = await readBack(csv.finish());
    expect(back.columns).toEqual(['甲', '乙', 'c', 'd']);
    // Empty strings read as NULL, and read_csv drops a byte-order mark that starts a field.
    expect(back.rows).toEqual([
      ['a, b', 'say "hi"', 'line 1\nline 2', 'crlf\r\nend'],
      ['  padded  ', null, '上海市浦东新区', '"'],
      ['x;y;z', 'tab\there', '\\', 'null'],
      ['bom', null, '0012', '  '],
      ['12\\" pizza', '{"a":"\\""}', '\\",\t', 'C:\\dir\\'],
    ]);
  });

  it('leaves a sniffing read_csv one reading: every field is quoted', async () => {
    for (const separator of [';', '\t', '|']) {
      const values = ['a', 'b', 'c'].map((v) => `${v}1${separator}${v}2`);
      const single = new CsvBuilder(['only']);
      for (const v of values) single.addRow([v]);
      expect((await readBack(single.finish(), true)).rows).toEqual(values.map((v) => [v]));
    }
  });

  it('keeps the rows of a one-column table whose values are missing', async () => {
    const csv = new CsvBuilder(['only']);
    for (const v of ['a;b', null, '', 'c;d']) csv.addRow([v]);
    const back = await readBack(csv.finish());
    expect(back.rows).toEqual([['a;b'], [null], [null], ['c;d']]);
  });
});

describe('xlsxToCsv', () => {
  it('reads the data sheet, not the notes sheet before it, with every value as Excel shows it', async () => {
    const table = await xlsxToCsv(fixture('orders.xlsx'), 'orders.xlsx', null);
    expect(table.sheets).toEqual(['说明', '订单']);
    expect(table.sheet).toBe('订单');
    expect(table.headerRow).toBe(1);
    expect(table.columns).toEqual(['客户ID', '下单日期', '订单金额', '城市']);
    const orders = sheetOrders();
    expect(table.rows).toBe(orders.length);
    const back = await readBack(table);
    expect(back.columns).toEqual(table.columns);
    expect(back.rows).toEqual(
      orders.map((o) => [o.id, excelShows(o.date), String(o.amount), o.city]),
    );
    // Spot checks of the forms that matter: leading zeros, a time of day, 0.1, a whole number.
    expect(back.rows.some((r) => r[0]?.startsWith('00'))).toBe(true);
    expect(back.rows.some((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r[1] ?? ''))).toBe(true);
    expect(back.rows.map((r) => r[2])).toContain('0.1');
    expect(back.rows.some((r) => /^\d+$/.test(r[2] ?? ''))).toBe(true);
  });

  it('reads the sheet the analyst picks', async () => {
    const table = await xlsxToCsv(fixture('orders.xlsx'), 'orders.xlsx', '说明');
    expect(table.sheet).toBe('说明');
    expect(table.columns).toEqual([NOTES_LINES[0]]);
    expect((await readBack(table)).rows).toEqual(NOTES_LINES.slice(1).map((l) => [l]));
  });

  it('skips empty rows above the header', async () => {
    const table = await xlsxToCsv(fixture('orders-en.xlsx'), 'orders-en.xlsx', null);
    expect(table.sheets).toEqual(['Orders']);
    expect(table.headerRow).toBe(3);
    expect(table.columns).toEqual(['CustomerID', 'InvoiceDate', 'Amount', 'Country']);
    const orders = englishOrders();
    expect((await readBack(table)).rows).toEqual(
      orders.map((o) => [o.customer, excelShows(o.date), String(o.amount), o.country]),
    );
  });

  it('shows the same dates in every time zone', async () => {
    const before = process.env.TZ;
    const outputs: string[] = [];
    const offsets = new Set<number>();
    try {
      for (const tz of ['America/New_York', 'Asia/Shanghai', 'UTC']) {
        process.env.TZ = tz;
        offsets.add(new Date(2024, 0, 15).getTimezoneOffset());
        const table = await xlsxToCsv(fixture('orders.xlsx'), 'orders.xlsx', null);
        outputs.push(new TextDecoder().decode(table.csv));
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
    expect(offsets.size).toBe(3); // the zone really changed
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });

  it('handles blank and repeated headers, empty columns, booleans and awkward numbers', async () => {
    const table = await xlsxToCsv(fixture('edge-cases.xlsx'), 'edge-cases.xlsx', null);
    expect(table.sheet).toBe('Sheet1');
    expect(table.columns).toEqual(['id', 'amount', 'amount_2', 'column_5', 'note', 'flag']);
    expect((await readBack(table)).rows).toEqual([
      ['007', '0.3', '17850', 'x', 'a, "quoted"\nnote', 'TRUE'],
      ['008', '1000000000000000000000', '0.000001', null, '  spaced  ', 'FALSE'],
      ['009', '-1234.5', '123456789012', null, '=not a formula', null],
      [null, null, null, null, null, null], // kept, so data row i stays sheet row headerRow + i
      ['010', '3', '4', null, '中文备注', 'TRUE'],
    ]);
  });

  it('reads a long sheet on a slow machine (read-excel-file sizes its chunks by the clock)', async () => {
    const orders = sheetOrders(3000);
    const bytes = await ordersWorkbookBytes(3000);
    const now = Date.now;
    let fake = now();
    Date.now = () => (fake += 10); // every chunk seems to take 10 ms
    try {
      const table = await xlsxToCsv(bytes, 'long.xlsx', null);
      expect(table.rows).toBe(orders.length);
    } finally {
      Date.now = now;
    }
    expect(Date.now).toBe(now);
  });

  it('names the sheets when the one asked for is missing or empty', async () => {
    const missing = await engineError(() =>
      xlsxToCsv(fixture('edge-cases.xlsx'), 'edge-cases.xlsx', 'Orders'),
    );
    expect(missing.code).toBe('sheet_not_found');
    expect(missing.details).toMatchObject({ sheet: 'Orders', sheets: ['Sheet1', '空表'] });
    const empty = await engineError(() =>
      xlsxToCsv(fixture('edge-cases.xlsx'), 'edge-cases.xlsx', '空表'),
    );
    expect(empty.code).toBe('sheet_empty');
    expect(empty.details).toMatchObject({ sheet: '空表', sheets: ['Sheet1'] });
  });

  it('reports a damaged workbook and a legacy .xls by name', async () => {
    const truncated = await engineError(() =>
      xlsxToCsv(fixture('orders-truncated.xlsx'), 'orders-truncated.xlsx', null),
    );
    expect(truncated.code).toBe('file_damaged');
    expect(truncated.details).toMatchObject({ file: 'orders-truncated.xlsx' });
    expect(String(truncated.details.message)).not.toBe('');
    const xls = await engineError(() => xlsxToCsv(fixture('fake.xls'), 'fake.xls', null));
    expect(xls.code).toBe('unsupported_format');
    expect(String(xls.details.format)).toContain('.xls');
    // An .xlsb names its workbook xl/workbook.bin: renaming the entry makes one, as far as a
    // reader can tell.
    const xlsb = renameZipEntry(fixture('orders.xlsx'), 'xl/workbook.xml', 'xl/workbook.bin');
    const binary = await engineError(() => xlsxToCsv(xlsb, 'orders.xlsb', null));
    expect(binary.code).toBe('unsupported_format');
    expect(String(binary.details.format)).toContain('.xlsb');
  });

  it('ends in a table or file_damaged whatever bytes of the archive are broken', async () => {
    const original = fixture('orders.xlsx');
    for (let k = 1; k <= 12; k++) {
      const broken = original.slice();
      const at = Math.floor((broken.length * k) / 13);
      for (let i = at; i < Math.min(at + 16, broken.length); i++)
        broken[i] = (broken[i] ?? 0) ^ 0x5a;
      try {
        const table = await xlsxToCsv(broken, 'broken.xlsx', null);
        expect(table.columns.length).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toBeInstanceOf(EngineError);
        expect((e as EngineError).code).toBe('file_damaged');
      }
    }
  });
});

describe('chooseDataSheet', () => {
  const blank = (c: string | null | undefined) => c === null || c === undefined || c === '';
  it('prefers rows of several values, then a sheet not named like notes, then the first', () => {
    const notes = { name: '说明', rows: Array.from({ length: 50 }, () => ['line']) };
    const data = {
      name: 'Sheet2',
      rows: [
        ['a', 'b'],
        ['1', '2'],
      ],
    };
    expect(chooseDataSheet([notes, data], blank)).toBe(1);
    const keyValueNotes = {
      name: '填写说明',
      rows: [
        ['字段', '含义'],
        ['a', 'b'],
      ],
    };
    expect(chooseDataSheet([keyValueNotes, data], blank)).toBe(1);
    expect(chooseDataSheet([data, { ...data, name: 'Copy' }], blank)).toBe(0);
  });

  it('finds the table below blank rows and drops empty columns', () => {
    const rows = [[], [null, null], [null, 'id', null, 'x'], [null, '1', null, null], [], []];
    expect(tableRange(rows, blank)).toEqual({ headerRow: 2, lastRow: 3, columns: [1, 3] });
    expect(tableRange([[null], []], blank)).toBeNull();
  });
});

describe('parquetToCsv', () => {
  it('reads every row group with exact values', async () => {
    const table = await parquetToCsv(fixture('orders.parquet'), 'orders.parquet');
    expect(table.columns).toEqual(['customer_id', 'order_date', 'amount', 'quantity']);
    const orders = parquetOrders();
    expect(table.rows).toBe(orders.length);
    const back = await readBack(table);
    expect(back.rows).toEqual(
      orders.map((o) => [
        o.customer_id,
        isoWallTime(o.order_date),
        String(o.amount),
        String(o.quantity),
      ]),
    );
  });

  // Stored values and their text are listed beside PARQUET_TYPES in scripts/fixtures/formats.mjs.
  const typedRows = [
    [
      '2024-03-05',
      '2024-03-05 10:00:00.123456',
      '2024-03-05 10:00:00.000000001',
      '123.45',
      '12345678901234.5678',
      '12345678901234567890.123',
      'true',
      '0.1',
      '9007199254740993',
      '17850',
      '00123',
      '["a","b"]',
    ],
    [
      '1970-01-01',
      '1970-01-01 00:00:00',
      null,
      '-0.05',
      '-0.0001',
      '-12.345',
      'false',
      '1.5',
      '-42',
      '0.1',
      null,
      '[]',
    ],
    [
      '1969-12-31',
      null,
      '2024-03-05 10:00:00',
      '0.00',
      null,
      null,
      null,
      null,
      null,
      '1000000000000000000000',
      null,
      null,
    ],
    [
      null,
      '1969-12-31 23:59:59.999999',
      '1970-01-01 00:00:00.000000005',
      null,
      '0.0100',
      '0.001',
      'true',
      '-2.25',
      '0',
      '0.0000001',
      '上海, "浦东"',
      '["中"]',
    ],
  ];

  for (const codec of ['snappy', 'gzip', 'brotli']) {
    it(`turns each Parquet type into exact text (${codec})`, async () => {
      const table = await parquetToCsv(fixture(`types-${codec}.parquet`), 'types.parquet');
      expect(table.columns).toEqual([
        'date_days',
        'ts_micros',
        'ts_nanos',
        'dec_int32',
        'dec_int64',
        'dec_fixed',
        'flag',
        'ratio',
        'big',
        'amount',
        'label',
        'tags',
      ]);
      expect((await readBack(table)).rows).toEqual(typedRows);
    });
  }

  it('stops when the load is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await engineError(() =>
      parquetToCsv(fixture('orders.parquet'), 'orders.parquet', controller.signal),
    );
    expect(error.code).toBe('cancelled');
  });

  it('keeps the header of a file without rows', async () => {
    const table = await parquetToCsv(ordersParquetBytes([]), 'empty.parquet');
    expect(table.rows).toBe(0);
    expect(table.columns).toEqual(['customer_id', 'order_date', 'amount', 'quantity']);
  });

  it('reports a truncated or corrupted file as damaged', async () => {
    const truncated = await engineError(() =>
      parquetToCsv(fixture('orders-truncated.parquet'), 'orders-truncated.parquet'),
    );
    expect(truncated.code).toBe('file_damaged');
    expect(truncated.details).toMatchObject({
      file: 'orders-truncated.parquet',
      format: 'Parquet',
    });
    const original = fixture('orders.parquet');
    for (let k = 1; k <= 12; k++) {
      const broken = original.slice();
      const at = Math.floor((broken.length * k) / 13);
      for (let i = at; i < at + 16; i++) broken[i] = (broken[i] ?? 0) ^ 0xa5;
      try {
        const table = await parquetToCsv(broken, 'broken.parquet');
        expect(table.columns.length).toBe(4);
      } catch (e) {
        expect(e).toBeInstanceOf(EngineError);
        expect((e as EngineError).code).toBe('file_damaged');
      }
    }
  });
});

describe('jsonToCsv', () => {
  it('reads an array, JSON lines and a wrapped array to the same table', async () => {
    const array = jsonToCsv(fixture('orders.json'), 'orders.json');
    const lines = jsonToCsv(fixture('orders.ndjson'), 'orders.ndjson');
    const wrapped = jsonToCsv(fixture('orders-wrapped.json'), 'orders-wrapped.json');
    expect(lines.csv).toEqual(array.csv);
    expect(wrapped.csv).toEqual(array.csv);
    const records = jsonOrders();
    expect(array.rows).toBe(records.length);
    expect(array.columns).toEqual([
      'order_no',
      'customer_id',
      'order_date',
      'amount',
      'items',
      'city',
      'coupon',
    ]);
    const back = await readBack(array);
    expect(back.rows).toEqual(
      records.map((r) => [
        r.order_no, // written as a bare 19-digit number: every digit kept
        r.customer_id,
        r.order_date,
        String(r.amount),
        JSON.stringify(r.items),
        r.city,
        r.coupon ?? null,
      ]),
    );
    expect(new Set(back.rows.map((r) => r[0])).size).toBe(records.length);
  });

  it('names the line, column and text of a broken JSON line', async () => {
    const error = await engineError(() =>
      jsonToCsv(fixture('orders-bad-line.ndjson'), 'orders-bad-line.ndjson'),
    );
    expect(error.code).toBe('json_invalid');
    const line5 = new TextDecoder().decode(fixture('orders-bad-line.ndjson')).split('\n')[4] ?? '';
    expect(error.details).toMatchObject({
      file: 'orders-bad-line.ndjson',
      line: 5,
      column: line5.indexOf(' "customer_id"') + 2,
    });
    expect(String(error.details.text)).toContain('"customer_id"');
  });

  it('reads JSON lines with CRLF and blank lines, and blames a broken first line', async () => {
    const crlf = jsonToCsv(utf8('\r\n{"id": "a", "n": 1}\r\n\r\n{"id": "b"}\r\n'), 'x.jsonl');
    expect((await readBack(crlf)).rows).toEqual([
      ['a', '1'],
      ['b', null],
    ]);
    const first = await engineError(() => jsonToCsv(utf8('{"id": "a"\n{"id": "b"}\n'), 'x.jsonl'));
    expect(first.details).toMatchObject({ line: 1, column: 11 });
  });

  it('names where a pretty-printed array breaks', async () => {
    const line3 = '  {"id": "2", "amount": 3,}';
    const text = `[\n  {"id": "1", "amount": 2},\n${line3}\n]\n`;
    const error = await engineError(() => jsonToCsv(utf8(text), 'broken.json'));
    expect(error.code).toBe('json_invalid');
    expect(error.details).toMatchObject({ line: 3, column: line3.indexOf(',}') + 2 });
    expect(error.details.text).toContain('"amount": 3,}');
  });

  it('says what it found when the JSON is not a list of records', async () => {
    const notRecords = await engineError(() =>
      jsonToCsv(fixture('not-records.json'), 'not-records.json'),
    );
    expect(notRecords.code).toBe('json_not_records');
    expect(notRecords.details).toMatchObject({ file: 'not-records.json', found: '[1,2,3]' });
    for (const text of ['42', '"text"', '{"a": {"b": 1}}', '[{"a": 1}, 2]', '[{}, {}]']) {
      expect((await engineError(() => jsonToCsv(utf8(text), 'x.json'))).code).toBe(
        'json_not_records',
      );
    }
    const arrayLine = await engineError(() => jsonToCsv(utf8('{"a": 1}\n[1, 2]\n'), 'x.ndjson'));
    expect(arrayLine.code).toBe('json_invalid');
    expect(arrayLine.details).toMatchObject({ line: 2, column: 1, text: '[1, 2]' });
    for (const text of ['[]', '{"data": []}', '  \n']) {
      expect((await engineError(() => jsonToCsv(utf8(text), 'x.json'))).code).toBe('empty_file');
    }
  });

  it('finds records in nested wrappers and takes one flat object as one record', async () => {
    const nested = jsonToCsv(
      utf8('{"code": 0, "result": {"page": 1, "orders": [{"id": "a"}, {"id": "b", "n": 1}]}}'),
      'x.json',
    );
    expect(nested.columns).toEqual(['id', 'n']);
    expect((await readBack(nested)).rows).toEqual([
      ['a', null],
      ['b', '1'],
    ]);
    const single = jsonToCsv(utf8('{"id": "0012", "amount": 1e-7, "vip": true}'), 'x.json');
    expect((await readBack(single)).rows).toEqual([['0012', '0.0000001', 'true']]);
  });

  it('keeps big integers exact and writes other numbers without exponents', async () => {
    const table = jsonToCsv(
      utf8('[{"id": 12345678901234567890123, "neg": -1234567890123456789, "x": 1.5e300}]'),
      'x.json',
    );
    const [row] = (await readBack(table)).rows;
    expect(row?.slice(0, 2)).toEqual(['12345678901234567890123', '-1234567890123456789']);
    expect(row?.[2]).toBe(`15${'0'.repeat(299)}`);
  });

  it('leaves digits inside strings alone, escaped quotes and all', () => {
    const text = String.raw`{"a": "x\"12345678901234567890\\", "b": 12345678901234567890, "c": 1234567890123456e3}`;
    expect(quoteLongNumbers(text)).toBe(
      String.raw`{"a": "x\"12345678901234567890\\", "b": "12345678901234567890", "c": 1234567890123456e3}`,
    );
    expect(quoteLongNumbers('[1.5, 0.000000000000001, 123456789012345]')).toBe(
      '[1.5, 0.000000000000001, 123456789012345]',
    );
    expect(quoteLongNumbers('[0.1234567890123456, -1234567890123456]')).toBe(
      '["0.1234567890123456", "-1234567890123456"]',
    );
  });

  it('round-trips any flat records through read_csv (property)', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({
        unit: fc.constantFrom(',', '"', '\n', '\r', ' ', ';', '\t', '|', 'a', '中', '\uFEFF', '\\'),
        maxLength: 8,
      }),
    );
    const value = fc.oneof(
      text,
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const records = fc
      .array(fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), value), {
        minLength: 1,
        maxLength: 6,
      })
      .filter((rs) => rs.some((r) => Object.keys(r).length > 0));
    await fc.assert(
      fc.asyncProperty(records, async (rs) => {
        const table = jsonToCsv(utf8(JSON.stringify(rs)), 'p.json');
        const back = await readBack(table);
        expect(back.columns).toEqual(table.columns);
        expect(back.rows.length).toBe(rs.length);
        const keys = [...new Set(rs.flatMap((r) => Object.keys(r)))];
        expect(table.columns.length).toBe(keys.length);
        rs.forEach((record, r) => {
          keys.forEach((key, c) => {
            const got = back.rows[r]?.[c] ?? null;
            const v = key in record ? record[key] : null;
            if (typeof v === 'number') {
              expect(got).toMatch(/^-?\d+(\.\d+)?$/);
              expect(Number(got)).toBe(v === 0 ? 0 : v);
            } else if (typeof v === 'string') {
              const stripped = v.replace(/^\uFEFF+/, '');
              expect(got).toBe(stripped === '' ? null : stripped);
            } else if (typeof v === 'boolean') {
              expect(got).toBe(String(v));
            } else {
              expect(got).toBeNull();
            }
          });
        });
      }),
      { numRuns: 80 },
    );
  });
});

describe('findJsonSyntaxError', () => {
  it('accepts valid JSON and points at the first character that does not fit', () => {
    expect(findJsonSyntaxError('{"a": [1, -2.5e3, true, null, "x\\n\\u00e9"]}')).toBeNull();
    const at = (text: string) => findJsonSyntaxError(text)?.offset;
    expect(at('{"a": 1,}')).toBe(8);
    expect(at('[1 2]')).toBe(3);
    expect(at('{"a" 1}')).toBe(5);
    expect(at('[01]')).toBe(2);
    expect(at('["tab\there"]')).toBe(5);
    expect(at('["\\x"]')).toBe(3);
    expect(at('[tru]')).toBe(1);
    expect(at('[1]]')).toBe(3);
    expect(at('{"a": [1, 2')).toBe(11);
    expect(findJsonSyntaxError('[\n1,\n2,,\n]')).toMatchObject({
      line: 3,
      column: 3,
      snippet: '2,,',
    });
  });
});
