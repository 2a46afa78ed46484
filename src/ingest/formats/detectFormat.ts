import { detectMagic, looksBinary } from '../container';
import { findJsonSyntaxError } from './jsonSyntaxError';
import { zipHasEntry } from './zipEntries';

export type FileFormat =
  'delimited' | 'xlsx' | 'xls' | 'parquet' | 'json' | 'ndjson' | 'gzip' | 'zstd' | 'zip' | 'binary';

/**
 * What a file is, from its first bytes (give at least the first 64 KB; the whole file also
 * works). Magic bytes decide first, then the text itself; the name's extension only breaks ties,
 * because exports are often misnamed (a CSV saved as .xls, a Parquet renamed .csv).
 */
export function detectFormat(head: Uint8Array, fileName: string): FileFormat {
  const ext = extension(fileName);
  switch (detectMagic(head)) {
    case 'parquet':
      return 'parquet';
    case 'gzip':
      return 'gzip';
    case 'zstd':
      return 'zstd';
    case 'ole2':
      return 'xls';
    case 'zip':
      // Every entry of a workbook lies under xl/ ([Content_Types].xml and _rels/ aside). Only the
      // head may be here, and the workbook's entries may lie beyond it: then the name decides.
      return zipHasEntry(head, 'xl/') || XLSX_EXTENSIONS.has(ext) ? 'xlsx' : 'zip';
  }
  const json = jsonKind(headText(head), ext, head.length > HEAD_TEXT_BYTES);
  if (json) return json;
  return looksBinary(head) ? 'binary' : 'delimited';
}

const XLSX_EXTENSIONS = new Set(['xlsx', 'xlsm', 'xltx', 'xltm']);
const JSON_EXTENSIONS = new Set(['json', 'ndjson', 'jsonl']);

function extension(fileName: string): string {
  const name = fileName.toLowerCase().replace(/\.gz$/, '');
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** How much of the head is decoded for the JSON check. */
const HEAD_TEXT_BYTES = 65_536;

/** The start of the file as text, for the JSON check (UTF-8, or UTF-16 with a BOM). */
function headText(head: Uint8Array): string {
  const start = head.subarray(0, HEAD_TEXT_BYTES);
  if (start[0] === 0xff && start[1] === 0xfe) return new TextDecoder('utf-16le').decode(start);
  if (start[0] === 0xfe && start[1] === 0xff) return new TextDecoder('utf-16be').decode(start);
  return new TextDecoder('utf-8').decode(start); // drops a UTF-8 BOM
}

/** A text cut short may end inside a token (tru…, \u00…); an error this near the cut is the cut. */
const CUT_TOKEN = 8;

/**
 * JSON starts with '[' or '{', but so can delimited text: "[CustomerID],[OrderDate]" from SQL
 * Server, a column of "[10.0.0.1]". So the text must also follow the JSON grammar up to where it
 * ends (or up to where the head was cut). An object on the first line and another line starting
 * with '{' are JSON lines (NDJSON). A .json/.jsonl name settles the doubtful cases, so a broken
 * JSON file gets a JSON error rather than a CSV one.
 */
function jsonKind(text: string, ext: string, cut: boolean): 'json' | 'ndjson' | null {
  const start = text.length - text.trimStart().length;
  const first = text[start];
  if (first !== '[' && first !== '{') return null;
  const lines = ext === 'ndjson' || ext === 'jsonl';
  const lineEnd = text.indexOf('\n', start);
  if (first === '{' && lineEnd >= 0 && findJsonSyntaxError(text, start, lineEnd) === null) {
    const next = text.slice(lineEnd).trimStart();
    if (next.startsWith('{')) return 'ndjson';
  }
  const error = findJsonSyntaxError(text, start);
  const fits = error === null || (cut && error.offset >= text.length - CUT_TOKEN);
  if (fits || JSON_EXTENSIONS.has(ext)) return lines ? 'ndjson' : 'json';
  return null;
}
