/**
 * Where JSON text first breaks the grammar. JSON.parse says only that it failed (Safari gives no
 * position at all, the others each their own wording), and the analyst needs the line and column.
 * Runs only after JSON.parse has failed, so it favours clarity over speed.
 */
export interface JsonSyntaxError {
  /** Offset of the first character that does not fit (text.length when the text ends early). */
  offset: number;
  line: number;
  column: number;
  /** The offending line, cut to a readable window around the column. */
  snippet: string;
}

/** The first syntax error of one JSON value in text[from, to), or null when it is valid. */
export function findJsonSyntaxError(
  text: string,
  from = 0,
  to = text.length,
): JsonSyntaxError | null {
  const offset = firstBadOffset(text, from, to);
  return offset < 0 ? null : locate(text, offset);
}

const OBJECT = 1;
const ARRAY = 2;

function firstBadOffset(text: string, from: number, to: number): number {
  const stack: number[] = [];
  const ws = (i: number) => {
    while (i < to && ' \t\n\r'.includes(text[i] as string)) i++;
    return i;
  };
  let i = ws(from);
  let state: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    if (state === 'value') {
      if (i >= to) return i;
      const c = text[i] as string;
      if (c === '{' || c === '[') {
        stack.push(c === '{' ? OBJECT : ARRAY);
        i = ws(i + 1);
        if (text[i] === (c === '{' ? '}' : ']') && i < to) {
          stack.pop();
          i = ws(i + 1);
          state = 'after';
        } else {
          state = c === '{' ? 'key' : 'value';
        }
        continue;
      }
      const end =
        c === '"'
          ? stringEnd(text, i, to)
          : c === '-' || (c >= '0' && c <= '9')
            ? numberEnd(text, i, to)
            : literalEnd(text, i, to);
      if (end < 0) return -end - 1;
      i = ws(end);
      state = 'after';
    } else if (state === 'key') {
      if (text[i] !== '"' || i >= to) return i;
      const end = stringEnd(text, i, to);
      if (end < 0) return -end - 1;
      i = ws(end);
      if (text[i] !== ':' || i >= to) return i;
      i = ws(i + 1);
      state = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i >= to ? -1 : i;
      if (i >= to) return i;
      const c = text[i];
      if (c === ',') {
        i = ws(i + 1);
        state = top === OBJECT ? 'key' : 'value';
      } else if (c === (top === OBJECT ? '}' : ']')) {
        stack.pop();
        i = ws(i + 1);
      } else {
        return i;
      }
    }
  }
}

// The scanners return the offset after the token, or -(offset of the error) - 1.

function stringEnd(text: string, start: number, to: number): number {
  for (let i = start + 1; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -i - 1;
    if (c === 0x5c) {
      const e = text[i + 1] ?? '';
      if ('"\\/bfnrt'.includes(e) && e !== '') i++;
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 5;
      else return -(i + 1) - 1;
    }
  }
  return -to - 1;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function numberEnd(text: string, start: number, to: number): number {
  NUMBER.lastIndex = start;
  const m = NUMBER.exec(text);
  if (!m) return -start - 1;
  return Math.min(start + m[0].length, to);
}

function literalEnd(text: string, start: number, to: number): number {
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, start) && start + word.length <= to) return start + word.length;
  }
  return -start - 1;
}

const WINDOW = 60;

function locate(text: string, offset: number): JsonSyntaxError {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  const column = offset - lineStart + 1;
  const from = Math.max(lineStart, offset - WINDOW / 2);
  const to = Math.min(lineEnd, from + WINDOW);
  const snippet =
    (from > lineStart ? '…' : '') +
    text.slice(from, to).replace(/\r$/, '') +
    (to < lineEnd ? '…' : '');
  return { offset, line, column, snippet };
}
