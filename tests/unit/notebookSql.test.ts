import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { sql } from '@codemirror/lang-sql';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { completionSource, sqlConfig } from '../../src/notebook/completion';
import {
  byteToIndex,
  indexAtCells,
  lineColumn,
  parseDuckDbError,
} from '../../src/notebook/sqlError';
import { hasParameters } from '../../src/notebook/sqlHints';
import { tokenize } from '../../src/notebook/sqlLexer';
import { toCellSql, viewStatements } from '../../src/notebook/views';

describe('SQL hints', () => {
  it('finds placeholders outside strings only', () => {
    expect(hasParameters('SELECT CAST(? AS DATE)')).toBe(true);
    expect(hasParameters('SELECT $1')).toBe(true);
    expect(hasParameters('SELECT \'?\' AS q, "a?"')).toBe(false);
  });

  it('tokenizes with positions and depth', () => {
    const words = tokenize('SELECT (a) FROM "t;x"').filter((t) => t.kind !== 'space');
    expect(words.map((t) => [t.text, t.start, t.depth])).toEqual([
      ['SELECT', 0, 0],
      ['(', 7, 0],
      ['a', 8, 1],
      [')', 9, 0],
      ['FROM', 11, 0],
      ['"t;x"', 16, 0],
    ]);
  });
});

