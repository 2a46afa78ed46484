/**
 * The analyst's configuration as plain, versioned JSON: what autosave keeps, what a
 * `.valuemap.json` file and a shared link carry. It is data only — read with JSON.parse, checked
 * field by field, never evaluated — and refers to columns by name and position, so a file dropped
 * again with its columns in another order still maps.
 */
import { FIELDS, type ColumnMapping, type Field } from '../analysis/mapping';
import { DEFAULT_POLICY, validatePolicy, type IngestPolicy } from '../analysis/policy';
import { DEFAULT_LIFECYCLE_RULES, validateLifecycleRules } from '../analysis/lifecycleRules';
import { SEGMENT_SCHEMES, type SegmentScheme } from '../analysis/segments';
import { parsePlaybookDoc, type PlaybookDoc } from '../analysis/playbook';
import type { AttributeRef } from '../analysis/valueAttributesSql';
import { DATE_FAMILIES, type DateFamily } from '../ingest/dateFormats';
import { DELIMITERS, type Delimiter } from '../ingest/delimiter';
import { parseWidths } from '../ingest/fixedWidth';
import { SOURCE_ENCODINGS, type SourceEncoding } from '../ingest/encoding';
import { isCurrency, type Currency } from '../i18n/format';
import { isLocale, type Locale } from '../i18n/locales';
import { DEFAULT_VALUE_OPTIONS, type LifecycleOptions, type ValueOptions } from '../engine/types';
import { checkHeader, isRecord, readJson, type JsonError, type VersionError } from './json';

export const CONFIG_FORMAT = 'valuemap-config';
export const CONFIG_VERSION = 1;

/** A column as the analyst saw it: its header and where it stood. */
export interface ColumnRef {
  name: string;
  index: number;
}

/** A value-analysis column: in the orders or in the customer list, by name and position. */
export interface AttributeColumnRef extends ColumnRef {
  source: 'orders' | 'customers';
}

export interface ValueSettings extends Omit<
  ValueOptions,
  'channel' | 'referrer' | 'costColumn' | 'marginColumn' | 'cacColumn'
> {
  channel: AttributeColumnRef | null;
  referrer: AttributeColumnRef | null;
  costColumn: ColumnRef | null;
  marginColumn: ColumnRef | null;
  cacColumn: AttributeColumnRef | null;
}

export interface AnalysisConfig {
  format: typeof CONFIG_FORMAT;
  version: typeof CONFIG_VERSION;
  /** Roles of the columns; a role left out is not mapped. */
  mapping: Partial<Record<Field, ColumnRef>>;
  read: {
    encoding: SourceEncoding | null;
    sheet: string | null;
    delimiter?: Delimiter | null;
    /** Column widths of a fixed-width layout the analyst typed. */
    fixedWidths?: number[] | null;
  };
  /** null: as the engine profiles the date column. */
  dateFamily: DateFamily | null;
  /** null: the day after the last order (follows the data). */
  asOf: string | null;
  policy: IngestPolicy;
  scheme: SegmentScheme;
  value: ValueSettings;
  lifecycle: LifecycleOptions;
  /** Edited playbook entries per scheme (schemes without edits left out). */
  playbook: Partial<Record<SegmentScheme, PlaybookDoc>>;
  currency: Currency | null;
  locale: Locale;
  /** Notebook.snapshot(): plain JSON the notebook checks itself on restore. */
  notebook: unknown;
  /** Value-map selections kept under a name: the customers by id (positions change with data). */
  segments: SavedSegment[];
}

export interface SavedSegment {
  name: string;
  customers: string[];
}

/** Customers over all saved segments at most: more is a list, not a selection to keep here. */
export const MAX_SAVED_SEGMENT_CUSTOMERS = 200_000;

export type ConfigError = JsonError | VersionError | { code: 'not_config' };

export type ConfigCheck =
  { ok: true; config: AnalysisConfig; problems: string[] } | { ok: false; error: ConfigError };

/** Far above any real configuration; a bigger one is refused before it is parsed. */
export const MAX_CONFIG_CHARS = 2_000_000;
const MAX_NAME = 1000;
const MAX_NOTEBOOK_CHARS = 1_500_000;

