import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors';
import {
  fixedWidthLayout,
  fixedWidthToTsv,
  formatWidths,
  parseWidths,
  splitFixedLine,
} from '../../src/ingest/fixedWidth';
import { validateConfig } from '../../src/persist/config';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine } from './helpers/engine';

const encode = (s: string) => new TextEncoder().encode(s);

/**
 * A mainframe-style extract: names with spaces and an empty region on one line, so runs of spaces
 * do not split it evenly; blank gutters run down every line.
 */
const PADDED = [
  'CUSTNO  NAME            ORDERDATE  REGION      AMOUNT',
  'C0001   Li Wei          2024-01-05 East        120.50',
  'C0002   Anna Maria Polo 2024-01-07             ' + ' 88.00',
  'C0001   Li Wei          2024-02-11 East         40.00',
  'C0003   王小明          2024-02-12 North       300.00',
  'C0004   Christopher Lee 2024-03-01 West         15.00',
  '',
].join('\n');

/** The same orders with the columns touching: id 6, date 8, amount 7 characters. */
const TOUCHING = [
  'C0000120240105 120.50',
  'C0000220240107  88.00',
  'C0000120240211  40.00',
  'C0000320240212 300.00',
  'C0000420240301  12.25',
  '',
].join('\n');

describe('fixed-width layouts', () => {
  it('are found from the blank gutters running down every line', () => {
    expect(fixedWidthLayout(PADDED)).toEqual([8, 16, 11, 12, 6]);
    const fields = splitFixedLine(
      'C0002   Anna Maria Polo 2024-01-07              88.00',
      [8, 16, 11, 12, 6],
    ).map((f) => f.trim());
    expect(fields).toEqual(['C0002', 'Anna Maria Polo', '2024-01-07', '', '88.00']);
  });

  it('are not claimed for delimited files, prose, ragged notes or touching columns', () => {
    for (const text of [
      'id,date,amount\n1,2024-01-01 10:00:00,5\n2,2024-01-02 11:00:00,6\n3,2024-01-03 12:00:00,7\n',
      'id\tdate\tamount\n1\t2024-01-01\t5\n2\t2024-01-02\t6\n3\t2024-01-03\t7\n',
      'This is a note about the data.\nIt was exported on a Monday.\nNothing is aligned here.\n',
      'a b c\nd e f\n',
      TOUCHING,
    ])
      expect(fixedWidthLayout(text), JSON.stringify(text)).toBeNull();
  });

  it('cuts any text at any widths without losing a character (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !/[\n\r]/.test(s)),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 8 }),
        (line, widths) => {
          const fields = splitFixedLine(line, widths);
          expect(fields).toHaveLength(widths.length);
          expect(fields.join('')).toBe(line);
        },
      ),
    );
  });

  it('rewrites as tab-separated text, a Chinese character two columns wide as GBK extracts count it', async () => {
    const tsv = await (await fixedWidthToTsv(encode(PADDED), [8, 16, 11, 12, 6])).text();
    expect(tsv.split('\n')[4]).toBe('C0003\t王小明\t2024-02-12\tNorth\t300.00');
    expect(tsv.split('\n')[2]).toBe('C0002\tAnna Maria Polo\t2024-01-07\t\t88.00');
    const quoted = await (await fixedWidthToTsv(encode('ab"cd 12\n'), [6, 2])).text();
    expect(quoted).toBe('"ab""cd"\t12\n');
  });

  it('rewrites a file of several chunks with no character or line split at their seams', async () => {
    // ~2.6 MB of lines with three-byte characters, so chunk seams fall inside characters and lines.
    const lines = Array.from({ length: 40_000 }, (_, i) =>
      [
        `C${String(i).padStart(5, '0')}  `,
        '王小明'.slice(0, 1 + (i % 3)).padEnd(8),
        '  2024-01-05',
        ` ${i % 997}.50`,
      ].join(''),
    );
    const widths = [8, 10, 12, 8];
    const tsv = await (await fixedWidthToTsv(encode(lines.join('\n') + '\n'), widths)).text();
    const expected = lines.map((l) =>
      splitFixedLine(l, widths)
        .map((f) => f.trim())
        .join('\t'),
    );
    expect(tsv.split('\n').slice(0, -1)).toEqual(expected);
  });

  it('takes the widths an analyst types, and refuses what is not a layout', () => {
    expect(parseWidths('5, 8, 7')).toEqual([5, 8, 7]);
    expect(parseWidths('5 8，7')).toEqual([5, 8, 7]);
    expect(formatWidths([5, 8, 7])).toBe('5, 8, 7');
    for (const bad of ['', '5', '5, x', '5, 0', '5, -2', '5, 2.5'])
      expect(parseWidths(bad)).toBeNull();
  });

  it('keeps typed widths in a saved configuration, and refuses broken ones', () => {
    const ok = validateConfig({
      format: 'valuemap-config',
      version: 1,
      read: { encoding: null, sheet: null, delimiter: 'fixed', fixedWidths: [5, 8, 7] },
    });
    expect(ok.ok && ok.config.read).toMatchObject({ delimiter: 'fixed', fixedWidths: [5, 8, 7] });
    const bad = validateConfig({
      format: 'valuemap-config',
      version: 1,
      read: { encoding: null, sheet: null, fixedWidths: [5, 'x'] },
    });
    expect(bad.ok && bad.problems).toContain('read.fixedWidths');
  });
});

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

describe('fixed-width files through the engine', () => {
  const load = (
    text: string,
    delimiter: 'fixed' | null = null,
    fixedWidths: number[] | null = null,
  ) =>
    engine.load([{ name: 'extract.txt', blob: new Blob([encode(text)]) }], {
      encoding: null,
      sheet: null,
      delimiter,
      fixedWidths,
    });

  it('reads a padded layout as its columns, found without being asked', async () => {
    const loaded = await load(PADDED);
    expect(loaded.delimiter).toEqual({
      delimiter: 'fixed',
      chosen: false,
      widths: [8, 16, 11, 12, 6],
    });
    expect(loaded.columns.map((c) => c.name)).toEqual([
      'CUSTNO',
      'NAME',
      'ORDERDATE',
      'REGION',
      'AMOUNT',
    ]);
    expect(loaded.guess).toMatchObject({ customerId: 0, orderDate: 2, amount: 4 });
    expect(loaded.preview[1]).toEqual(['C0002', 'Anna Maria Polo', '2024-01-07', null, '88.00']);
  });

  it('reads touching columns at the widths the analyst gives, and asks for them otherwise', async () => {
    const headed = 'CUSTNODATE    AMOUNT\n' + TOUCHING;
    const loaded = await load(headed, 'fixed', [6, 8, 7]);
    expect(loaded.delimiter).toEqual({ delimiter: 'fixed', chosen: true, widths: [6, 8, 7] });
    expect(loaded.columns.map((c) => c.name)).toEqual(['CUSTNO', 'DATE', 'AMOUNT']);
    expect(loaded.preview[0]).toEqual(['C00001', '20240105', '120.50']);
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    expect(result.summary).toMatchObject({ customers: 4, rowsValid: 5 });
    const e = await load(TOUCHING, 'fixed').catch((error: unknown) => error);
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe('fixed_widths_needed');
  });
});
