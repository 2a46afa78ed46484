import { describe, expect, it } from 'vitest';
import { parseAmountExpr } from '../../src/ingest/amounts';
import { formatPattern, parseDateExpr, type DateFamily } from '../../src/ingest/dateFormats';
import { detectEncoding, toUtf8 } from '../../src/ingest/encoding';
import { startSql } from './helpers/engine';

const sql = startSql();

async function parseDates(
  family: DateFamily,
  values: (string | null)[],
): Promise<(string | null)[]> {
  const runner = await sql;
  const rows = values.map((v, i) => `(${i}, ${v === null ? 'NULL' : `'${v}'`})`).join(', ');
  const out = await runner.rows<{ d: string | null }>(
    `SELECT strftime(${parseDateExpr('v', family)}, '%Y-%m-%d') AS d FROM (VALUES ${rows}) t(i, v) ORDER BY i`,
  );
  return out.map((r) => r.d);
}

async function parseAmounts(decimal: '.' | ',', values: string[]): Promise<(number | null)[]> {
  const runner = await sql;
  const rows = values.map((v, i) => `(${i}, '${v}')`).join(', ');
  const out = await runner.rows<{ a: number | null }>(
    `SELECT CAST(${parseAmountExpr('v', decimal)} AS DOUBLE) AS a FROM (VALUES ${rows}) t(i, v) ORDER BY i`,
  );
  return out.map((r) => r.a);
}

describe('dates', () => {
  it('reads ISO, slashes, Chinese dates and compact dates, with or without a time, in the y-m-d family', async () => {
    expect(
      await parseDates('ymd', [
        '2024-03-05',
        '2024-3-5 8:26',
        '2024/03/05 08:26:59',
        '2024-03-05T10:00:00',
        '2024年3月5日',
        '20240305',
        ' 2024-03-05 ',
      ]),
    ).toEqual([
      '2024-03-05',
      '2024-03-05',
      '2024-03-05',
      '2024-03-05',
      '2024-03-05',
      '2024-03-05',
      '2024-03-05',
    ]);
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
    expect(
      await parseDates('ymd', ['2018-02-29', '2024-13-45', '未知', '', null, 'SET OF 3']),
    ).toEqual([null, null, null, null, null, null]);
  });

  it('turns strptime formats into full-match patterns', () => {
    expect(formatPattern('%m/%d/%Y %H:%M')).toBe(
      '[0-9]{1,2}\\/[0-9]{1,2}\\/[0-9]{4} [0-9]{1,2}:[0-9]{2}',
    );
    expect(formatPattern('%Y年%m月%d日')).toBe('[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日');
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
});

describe('encodings', () => {
  const text = '客户ID,金额\nA,1\n';

  it('detects UTF-8 with and without a BOM and strips the BOM', () => {
    const plain = new TextEncoder().encode(text);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...plain]);
    expect(detectEncoding(plain)).toBe('utf-8');
    expect(detectEncoding(bom)).toBe('utf-8');
    expect(new TextDecoder().decode(toUtf8(bom, 'utf-8'))).toBe(text);
  });

  it('decodes UTF-16 LE with a BOM', () => {
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      bytes[2 + i * 2] = code & 0xff;
      bytes[3 + i * 2] = code >> 8;
    }
    expect(detectEncoding(bytes)).toBe('utf-16le');
    expect(new TextDecoder().decode(toUtf8(bytes, 'utf-16le'))).toBe(text);
  });

  it('decodes GBK (GB18030) bytes that are not valid UTF-8', () => {
    // "客户ID,金额\nA,1\n" in GBK
    const gbk = new Uint8Array([
      0xbf, 0xcd, 0xbb, 0xa7, 0x49, 0x44, 0x2c, 0xbd, 0xf0, 0xb6, 0xee, 0x0a, 0x41, 0x2c, 0x31,
      0x0a,
    ]);
    expect(detectEncoding(gbk)).toBe('gb18030');
    expect(new TextDecoder().decode(toUtf8(gbk, 'gb18030'))).toBe(text);
  });
});
