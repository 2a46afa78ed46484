import { significant, tokenize } from './sqlLexer';

/**
 * Hints about SQL text for the editor and "Show SQL", from our small lexer. Nothing here decides
 * what runs: that is DuckDB's tokenizer and parser, and its locked configuration
 * (src/notebook/cellStatements.ts, workers/sqlRunner.ts runIsolated, workers/engine.ts init).
 */

/** Whether the statement has `?` or `$1` placeholders (values a built-in step bound at run time). */
export function hasParameters(sql: string): boolean {
  const tokens = significant(tokenize(sql));
  return tokens.some(
    (t, k) =>
      t.kind === 'symbol' &&
      (t.text === '?' || (t.text === '$' && /^[0-9]/.test(tokens[k + 1]?.text ?? ''))),
  );
}
