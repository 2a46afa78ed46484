import { describe, expect, it } from 'vitest';
import { commentText, inlineParams, sqlLiteral } from '../../src/pipeline/pipelineSql';
import { startSql } from './helpers/engine';

describe('settings written into the pipeline as SQL literals', () => {
  it('quotes text, keeps numbers exact, refuses what has no literal', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral("'; DROP TABLE t; --")).toBe("'''; DROP TABLE t; --'");
    expect(sqlLiteral(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(sqlLiteral(1e-7)).toBe('1e-7');
    expect(sqlLiteral(-0)).toBe('0');
    expect(sqlLiteral(true)).toBe('true');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(() => sqlLiteral(Number.NaN)).toThrow();
    expect(() => sqlLiteral('a\0b')).toThrow();
    expect(() => sqlLiteral({})).toThrow();
  });

  it('replaces placeholders only outside quotes and comments, and counts them', () => {
    const sql = `SELECT ?, '?' AS "col?", ? -- why?\n, ?`;
    expect(inlineParams(sql, ["it's", 2, null])).toBe(
      `SELECT 'it''s', '?' AS "col?", 2 -- why?\n, NULL`,
    );
    expect(() => inlineParams('SELECT ?', [])).toThrow();
    expect(() => inlineParams('SELECT 1', [1])).toThrow();
    expect(() => inlineParams("SELECT 'open", [])).toThrow();
  });

  it('hostile text comes back from DuckDB as the same text', async () => {
    const sql = await startSql();
    const hostile = ["'; DROP TABLE t; --", "\\x27 \\' ?", '=HYPERLINK("x")', '运费\u202E'];
    const [row] = await sql.rows<Record<string, string>>(
      inlineParams(`SELECT ${hostile.map((_, i) => `? AS v${i}`).join(', ')}`, hostile),
    );
    expect(Object.values(row ?? {})).toEqual(hostile);
  });

  it('comment text stays on one line', () => {
    expect(commentText('a\nDROP TABLE x;\r\u2028b')).toBe('a DROP TABLE x;  b');
  });
});
