import { unzipSync, strFromU8 } from 'fflate';
import { readSheet } from 'read-excel-file/node';
import { describe, expect, it } from 'vitest';
import { exportFileName, localDate } from '../../src/charts/exportImage';
import { csvField } from '../../src/analysis/csvText';
import {
  sheetName,
  tableCsv,
  tableXlsx,
  xlsxSheetData,
  type TableData,
} from '../../src/state/tableExport';

const TABLE: TableData = {
  columns: ['Segment', 'Customers', 'Revenue'],
  rows: [
    ['冠军客户', 12, 3456.78],
    ['=HYPERLINK("http://x","click")', 3, -12.5],
    ['+1 555', 0, null],
    ['-minus', 1, 2],
    ['@SUM(A1)', 2, 3],
    ['\tTabbed', 4, 5],
    ['a "quoted", text\nline', Number.NaN, 1],
  ],
};

describe('CSV export', () => {
  it('prefixes text that would start a formula, leaves numbers and other text alone', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@x')).toBe("'@x");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe('"\'\rx"');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField(Number.POSITIVE_INFINITY)).toBe('');
    expect(csvField(null)).toBe('');
  });

  it('writes UTF-8 with a BOM, CRLF and RFC 4180 quoting', () => {
    const csv = tableCsv(TABLE);
    expect(csv.startsWith('\uFEFFSegment,Customers,Revenue\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe('冠军客户,12,3456.78');
    expect(lines[2]).toBe(`"'=HYPERLINK(""http://x"",""click"")",3,-12.5`);
    expect(lines[3]).toBe("'+1 555,0,");
    expect(lines[4]).toBe("'-minus,1,2");
    expect(lines[5]).toBe("'@SUM(A1),2,3");
    expect(lines[6]).toBe("'\tTabbed,4,5");
    expect(lines[7]).toBe('"a ""quoted"", text\nline",,1');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

describe('XLSX export', () => {
  it('types text as strings and numbers as numbers, never formulas', () => {
    const data = xlsxSheetData(TABLE);
    expect(data[0]?.[0]).toEqual({ value: 'Segment', type: String, fontWeight: 'bold' });
    expect(data[2]?.[0]).toEqual({ value: '=HYPERLINK("http://x","click")', type: String });
    expect(data[2]?.[2]).toEqual({ value: -12.5, type: Number });
    expect(data[3]?.[2]).toBeNull();
    expect(data[7]?.[1]).toBeNull(); // NaN
  });

  it('is a valid workbook whose text cells are shared strings, read back as written', async () => {
    const blob = await tableXlsx(TABLE, 'Segments: all [en]');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip
    const files = unzipSync(bytes);
    const text = (name: string) => strFromU8(files[name] ?? new Uint8Array());
    const sheet = text('xl/worksheets/sheet1.xml');
    const workbook = text('xl/workbook.xml');
    expect(workbook).toContain('name="Segments  all  en"');
    // No cell carries a formula; the "=HYPERLINK" text is a shared-string cell (t="s").
    expect(sheet).not.toContain('<f>');
    const a3 = /<c r="A3"[^>]*>/.exec(sheet)?.[0] ?? '';
    expect(a3).toContain('t="s"');
    const c3 = /<c r="C3"[^>]*>.*?<\/c>/.exec(sheet)?.[0] ?? '';
    expect(c3).not.toContain('t="s"');
    expect(c3).toContain('<v>-12.5</v>');
    const shared = text('xl/sharedStrings.xml');
    expect(shared).toContain('<t>=HYPERLINK("http://x","click")</t>');

    const rows = await readSheet(Buffer.from(bytes));
    expect(rows[0]).toEqual(['Segment', 'Customers', 'Revenue']);
    expect(rows[1]).toEqual(['冠军客户', 12, 3456.78]);
    expect(rows[2]).toEqual(['=HYPERLINK("http://x","click")', 3, -12.5]);
    expect(rows[3]).toEqual(['+1 555', 0, null]);
    expect(rows[5]).toEqual(['@SUM(A1)', 2, 3]);
    expect(rows.length).toBe(8);
  });

  it('makes a legal sheet name', () => {
    expect(sheetName('a/b\\c?d*e[f]g:h')).toBe('a b c d e f g h');
    expect(sheetName('x'.repeat(40))).toHaveLength(31);
    expect(sheetName(' ')).toBe('Sheet1');
  });
});

describe('export file names', () => {
  it('names a file after the chart title and the date', () => {
    expect(exportFileName('Pareto curve', '2024-06-30', 'svg')).toBe('Pareto-curve-2024-06-30.svg');
    expect(exportFileName('帕累托曲线：客户价值', '2024-06-30', 'png')).toBe(
      '帕累托曲线-客户价值-2024-06-30.png',
    );
    expect(exportFileName('a/b\\c: "d" <e>|f?*', '2024-01-02', 'csv')).toBe(
      'a-b-c-d-e-f-2024-01-02.csv',
    );
    expect(exportFileName('  ..  ', '2024-01-02', 'xlsx')).toBe('chart-2024-01-02.xlsx');
    expect(exportFileName('Segments', '', 'csv')).toBe('Segments.csv');
    expect(exportFileName('x'.repeat(100), 'd', 'svg')).toBe(`${'x'.repeat(80)}-d.svg`);
  });

  it('dates by the local calendar', () => {
    expect(localDate(new Date(2024, 0, 5, 23, 59))).toBe('2024-01-05');
    expect(localDate(new Date(2024, 11, 31, 0, 0))).toBe('2024-12-31');
  });
});
