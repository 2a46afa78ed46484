import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { collapseWhitespace, isWhitespaceSeparated } from '../../src/ingest/delimiter';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine } from './helpers/engine';
import { sharedPath } from './helpers/shared';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);
const encode = (s: string) => new TextEncoder().encode(s);

/** The first lines of CDNOW's master log as it is shipped: a leading space, aligned columns, CRLF. */
const CDNOW_HEAD = [
  ' customer_id  date number_of_cds  dollar_value',
  ' 00001 19970101  1   11.77',
  ' 00002 19970112  1   12.00',
  ' 00002 19970112  5   77.00',
  ' 00003 19970102  2   20.76',
  ' 00003 19970330  2   20.76',
  '',
].join('\r\n');

describe('whitespace-separated text', () => {
  it('is recognised in an aligned log with runs of spaces', () => {
    expect(isWhitespaceSeparated(CDNOW_HEAD)).toBe(true);
    // A head cut in the middle of a line still reads.
    expect(isWhitespaceSeparated(CDNOW_HEAD.slice(0, -20))).toBe(true);
  });

  it('is not claimed for comma, semicolon, tab or pipe files, quoted text or prose', () => {
    const csv = 'id,date,amount\nA 1,2024-01-01,10\nB 2,2024-01-02,12\n';
    const tsv = 'id\tdate\tamount\nA  1\t2024-01-01\t10\nB  2\t2024-01-02\t12\n';
    const semicolon = 'id;date;amount\n A;2024-01-01;10,5\n B;2024-01-02;12\n';
    const pipe = 'id|date|amount\nA|2024-01-01|10\nB|2024-01-02|12\n';
    const quoted = ' id  date  amount\n "A B"  2024-01-01  10\n "C"  2024-01-02  12\n';
    const prose = 'We sold  a lot.\nMore than  last year, and\nthe year before that.\n';
    const twoFields = ' id  amount\n A  10\n B  12\n';
    for (const text of [csv, tsv, semicolon, pipe, quoted, prose, twoFields])
      expect(isWhitespaceSeparated(text), JSON.stringify(text)).toBe(false);
  });

  it('is rewritten with one tab between fields, line ends kept, in any chunking', async () => {
    const expected = [
      'customer_id\tdate\tnumber_of_cds\tdollar_value',
      '00001\t19970101\t1\t11.77',
      '00002\t19970112\t1\t12.00',
      '00002\t19970112\t5\t77.00',
      '00003\t19970102\t2\t20.76',
      '00003\t19970330\t2\t20.76',
      '',
    ].join('\r\n');
    expect(decode((await collapseWhitespace(encode(CDNOW_HEAD))) as Uint8Array)).toBe(expected);
    const blob = await collapseWhitespace(new Blob([encode(CDNOW_HEAD)]));
    expect(decode(new Uint8Array(await (blob as Blob).arrayBuffer()))).toBe(expected);
    // Chinese text is multi-byte UTF-8; spaces never split a character.
    const zh = ' 会员  日期  金额 \n 张三  20240101  10.5\n';
    expect(decode((await collapseWhitespace(encode(zh))) as Uint8Array)).toBe(
      '会员\t日期\t金额\n张三\t20240101\t10.5\n',
    );
  });
});

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

describe('the delimiter through the engine', () => {
  it('reads a whitespace log as its columns and says so; YYYYMMDD dates are dates', async () => {
    const loaded = await engine.loadCsv(encode(CDNOW_HEAD), 'cdnow_head.txt');
    expect(loaded.columns.map((c) => c.name)).toEqual([
      'customer_id',
      'date',
      'number_of_cds',
      'dollar_value',
    ]);
    expect(loaded.delimiter).toEqual({ delimiter: 'whitespace', chosen: false });
    expect(loaded.guess).toMatchObject({ customerId: 0, orderDate: 1, amount: 3 });
    expect(loaded.preview[0]).toEqual(['00001', '19970101', '1', '11.77']);
  });

  it('reads with the delimiter the analyst chose, not the sniffed one', async () => {
    const text = 'code,kind;date;amount\n1,2;2024-01-01;10\n3,4;2024-01-02;12\n';
    const read = (delimiter: ';' | null) =>
      engine.load([{ name: 'mixed.csv', blob: new Blob([encode(text)]) }], {
        encoding: null,
        sheet: null,
        delimiter,
      });
    const chosen = await read(';');
    expect(chosen.delimiter).toEqual({ delimiter: ';', chosen: true });
    expect(chosen.columns.map((c) => c.name)).toEqual(['code,kind', 'date', 'amount']);
    expect((await read(null)).delimiter).toBeNull();
  });
});

const master = sharedPath('datasets/cdnow/CDNOW_master.txt');

describe.skipIf(master === null)('the CDNOW master log', () => {
  it('loads as four columns; every customer with a paid purchase is analysed', async () => {
    const bytes = new Uint8Array(readFileSync(master as string));
    // 23,570 customers; those whose every purchase cost $0 have no purchase under the default rules.
    const lines = decode(bytes).trim().split(/\r?\n/).slice(1);
    const paying = new Set(
      lines
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => Number(f[3]) > 0)
        .map((f) => f[0]),
    );
    expect(new Set(lines.map((l) => l.trim().split(/\s+/)[0])).size).toBe(23570);
    const loaded = await engine.loadCsv(bytes, 'CDNOW_master.txt');
    expect(loaded.rowCount).toBe(69659);
    expect(loaded.guess).toMatchObject({ customerId: 0, orderDate: 1, amount: 3 });
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    expect(result.summary.customers).toBe(paying.size);
  });
});
