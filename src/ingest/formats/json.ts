import { EngineError } from '../../engine/errors';
import { plainDecimal } from './cellText';
import { quoteLongNumbers } from './jsonLongNumbers';
import { findJsonSyntaxError } from './jsonSyntaxError';
import { CsvBuilder, uniqueHeaders, type TableText } from './toCsv';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonRecord = { [key: string]: Json };

/**
 * Order records in JSON as a table: an array of objects, an object holding such an array
 * ({"data": […]}, {"result": {"orders": […]}}), or JSON lines (one object per line). Columns are
 * the union of the records' keys in first-seen order; nested values become JSON text; null,
 * a missing key and "" all become an empty field.
 */
export function jsonToCsv(bytes: Uint8Array, fileName: string): TableText {
  const text = new TextDecoder('utf-8').decode(bytes); // drops a BOM
  if (text.trim() === '') throw new EngineError('empty_file', { file: fileName });
  const parsed = parseWhole(text);
  const records =
    parsed === undefined ? parseLines(text, fileName) : recordsIn(parsed.value, fileName);
  if (records.length === 0) throw new EngineError('empty_file', { file: fileName });
  if (records.every((r) => Object.keys(r).length === 0)) {
    throw new EngineError('json_not_records', { file: fileName, found: snippetOf(records) });
  }
  return toTable(records);
}

function parseWhole(text: string): { value: Json } | undefined {
  try {
    return { value: JSON.parse(quoteLongNumbers(text)) as Json };
  } catch {
    return undefined;
  }
}

/**
 * The text did not parse as one value: read it as JSON lines, or report where it breaks. Only a
 * text whose first lines each hold an object can be JSON lines; in an array or a pretty-printed
 * object the first error in the whole text is the one to show.
 */
function parseLines(text: string, fileName: string): JsonRecord[] {
  if (!looksLikeJsonLines(text)) throw invalid(text, 0, text.length, fileName);
  const records: JsonRecord[] = [];
  let lineStart = 0;
  let lineNo = 0;
  while (lineStart <= text.length) {
    lineNo++;
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (line.trim() !== '') {
      let value: Json;
      try {
        value = JSON.parse(quoteLongNumbers(line)) as Json;
      } catch {
        throw invalid(text, lineStart, lineEnd, fileName);
      }
      if (!isRecord(value)) {
        throw new EngineError('json_invalid', {
          file: fileName,
          line: lineNo,
          column: line.length - line.trimStart().length + 1,
          text: snippetOf(line.trim()),
        });
      }
      records.push(value);
    }
    lineStart = lineEnd + 1;
  }
  return records;
}

function looksLikeJsonLines(text: string): boolean {
  let objects = 0;
  for (const line of text.split('\n', 100)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('{')) return false;
    if (++objects === 2) return true;
  }
  return false;
}

function invalid(text: string, from: number, to: number, fileName: string): EngineError {
  const error = findJsonSyntaxError(text, from, to) ?? findJsonSyntaxError(text, from, from);
  return new EngineError('json_invalid', {
    file: fileName,
    line: error?.line ?? 1,
    column: error?.column ?? 1,
    text: error?.snippet ?? '',
  });
}

function isRecord(value: Json): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isRecordList = (value: Json): value is JsonRecord[] =>
  Array.isArray(value) && value.length > 0 && value.every(isRecord);

/** How deep a wrapper object ({"result": {"orders": […]}}) is searched for its records. */
const WRAPPER_DEPTH = 3;

/**
 * The records of a parsed document: the array itself, or the largest array of objects inside a
 * wrapper object. An object with no such array and only plain values is taken as one record.
 */
function recordsIn(value: Json, fileName: string): JsonRecord[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    const bad = value.find((item) => !isRecord(item));
    if (bad !== undefined) {
      throw new EngineError('json_not_records', { file: fileName, found: snippetOf(value) });
    }
    return value as JsonRecord[];
  }
  if (isRecord(value)) {
    const list = largestRecordList(value, WRAPPER_DEPTH);
    if (list) return list;
    const values = Object.values(value);
    if (values.some((v) => Array.isArray(v) && v.length === 0)) return [];
    if (values.length > 0 && !values.some((v) => typeof v === 'object' && v !== null)) {
      return [value];
    }
  }
  throw new EngineError('json_not_records', { file: fileName, found: snippetOf(value) });
}

function largestRecordList(value: JsonRecord, depth: number): JsonRecord[] | null {
  let best: JsonRecord[] | null = null;
  for (const v of Object.values(value)) {
    const candidate = isRecordList(v)
      ? v
      : isRecord(v) && depth > 1
        ? largestRecordList(v, depth - 1)
        : null;
    if (candidate && (!best || candidate.length > best.length)) best = candidate;
  }
  return best;
}

const SNIPPET = 60;

function snippetOf(value: Json | string): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
}

function toTable(records: readonly JsonRecord[]): TableText {
  const keys = new Map<string, number>();
  for (const record of records) {
    for (const key in record) if (!keys.has(key)) keys.set(key, keys.size);
  }
  const keyList = [...keys.keys()];
  const csv = new CsvBuilder(uniqueHeaders(keyList));
  const row = new Array<string | null>(keyList.length);
  for (const record of records) {
    row.fill(null);
    for (const key in record) row[keys.get(key) as number] = fieldText(record[key] as Json);
    csv.addRow(row);
  }
  return csv.finish();
}

function fieldText(value: Json): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return plainDecimal(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}
