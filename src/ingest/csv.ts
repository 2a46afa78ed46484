import { constantLiteral } from '../analysis/sql';
import { delimiterLiteral, type Delimiter } from './delimiter';

/**
 * Quoting of the user's own text, as RFC 4180 and Excel write it. Left to the sniffer, a ragged
 * file (a row with more fields than the header) can be read without quotes, so a quoted line
 * break splits a row in three (found by tests/unit/ingestProperty.test.ts).
 */
const USER_TEXT_QUOTING = `quote = '"', escape = '"'`;

/** The options for the user's own text with a delimiter given (not sniffed). */
export function userTextDialect(delimiter: Delimiter): string {
  return `${USER_TEXT_QUOTING}, delim = ${delimiterLiteral(delimiter)}`;
}

/**
 * Load a registered CSV file as text columns. Every value stays VARCHAR so that ids keep their
 * leading zeros and our own parsers decide (and count) what is a date or an amount. Short rows
 * are padded with NULLs (then counted as missing id/date/amount); rows with too many fields go to
 * `rejectsTable` instead of failing the load. `dialect` states the options of text we wrote ourselves
 * (converted workbooks, Parquet, JSON), where sniffing a small table can misread its quoting.
 */
export function loadCsvSql(
  fileName: string,
  table: string,
  rejectsTable: string,
  dialect: string | null = null,
  /** `read_csv` options that type some columns (src/ingest/typedRead.ts); all text without. */
  typing: string | null = null,
): string {
  return `CREATE OR REPLACE TABLE ${table} AS
SELECT * FROM read_csv(${constantLiteral(fileName)},\n  ${dialect ?? USER_TEXT_QUOTING},
  header = true, ${typing ?? 'all_varchar = true'}, null_padding = true, store_rejects = true,
  -- null padding with quoted newlines needs the serial scanner; the eh build has one thread anyway
  parallel = false,
  rejects_table = ${constantLiteral(rejectsTable)}, rejects_scan = ${constantLiteral(`${rejectsTable}_scan`)})`;
}

/**
 * The first `rows` rows of a registered CSV file as text, read as `loadCsvSql` reads the whole
 * (same sniffing, so the same columns): what the columns are recognised and typed from. Rows
 * with too many fields are skipped here; the whole file's read records them.
 */
export function sampleCsvSql(
  fileName: string,
  table: string,
  rows: number,
  dialect: string | null = null,
): string {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`Invalid sample size ${rows}`);
  return `CREATE OR REPLACE TABLE ${table} AS
SELECT * FROM read_csv(${constantLiteral(fileName)},\n  ${dialect ?? USER_TEXT_QUOTING},
  header = true, all_varchar = true, null_padding = true, ignore_errors = true, parallel = false)
LIMIT ${rows}`;
}