export function defaultConfig(locale: Locale = 'en'): AnalysisConfig {
  const { channel, referrer, costColumn, marginColumn, cacColumn, ...plain } =
    structuredClone(DEFAULT_VALUE_OPTIONS);
  void [channel, referrer, costColumn, marginColumn, cacColumn];
  return {
    format: CONFIG_FORMAT,
    version: CONFIG_VERSION,
    mapping: {},
    read: { encoding: null, sheet: null },
    dateFamily: null,
    asOf: null,
    policy: structuredClone(DEFAULT_POLICY) as IngestPolicy,
    scheme: 'rfm11',
    value: {
      ...plain,
      channel: null,
      referrer: null,
      costColumn: null,
      marginColumn: null,
      cacColumn: null,
    },
    lifecycle: {
      rules: { ...DEFAULT_LIFECYCLE_RULES },
      period: 'month',
      cohortPeriod: 'month',
      flowFrom: null,
      flowTo: null,
    },
    playbook: {},
    currency: null,
    locale,
    notebook: null,
    segments: [],
  };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const isIsoDay = (v: unknown): v is string =>
  typeof v === 'string' && ISO_DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

function columnRef(v: unknown): ColumnRef | null {
  if (!isRecord(v)) return null;
  const { name, index } = v;
  if (typeof name !== 'string' || name.length > MAX_NAME) return null;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 100_000)
    return null;
  return { name, index };
}

function attributeRef(v: unknown): AttributeColumnRef | null {
  const ref = columnRef(v);
  if (!ref || !isRecord(v) || (v.source !== 'orders' && v.source !== 'customers')) return null;
  return { ...ref, source: v.source };
}

const between = (v: unknown, lo: number, hi: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

/** The value settings that are well-formed; each bad one keeps its default and is reported. */
function valueSettings(v: unknown, problems: string[]): ValueSettings {
  const out = defaultConfig().value;
  if (v === undefined) return out;
  if (!isRecord(v)) {
    problems.push('value');
    return out;
  }
  const take = <K extends keyof ValueSettings>(key: K, ok: boolean) => {
    if (!(key in v)) return;
    if (ok) out[key] = v[key] as ValueSettings[K];
    else problems.push(`value.${key}`);
  };
  take('unit', v.unit === 'days' || v.unit === 'weeks');
  take('horizonMonths', between(v.horizonMonths, 1, 120) && Number.isInteger(v.horizonMonths));
  take('monthlyDiscountRate', between(v.monthlyDiscountRate, 0, 0.5));
  take('margin', between(v.margin, 0, 1) && v.margin !== 0);
  take('windowDays', between(v.windowDays, 1, 3650) && Number.isInteger(v.windowDays));
  const tiers = v.tiers;
  take(
    'tiers',
    isRecord(tiers) &&
      between(tiers.high, 0.01, 0.99) &&
      between(tiers.mid, 0, 0.99) &&
      (tiers.high as number) + (tiers.mid as number) <= 1,
  );
  if (isRecord(tiers) && (out.tiers as unknown) === tiers)
    out.tiers = { high: Number(tiers.high), mid: Number(tiers.mid) };
  take('purchaseModel', ['auto', 'bgnbd', 'paretonbd'].includes(v.purchaseModel as string));
  for (const key of ['channel', 'referrer', 'cacColumn'] as const) {
    if (key in v) {
      const ref = v[key] === null ? null : attributeRef(v[key]);
      if (ref || v[key] === null) out[key] = ref;
      else problems.push(`value.${key}`);
    }
  }
  for (const key of ['costColumn', 'marginColumn'] as const) {
    if (key in v) {
      const ref = v[key] === null ? null : columnRef(v[key]);
      if (ref || v[key] === null) out[key] = ref;
      else problems.push(`value.${key}`);
    }
  }
  if (out.costColumn && out.marginColumn) {
    problems.push('value.costAndMargin');
    out.marginColumn = null;
  }
  if ('cac' in v) {
    const cac = v.cac;
    const ok =
      Array.isArray(cac) &&
      cac.length <= 1000 &&
      cac.every(
        (c) =>
          isRecord(c) &&
          typeof c.channel === 'string' &&
          c.channel.length <= MAX_NAME &&
          between(c.cac, 0, Number.MAX_VALUE),
      );
    if (ok)
      out.cac = (cac as { channel: string; cac: number }[]).map((c) => ({
        channel: c.channel,
        cac: c.cac,
      }));
    else problems.push('value.cac');
  }
  return out;
}

function lifecycleOptions(v: unknown, problems: string[]): LifecycleOptions {
  const out = defaultConfig().lifecycle;
  if (v === undefined) return out;
  if (!isRecord(v)) {
    problems.push('lifecycle');
    return out;
  }
  if ('rules' in v) {
    const checked = validateLifecycleRules(v.rules);
    out.rules = checked.rules;
    problems.push(...checked.problems.map((p) => `lifecycle.rules.${p}`));
  }
  if ('period' in v) {
    if (v.period === 'week' || v.period === 'month' || v.period === 'quarter')
      out.period = v.period;
    else problems.push('lifecycle.period');
  }
  if ('cohortPeriod' in v) {
    if (v.cohortPeriod === 'month' || v.cohortPeriod === 'quarter')
      out.cohortPeriod = v.cohortPeriod;
    else problems.push('lifecycle.cohortPeriod');
  }
  for (const key of ['flowFrom', 'flowTo'] as const) {
    if (!(key in v)) continue;
    if (v[key] === null || isIsoDay(v[key])) out[key] = v[key];
    else problems.push(`lifecycle.${key}`);
  }
  return out;
}

/** Plain JSON only (what JSON.parse can return), so a notebook snapshot is data and nothing else. */
function isPlainJson(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isPlainJson(x, depth + 1));
  if (isRecord(v) && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v).every((x) => isPlainJson(x, depth + 1));
  return false;
}

