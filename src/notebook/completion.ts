import type { Completion, CompletionSource } from '@codemirror/autocomplete';
import {
  PostgreSQL,
  schemaCompletionSource,
  type SQLConfig,
  type SQLNamespace,
} from '@codemirror/lang-sql';
import type { NotebookTable } from '../engine/types';
import { MAIN_VIEWS } from './views';

/** The empty editor's hint: a query that works on every analysis. */
export const EXAMPLE_SQL = 'SELECT segment, count(*) AS customers FROM customers GROUP BY ALL';

/** DuckDB's SQL is closest to PostgreSQL's among the dialects CodeMirror knows. */
export const DIALECT = PostgreSQL;

/**
 * The editor's view of the schema: the friendly views as tables (the main three ranked first) and
 * their columns with DuckDB's types, so `customers.` completes to its columns and a bare name to a
 * view or a column of any view.
 */
export function sqlConfig(tables: readonly NotebookTable[]): SQLConfig {
  const schema: SQLNamespace = {};
  for (const t of tables) {
    schema[t.name] = t.columns.map((c): Completion => ({
      label: c.name,
      type: 'property',
      detail: c.type,
    }));
  }
  const main: readonly string[] = MAIN_VIEWS;
  return {
    dialect: DIALECT,
    schema,
    tables: tables.map((t): Completion => ({
      label: t.name,
      type: 'type',
      detail: `${t.columns.length}`,
      boost: main.includes(t.name) ? 10 : 0,
    })),
    upperCaseKeywords: true,
  };
}

export function completionSource(tables: readonly NotebookTable[]): CompletionSource {
  return schemaCompletionSource(sqlConfig(tables));
}
