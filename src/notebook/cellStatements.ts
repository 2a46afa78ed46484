/**
 * What a notebook cell is, as DuckDB's own tokenizer sees it (bindings.tokenize): how many
 * statements, and which keyword starts the one. Only reading statements run; everything else is
 * refused before it reaches the engine. Tokens come from DuckDB, so dollar-quoted strings,
 * nested comments and quoted identifiers are read exactly as the engine reads them — no lexer of
 * ours decides. (What a reading statement may touch is DuckDB's to refuse: see Engine.init.)
 */
import type { NotebookRefusal } from '../engine/types';

/** DuckDB's token types (duckdb_web ScriptTokens). */
export const TOKEN = {
  IDENTIFIER: 0,
  NUMERIC_CONSTANT: 1,
  STRING_CONSTANT: 2,
  OPERATOR: 3,
  KEYWORD: 4,
  COMMENT: 5,
} as const;

export interface CellToken {
  type: number;
  text: string;
}

/** The statements a cell may hold: they read. */
export const READING_STATEMENTS: ReadonlySet<string> = new Set([
  'SELECT',
  'WITH',
  'FROM',
  'VALUES',
  'TABLE',
  'SUMMARIZE',
  'DESCRIBE',
  'SHOW',
  'PIVOT',
  'UNPIVOT',
  '(',
]);

/** DuckDB's tokens as text; its offsets are UTF-8 byte offsets into `text`. */
export function cellTokens(
  tokenize: (text: string) => { offsets: number[]; types: number[] },
  text: string,
): CellToken[] {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const { offsets, types } = tokenize(text);
  return offsets.map((offset, i) => ({
    type: types[i] as number,
    text: decoder.decode(bytes.subarray(offset, offsets[i + 1] ?? bytes.length)).trim(),
  }));
}

export type CellVerdict = { ok: true } | { ok: false; reason: NotebookRefusal; keyword: string };

/** One reading statement, or why not: empty, several statements, or one that writes or sets. */
export function judgeCell(tokens: readonly CellToken[]): CellVerdict {
  const statements: CellToken[][] = [[]];
  for (const t of tokens) {
    if (t.type === TOKEN.OPERATOR && t.text.startsWith(';')) statements.push([]);
    else if (t.type !== TOKEN.COMMENT) (statements.at(-1) as CellToken[]).push(t);
  }
  const nonEmpty = statements.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) return { ok: false, reason: 'empty', keyword: '' };
  if (nonEmpty.length > 1) return { ok: false, reason: 'several_statements', keyword: '' };
  const first = (nonEmpty[0] as CellToken[])[0] as CellToken;
  const keyword =
    first.type === TOKEN.KEYWORD
      ? (first.text.split(/\s/)[0] ?? '').toUpperCase()
      : first.type === TOKEN.OPERATOR && first.text.startsWith('(')
        ? '('
        : first.text;
  if (!READING_STATEMENTS.has(keyword)) return { ok: false, reason: 'not_read_only', keyword };
  return { ok: true };
}