/**
 * A configuration read back (from storage, a file or a link): the format and version must be
 * ours, or it is refused as a whole; within it, each setting that is missing takes its default and
 * each one that is malformed keeps its default and is listed in `problems`.
 */
export function validateConfig(raw: unknown): ConfigCheck {
  const header = checkHeader(raw, CONFIG_FORMAT, CONFIG_VERSION, { code: 'not_config' } as const);
  if (!header.ok) return header;
  const input = header.doc;

  const problems: string[] = [];
  const config = defaultConfig();
  if ('mapping' in input) {
    if (isRecord(input.mapping)) {
      for (const [field, ref] of Object.entries(input.mapping)) {
        const checked = columnRef(ref);
        if ((FIELDS as readonly string[]).includes(field) && checked)
          config.mapping[field as Field] = checked;
        else if (ref !== null) problems.push(`mapping.${field}`);
      }
    } else problems.push('mapping');
  }
  if ('read' in input) {
    const read = input.read;
    if (isRecord(read)) {
      const { encoding, sheet } = read;
      if (encoding === undefined || encoding === null) config.read.encoding = null;
      else if (SOURCE_ENCODINGS.includes(encoding as SourceEncoding))
        config.read.encoding = encoding as SourceEncoding;
      else problems.push('read.encoding');
      if (sheet === undefined || sheet === null) config.read.sheet = null;
      else if (typeof sheet === 'string' && sheet.length <= MAX_NAME) config.read.sheet = sheet;
      else problems.push('read.sheet');
      const { delimiter } = read;
      if (delimiter === undefined || delimiter === null) delete config.read.delimiter;
      else if (DELIMITERS.includes(delimiter as Delimiter))
        config.read.delimiter = delimiter as Delimiter;
      else problems.push('read.delimiter');
      const { fixedWidths } = read;
      if (fixedWidths === undefined || fixedWidths === null) delete config.read.fixedWidths;
      else if (Array.isArray(fixedWidths) && parseWidths(fixedWidths.join(' ')) !== null)
        config.read.fixedWidths = fixedWidths.map(Number);
      else problems.push('read.fixedWidths');
    } else problems.push('read');
  }
  if ('dateFamily' in input) {
    const f = input.dateFamily;
    if (f === null || DATE_FAMILIES.includes(f as DateFamily))
      config.dateFamily = f as DateFamily | null;
    else problems.push('dateFamily');
  }
  if ('asOf' in input) {
    if (input.asOf === null || isIsoDay(input.asOf)) config.asOf = input.asOf;
    else problems.push('asOf');
  }
  if ('policy' in input) {
    // A link leaves out the rules that are at their defaults.
    const checked = validatePolicy(
      isRecord(input.policy) ? { ...DEFAULT_POLICY, ...input.policy } : input.policy,
    );
    if (checked.problems.length === 0) config.policy = checked.policy;
    else problems.push(...checked.problems.map((p) => `policy.${p}`));
  }
  if ('scheme' in input) {
    if (SEGMENT_SCHEMES.includes(input.scheme as SegmentScheme))
      config.scheme = input.scheme as SegmentScheme;
    else problems.push('scheme');
  }
  config.value = valueSettings(input.value, problems);
  config.lifecycle = lifecycleOptions(input.lifecycle, problems);
  if ('playbook' in input) {
    if (isRecord(input.playbook)) {
      for (const [scheme, doc] of Object.entries(input.playbook)) {
        if (!SEGMENT_SCHEMES.includes(scheme as SegmentScheme)) {
          problems.push(`playbook.${scheme}`);
          continue;
        }
        // The playbook's own reader keeps the well-formed entries of this scheme.
        const parsed = parsePlaybookDoc(JSON.stringify(doc), scheme as SegmentScheme);
        if (parsed.damaged) problems.push(`playbook.${scheme}`);
        if (Object.keys(parsed.doc.entries).length)
          config.playbook[scheme as SegmentScheme] = parsed.doc;
      }
    } else problems.push('playbook');
  }
  if ('currency' in input) {
    if (input.currency === null || isCurrency(input.currency)) config.currency = input.currency;
    else problems.push('currency');
  }
  if ('locale' in input) {
    if (isLocale(input.locale)) config.locale = input.locale;
    else problems.push('locale');
  }
  if ('segments' in input) {
    const checked = validSegments(input.segments);
    if (checked) config.segments = checked;
    else problems.push('segments');
  }
  if ('notebook' in input && input.notebook !== null) {
    const nb = input.notebook;
    if (isPlainJson(nb) && JSON.stringify(nb).length <= MAX_NOTEBOOK_CHARS)
      config.notebook = structuredClone(nb);
    else problems.push('notebook');
  }
  return { ok: true, config, problems };
}

