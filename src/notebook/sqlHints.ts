import { significant, tokenize, type Token } from './sqlLexer';

/**
 * The notebook runs the analyst's own SQL as written, but only statements that read: a cell can
 * never change or drop the tables the views are built on. (The worker also runs each cell inside
 * a transaction it rolls back, so a statement this check missed still changes nothing.)
 */
export type GuardResult =
  | { ok: true }
  | {
      ok: false;
      reason: 'empty' | 'several_statements' | 'not_read_only' | 'external_access';
      keyword: string;
    };

/**
 * Table functions that read files or URLs (DuckDB-WASM fetches http(s) paths itself), and those
 * that run SQL text given as a string. A notebook arrives in shared files: a cell someone else
 * wrote must not be able to send the customers to a web address, or read the page's files.
 */
const EXTERNAL = new Set([
  'read_csv',
  'read_csv_auto',
  'read_parquet',
  'parquet_scan',
  'parquet_metadata',
  'parquet_schema',
  'parquet_file_metadata',
  'parquet_kv_metadata',
  'read_json',
  'read_json_auto',
  'read_json_objects',
  'read_json_objects_auto',
  'read_ndjson',
  'read_ndjson_auto',
  'read_ndjson_objects',
  'read_text',
  'read_blob',
  'read_xlsx',
  'glob',
  'sniff_csv',
  'query',
  'query_table',
  'iceberg_scan',
  'delta_scan',
  'sqlite_scan',
  'postgres_scan',
  'mysql_scan',
  'st_read',
]);

/** Statements that only read (DuckDB's FROM-first and PIVOT forms included). */
const READING = new Set([
  'select',
  'with',
  'from',
  'values',
  'table',
  'describe',
  'summarize',
  'show',
  'pivot',
  'unpivot',
  '(',
]);

/** What may follow the common table expressions of a WITH statement. */
const AFTER_WITH = new Set(['select', 'from', 'values', 'table', 'pivot', 'unpivot', '(']);

/** The statements in `sql` (split at semicolons outside strings and comments), blank ones dropped. */
export function statements(sql: string): Token[][] {
  const out: Token[][] = [[]];
  for (const token of significant(tokenize(sql))) {
    if (token.kind === 'symbol' && token.text === ';') out.push([]);
    else (out.at(-1) as Token[]).push(token);
  }
  return out.filter((s) => s.length > 0);
}

const keywordOf = (t: Token | undefined) =>
  t === undefined ? '' : t.kind === 'word' || t.kind === 'symbol' ? t.text.toLowerCase() : '';

/** Whether `sql` is exactly one statement that only reads. */
export function checkStatement(sql: string): GuardResult {
  const found = statements(sql);
  const first = found[0];
  if (!first) return { ok: false, reason: 'empty', keyword: '' };
  if (found.length > 1) return { ok: false, reason: 'several_statements', keyword: '' };
  const keyword = keywordOf(first[0]);
  if (!READING.has(keyword)) return { ok: false, reason: 'not_read_only', keyword };
  if (keyword === 'with') {
    const main = mainKeywordAfterWith(first);
    if (!AFTER_WITH.has(main)) return { ok: false, reason: 'not_read_only', keyword: main };
  }
  const outside = externalAccess(first);
  if (outside !== null) return { ok: false, reason: 'external_access', keyword: outside };
  return { ok: true };
}

/**
 * The first thing in the statement that reads outside the database: a file-reading function, a
 * string read as a table (`FROM 'x.csv'`), or a URL; null when there is none.
 */
function externalAccess(tokens: readonly Token[]): string | null {
  for (const [k, token] of tokens.entries()) {
    const next = tokens[k + 1];
    const previous = keywordOf(tokens[k - 1]);
    if (token.kind === 'word' && next?.text === '(' && EXTERNAL.has(token.text.toLowerCase()))
      return token.text.toLowerCase();
    if (token.kind === 'string' && (previous === 'from' || previous === 'join')) return token.text;
    if (token.kind === 'string' && /:\/\//.test(token.text)) return token.text;
  }
  return null;
}

/**
 * The statement a WITH clause leads into: the first top-level token after a top-level closing
 * parenthesis that is not a comma (CTEs are `name AS (…)` separated by commas).
 */
function mainKeywordAfterWith(tokens: readonly Token[]): string {
  for (let k = 1; k < tokens.length; k++) {
    const previous = tokens[k - 1] as Token;
    const token = tokens[k] as Token;
    if (previous.text !== ')' || previous.depth !== 0 || token.depth !== 0) continue;
    // `name (a, b) AS (…)` names the columns: the AS after it is still the CTE list.
    if (token.text !== ',' && keywordOf(token) !== 'as') return keywordOf(token);
  }
  return '';
}

/** Whether the statement has `?` or `$1` placeholders (values a built-in step bound at run time). */
export function hasParameters(sql: string): boolean {
  const tokens = significant(tokenize(sql));
  return tokens.some(
    (t, k) =>
      t.kind === 'symbol' &&
      (t.text === '?' || (t.text === '$' && /^[0-9]/.test(tokens[k + 1]?.text ?? ''))),
  );
}
