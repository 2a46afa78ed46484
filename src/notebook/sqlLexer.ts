/**
 * A small SQL tokenizer: enough to tell words from strings, quoted names and comments, so the
 * statement guard and the table-name rewriting never look inside a string or a comment. It follows
 * DuckDB's lexical rules for what matters here: '…' strings ('' escapes a quote, E'…' allows \'),
 * "…" names, $tag$…$tag$ strings, -- and nested /* *\/ comments.
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'comment' | 'space' | 'symbol';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the first character in the source (a JavaScript string index). */
  start: number;
  /** Parenthesis depth the token sits at (0 = top level of the statement). */
  depth: number;
}

const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i, depth });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /\s/.test(sql[end] as string)) end++;
      push('space', end);
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      push('comment', nl === -1 ? sql.length : nl);
    } else if (c === '/' && next === '*') {
      let end = i + 2;
      let nesting = 1;
      while (end < sql.length && nesting > 0) {
        if (sql.startsWith('/*', end)) {
          nesting++;
          end += 2;
        } else if (sql.startsWith('*/', end)) {
          nesting--;
          end += 2;
        } else end++;
      }
      push('comment', end);
    } else if (c === "'" || ((c === 'e' || c === 'E') && next === "'")) {
      const backslash = c !== "'";
      let end = i + (backslash ? 2 : 1);
      while (end < sql.length) {
        const d = sql[end];
        if (backslash && d === '\\') end += 2;
        else if (d === "'" && sql[end + 1] === "'") end += 2;
        else if (d === "'") {
          end++;
          break;
        } else end++;
      }
      push('string', Math.min(end, sql.length));
    } else if (c === '"') {
      let end = i + 1;
      while (end < sql.length) {
        if (sql[end] === '"' && sql[end + 1] === '"') end += 2;
        else if (sql[end] === '"') {
          end++;
          break;
        } else end++;
      }
      push('quoted', Math.min(end, sql.length));
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = (/^\$[A-Za-z_]*\$/.exec(sql.slice(i)) as RegExpExecArray)[0];
      const close = sql.indexOf(tag, i + tag.length);
      push('string', close === -1 ? sql.length : close + tag.length);
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end] as string)) end++;
      push('word', end);
    } else if (/[0-9]/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /[0-9a-zA-Z_.]/.test(sql[end] as string)) end++;
      push('symbol', end);
    } else {
      if (c === ')') depth = Math.max(0, depth - 1);
      push('symbol', i + 1);
      if (c === '(') depth++;
    }
  }
  return tokens;
}

/** The tokens that carry meaning (no spaces, no comments). */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}