/** Named lists of customer ids, within the limits; null when anything in them is not. */
function validSegments(input: unknown): SavedSegment[] | null {
  if (!Array.isArray(input)) return null;
  const out: SavedSegment[] = [];
  let total = 0;
  for (const s of input) {
    if (!isRecord(s) || typeof s.name !== 'string' || s.name.length > MAX_NAME) return null;
    if (!Array.isArray(s.customers)) return null;
    if (!s.customers.every((c) => typeof c === 'string' && c.length <= MAX_NAME)) return null;
    total += s.customers.length;
    if (total > MAX_SAVED_SEGMENT_CUSTOMERS) return null;
    out.push({ name: s.name, customers: [...(s.customers as string[])] });
  }
  return out;
}

/** Text (a file's content, a stored value) → a checked configuration. */
export function parseConfig(text: string): ConfigCheck {
  const read = readJson(text, MAX_CONFIG_CHARS);
  return read.ok ? validateConfig(read.value) : read;
}

/** The loaded columns a configuration is matched against. */
export interface ColumnNames {
  orders: readonly string[];
  /** The customer list's columns, or null without one. */
  customers: readonly string[] | null;
}

const normal = (s: string) => s.normalize('NFKC').trim().toLowerCase();

/**
 * Where a saved column is in the loaded file: at its old position if the header there is still
 * its name; else wherever a column of that name now is (exactly, then ignoring case and spaces);
 * else at its old position if that column's header is not claimed by another saved column (a
 * renamed header); else nowhere.
 */
export function locateColumn(
  ref: ColumnRef,
  names: readonly string[],
  claimed: ReadonlySet<string> = new Set(),
): number | null {
  if (names[ref.index] === ref.name) return ref.index;
  const exact = names.indexOf(ref.name);
  if (exact >= 0) return exact;
  const loose = names.findIndex((n) => normal(n) === normal(ref.name));
  if (loose >= 0) return loose;
  const there = names[ref.index];
  if (there !== undefined && !claimed.has(normal(there))) return ref.index;
  return null;
}

