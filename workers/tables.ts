import type { SqlRunner } from './sqlRunner';

/** Whether the database holds a table of this name (ours: built by tableName()). */
export function tableExists(sql: SqlRunner, table: string): boolean {
  const [row] = sql.rowsWithParams<{ n: number }>(
    'SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = ?',
    [table],
  );
  return (row?.n ?? 0) > 0;
}
