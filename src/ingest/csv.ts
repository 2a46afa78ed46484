import { constantLiteral } from '../analysis/sql';

/**
 * Load a registered CSV file as text columns. Every value stays VARCHAR so that ids keep their
 * leading zeros and our own parsers decide (and count) what is a date or an amount. Rows with the
 * wrong number of fields go to `rejectsTable` instead of failing the load.
 */
export function loadCsvSql(fileName: string, table: string, rejectsTable: string): string {
  return `CREATE OR REPLACE TABLE ${table} AS
SELECT * FROM read_csv(${constantLiteral(fileName)},
  header = true, all_varchar = true, store_rejects = true,
  rejects_table = ${constantLiteral(rejectsTable)}, rejects_scan = ${constantLiteral(`${rejectsTable}_scan`)})`;
}