/** The saved roles on the loaded columns; `moved` lists roles whose column changed position. */
export function resolveMapping(
  saved: AnalysisConfig['mapping'],
  names: readonly string[],
): { mapping: ColumnMapping; moved: Field[]; missing: Field[] } {
  const claimed = new Set(Object.values(saved).map((r) => normal(r.name)));
  const mapping = Object.fromEntries(FIELDS.map((f) => [f, null])) as ColumnMapping;
  const moved: Field[] = [];
  const missing: Field[] = [];
  for (const field of FIELDS) {
    const ref = saved[field];
    if (!ref) continue;
    const at = locateColumn(ref, names, claimed);
    mapping[field] = at;
    if (at === null) missing.push(field);
    else if (at !== ref.index) moved.push(field);
  }
  return { mapping, moved, missing };
}

function resolveAttribute(
  ref: AttributeColumnRef | null,
  columns: ColumnNames,
): AttributeRef | null {
  if (!ref) return null;
  const names = ref.source === 'orders' ? columns.orders : columns.customers;
  if (!names) return null;
  // A value column found only by its old position is a guess too far: it must keep its name.
  const at = locateColumn(ref, names, new Set(names.map(normal)));
  return at === null ? null : { source: ref.source, column: at };
}

/** The value settings on the loaded columns (columns no longer there are dropped). */
export function resolveValueOptions(value: ValueSettings, columns: ColumnNames): ValueOptions {
  const orders = (ref: ColumnRef | null) =>
    ref ? (resolveAttribute({ ...ref, source: 'orders' }, columns)?.column ?? null) : null;
  return {
    ...value,
    tiers: { ...value.tiers },
    cac: value.cac.map((c) => ({ ...c })),
    channel: resolveAttribute(value.channel, columns),
    referrer: resolveAttribute(value.referrer, columns),
    cacColumn: resolveAttribute(value.cacColumn, columns),
    costColumn: orders(value.costColumn),
    marginColumn: orders(value.marginColumn),
  };
}

/** Positions → references by name and position, for saving. */
export function mappingRefs(
  mapping: ColumnMapping,
  names: readonly string[],
): AnalysisConfig['mapping'] {
  const out: AnalysisConfig['mapping'] = {};
  for (const field of FIELDS) {
    const at = mapping[field];
    const name = at === null ? undefined : names[at];
    if (at !== null && name !== undefined) out[field] = { name, index: at };
  }
  return out;
}

export function valueSettingsOf(options: ValueOptions, columns: ColumnNames): ValueSettings {
  const attr = (ref: AttributeRef | null): AttributeColumnRef | null => {
    if (!ref) return null;
    const names = ref.source === 'orders' ? columns.orders : columns.customers;
    const name = names?.[ref.column];
    return name === undefined ? null : { source: ref.source, name, index: ref.column };
  };
  const col = (at: number | null): ColumnRef | null =>
    at === null || columns.orders[at] === undefined
      ? null
      : { name: columns.orders[at], index: at };
  return {
    unit: options.unit,
    horizonMonths: options.horizonMonths,
    monthlyDiscountRate: options.monthlyDiscountRate,
    margin: options.margin,
    windowDays: options.windowDays,
    tiers: { ...options.tiers },
    purchaseModel: options.purchaseModel,
    cac: options.cac.map((c) => ({ channel: c.channel, cac: c.cac })),
    channel: attr(options.channel),
    referrer: attr(options.referrer),
    cacColumn: attr(options.cacColumn),
    costColumn: col(options.costColumn),
    marginColumn: col(options.marginColumn),
  };
}

/** Deep equality of plain JSON values. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]))
    );
  }
  return false;
}

/** Settings written whole when they differ (a part of them means nothing on its own). */
const WHOLE = new Set(['mapping', 'playbook', 'notebook', 'segments', 'value.tiers']);

function diff(value: unknown, base: unknown, path: string): unknown {
  if (!isRecord(value) || !isRecord(base) || WHOLE.has(path)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!sameJson(v, base[k])) out[k] = diff(v, base[k], path ? `${path}.${k}` : k);
  }
  return out;
}

/**
 * The configuration with every setting that equals its default left out, at any depth: what a
 * link carries. validateConfig fills the defaults back in.
 */
export function compactConfig(config: AnalysisConfig): Record<string, unknown> {
  const compact = diff(config, defaultConfig(config.locale), '') as Record<string, unknown>;
  // Always written: the format, and the language (a missing one would read as the default).
  return { format: config.format, version: config.version, locale: config.locale, ...compact };
}
