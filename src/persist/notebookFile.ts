/**
 * The `.valuemap.json` file: the configuration (settings and notebook cells), where the data came
 * from, and — only when the analyst asks — the aggregated results on screen and the raw files'
 * bytes (base64). Read back with the same field-by-field checks as the saved configuration; an
 * invalid file is refused whole and changes nothing.
 */
import type { SegmentRow, StageCount, Summary } from '../engine/types';
import { validateConfig, type AnalysisConfig, type ConfigError } from './config';
import { checkHeader, isRecord, readJson } from './json';

export const FILE_FORMAT = 'valuemap-notebook';
export const FILE_VERSION = 1;
export const FILE_EXTENSION = '.valuemap.json';

/** Warn before writing raw data larger than this into a JSON file (base64 adds a third). */
export const RAW_WARN_BYTES = 20 * 2 ** 20;
/** Refuse to read files larger than this (a browser tab holds the text and the decoded bytes). */
export const MAX_FILE_CHARS = 700 * 2 ** 20;

export interface SourceNote {
  kind: 'files' | 'url' | 'sample';
  names: string[];
  url: string | null;
  sample: string | null;
}

/** What was on screen: small tables, for reading the file without the app. */
export interface ResultsSnapshot {
  asOf: string;
  scheme: string;
  summary: Summary;
  segments: SegmentRow[];
  value: { historical: number; current: number; predicted: number; total: number } | null;
  stages: StageCount[] | null;
}

export interface RawFile {
  name: string;
  type: string;
  base64: string;
}

export interface NotebookFile {
  format: typeof FILE_FORMAT;
  version: typeof FILE_VERSION;
  savedAt: string;
  config: AnalysisConfig;
  source: SourceNote | null;
  results: ResultsSnapshot | null;
  data: RawFile[] | null;
}

export type FileError =
  ConfigError | { code: 'not_notebook' } | { code: 'data_damaged'; name: string };

export type FileCheck =
  { ok: true; file: NotebookFile; problems: string[] } | { ok: false; error: FileError };

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  try {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export function buildNotebookFile(o: {
  config: AnalysisConfig;
  source: SourceNote | null;
  results: ResultsSnapshot | null;
  data: RawFile[] | null;
  now: Date;
}): NotebookFile {
  return {
    format: FILE_FORMAT,
    version: FILE_VERSION,
    savedAt: o.now.toISOString(),
    config: o.config,
    source: o.source,
    results: o.results,
    data: o.data,
  };
}

export function serialiseNotebookFile(file: NotebookFile): string {
  return `${JSON.stringify(file, null, file.data ? undefined : 2)}\n`;
}

function sourceNote(v: unknown): SourceNote | null {
  if (!isRecord(v)) return null;
  const kind = v.kind;
  if (kind !== 'files' && kind !== 'url' && kind !== 'sample') return null;
  const names = Array.isArray(v.names) ? v.names.filter((n) => typeof n === 'string') : [];
  const text = (x: unknown) => (typeof x === 'string' && x.length <= 4096 ? x : null);
  return { kind, names: names.slice(0, 100), url: text(v.url), sample: text(v.sample) };
}

/** The file's text → a checked notebook file, or why it cannot be used. */
export function parseNotebookFile(text: string): FileCheck {
  const read = readJson(text, MAX_FILE_CHARS);
  if (!read.ok) return read;
  const raw = read.value;
  if (!isRecord(raw) || !isRecord(raw.config))
    return { ok: false, error: { code: 'not_notebook' } };
  const header = checkHeader(raw, FILE_FORMAT, FILE_VERSION, { code: 'not_notebook' } as const);
  if (!header.ok) return header;
  const checked = validateConfig(raw.config);
  if (!checked.ok) return checked;
  let data: RawFile[] | null = null;
  if (raw.data !== undefined && raw.data !== null) {
    if (!Array.isArray(raw.data) || raw.data.length === 0 || raw.data.length > 20)
      return { ok: false, error: { code: 'data_damaged', name: '' } };
    data = [];
    for (const f of raw.data as unknown[]) {
      const name = isRecord(f) && typeof f.name === 'string' ? f.name.slice(0, 255) : '';
      if (!isRecord(f) || !name || typeof f.base64 !== 'string' || base64ToBytes(f.base64) === null)
        return { ok: false, error: { code: 'data_damaged', name } };
      data.push({ name, type: typeof f.type === 'string' ? f.type : '', base64: f.base64 });
    }
  }
  return {
    ok: true,
    file: {
      format: FILE_FORMAT,
      version: FILE_VERSION,
      savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : '',
      config: checked.config,
      source: sourceNote(raw.source),
      // Results are for reading outside the app; the app recomputes them from the data.
      results: isRecord(raw.results) ? (raw.results as unknown as ResultsSnapshot) : null,
      data,
    },
    problems: checked.problems,
  };
}

/** The raw files of a notebook file as File objects, for the normal load path. */
export function rawFiles(data: RawFile[]): File[] {
  return data.map((f) => {
    const bytes = base64ToBytes(f.base64) ?? new Uint8Array();
    return new File([bytes as BlobPart], f.name, { type: f.type });
  });
}