describe('DuckDB error positions', () => {
  it('reads JSON errors (byte offsets) and nested parser errors', () => {
    const sql = "SELECT '中文中文', zz FROM t";
    const binder = parseDuckDbError(
      '{"exception_type":"Binder","exception_message":"Referenced column \\"zz\\" not found in FROM clause!\\nCandidate bindings: \\"a\\"","name":"zz","position":"23"}',
      sql,
    );
    expect(binder).toEqual({
      type: 'Binder',
      message: 'Referenced column "zz" not found in FROM clause!\nCandidate bindings: "a"',
      offset: sql.indexOf('zz'),
    });
    const parser = parseDuckDbError(
      '{"exception_type":"Parser","exception_message":"{\\"exception_type\\":\\"Parser\\",\\"exception_message\\":\\"syntax error at or near \\\\\\"FROM\\\\\\"\\",\\"position\\":\\"17\\"}","position":"17"}',
      'SELECT 1,\n  a +  FROM t',
    );
    expect(parser).toEqual({
      type: 'Parser',
      message: 'syntax error at or near "FROM"',
      offset: 17,
    });
  });

  it('reads plain messages with a LINE excerpt and a caret (CJK characters are two cells wide)', () => {
    const sql = "SELECT 1\nSELECT '中文中文', zz FROM t";
    const raw =
      'Binder Error: Referenced column "zz" not found in FROM clause!\n\nLINE 2: SELECT \'中文中文\', zz FROM t\n                           ^';
    expect(parseDuckDbError(raw, sql)).toEqual({
      type: 'Binder',
      message: 'Referenced column "zz" not found in FROM clause!',
      offset: sql.indexOf('zz'),
    });
    expect(parseDuckDbError('Out of Memory Error: failed', 'SELECT 1')).toEqual({
      type: 'Out of Memory',
      message: 'failed',
      offset: null,
    });
  });

  it('converts offsets', () => {
    expect(byteToIndex('a中b', 4)).toBe(2);
    expect(byteToIndex('a😀b', 5)).toBe(3);
    expect(indexAtCells('中文x', 4)).toBe(2);
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('friendly views', () => {
  const present = new Set(['raw_7', 'tx_7', 'rfm_7', 'params_7', 'value_7', 'lcstage_7']);
  it('points the views at the dataset, NULL columns for steps not run on this analysis', () => {
    const out = viewStatements({
      datasetId: 7,
      locale: 'en',
      scheme: 'cn8',
      present,
      valued: true,
      staged: false,
    });
    expect(out).toContain('CREATE OR REPLACE VIEW rfm AS SELECT * FROM rfm_7');
    expect(out).toContain('CREATE OR REPLACE VIEW customer_value AS SELECT * FROM value_7');
    // Stages of another as-of date are not shown.
    expect(out).toContain('DROP VIEW IF EXISTS customer_stages');
    expect(out).toContain('DROP VIEW IF EXISTS customer_clusters');
    const customers = out.find((s) => s.startsWith('CREATE OR REPLACE VIEW customers')) ?? '';
    expect(customers).toContain('r.segment_cn8 AS segment');
    expect(customers).toContain('v.total_value');
    expect(customers).toContain('CAST(NULL AS VARCHAR) AS stage');
    expect(customers).toContain('CAST(NULL AS INTEGER) AS cluster');
    expect(customers).not.toContain('lcstage_7');
  });

  it('drops the main views when nothing is analysed', () => {
    const out = viewStatements({
      datasetId: 7,
      locale: 'en',
      scheme: 'rfm11',
      present: new Set(['raw_7']),
      valued: false,
      staged: false,
    });
    expect(out).toContain('DROP VIEW IF EXISTS customers');
    expect(out).toContain('CREATE OR REPLACE VIEW raw_orders AS SELECT * FROM raw_7');
  });

  it('shows the rows as read for a file read typed (raw_<id> is then a text view)', () => {
    const out = viewStatements({
      datasetId: 7,
      locale: 'en',
      scheme: 'rfm11',
      present: new Set(['rawtyped_7', 'tx_7']),
      valued: false,
      staged: false,
    });
    expect(out).toContain('CREATE OR REPLACE VIEW raw_orders AS SELECT * FROM rawtyped_7');
    expect(toCellSql('SELECT #2 FROM rawtyped_7', 7)).toBe('SELECT #2 FROM raw_orders');
  });

  it('rewrites a step statement to the views, names only', () => {
    const logged = `CREATE OR REPLACE TABLE rfm_7 AS WITH params AS (SELECT as_of FROM params_7) -- from rfm_7
SELECT t.*, 'tx_7' AS label FROM totals_7 t JOIN value_7_base b USING (customer_id) JOIN rfm_70 r USING (customer_id)`;
    expect(toCellSql(logged, 7))
      .toBe(`WITH params AS (SELECT as_of FROM analysis_params) -- from rfm_7
SELECT t.*, 'tx_7' AS label FROM customer_totals t JOIN value_7_base b USING (customer_id) JOIN rfm_70 r USING (customer_id)`);
    expect(toCellSql('SELECT * FROM RFM_7', 7)).toBe('SELECT * FROM rfm');
    expect(toCellSql('DROP TABLE IF EXISTS rfm_7', 7)).toBe('DROP TABLE IF EXISTS rfm');
  });
});

describe('completion', () => {
  const tables = [
    { name: 'customer_value', columns: [{ name: 'p_alive', type: 'DOUBLE' }] },
    {
      name: 'customers',
      columns: [
        { name: 'customer_id', type: 'VARCHAR' },
        { name: 'monetary', type: 'DOUBLE' },
      ],
    },
    { name: 'orders', columns: [{ name: 'amount', type: 'DOUBLE' }] },
  ];
  function complete(doc: string, pos = doc.length): CompletionResult | null {
    const state = EditorState.create({ doc, extensions: [sql(sqlConfig(tables))] });
    return completionSource(tables)(
      new CompletionContext(state, pos, true),
    ) as CompletionResult | null;
  }

  it('offers the views, main ones ranked first', () => {
    const result = complete('SELECT * FROM cu');
    const labels = result?.options.map((o) => o.label) ?? [];
    expect(labels).toEqual(expect.arrayContaining(['customers', 'customer_value', 'orders']));
    expect(result?.options.find((o) => o.label === 'customers')?.boost).toBe(10);
    expect(result?.options.find((o) => o.label === 'customer_value')?.boost).toBe(0);
  });

  it('offers a view’s columns with their types after a dot', () => {
    const result = complete('SELECT customers.');
    expect(result?.options.map((o) => [o.label, o.detail])).toEqual([
      ['customer_id', 'VARCHAR'],
      ['monetary', 'DOUBLE'],
    ]);
  });
});
