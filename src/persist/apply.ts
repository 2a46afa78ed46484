/**
 * The bridge between a configuration and the session: `snapshotConfig` reads what is on screen,
 * `applyConfig` puts a configuration back through the session's own actions (so every check and
 * recomputation they do still happens), and `replayFor` matches it to newly loaded columns.
 */
import { isComplete, FIELDS, type ColumnMapping, type Field } from '../analysis/mapping';
import { samePolicy } from '../analysis/policy';
import type { PlaybookDoc } from '../analysis/playbook';
import { SEGMENT_SCHEMES } from '../analysis/segments';
import type { LoadedDataset, LifecycleOptions, ValueOptions } from '../engine/types';
import type { Replay, Session } from '../state/session.svelte';
import type { PlaybookState } from '../state/playbook.svelte';
import type { PlaybookStorage } from '../state/playbookStorage';
import {
  CONFIG_FORMAT,
  CONFIG_VERSION,
  defaultConfig,
  mappingRefs,
  resolveMapping,
  resolveValueOptions,
  sameJson,
  valueSettingsOf,
  type AnalysisConfig,
  type ColumnNames,
  type SavedSegment,
} from './config';

/** The playbook's edits and where they are kept (so applied edits are kept too). */
export interface PlaybookLink {
  state: PlaybookState;
  storage: PlaybookStorage;
}

/** What the notebook cells offer for saving (src/notebook/notebook.svelte.ts). */
export interface NotebookLike {
  snapshot(): unknown;
  /** `from`: the cells came from a link or a file (marked, never run for the analyst). */
  restore(snapshot: unknown, from?: 'link' | 'file' | null): void;
}

/** The value map's kept selections, as saved work sees them (src/state/explore.svelte.ts). */
export interface SegmentsLike {
  savedSegments(): SavedSegment[];
  /** Put them back once the customers they name are on screen. */
  restoreSegments(segments: SavedSegment[]): void;
}

export function columnNames(loaded: LoadedDataset): ColumnNames {
  return {
    orders: loaded.columns.map((c) => c.name),
    customers: loaded.attributes?.columns ?? null,
  };
}

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Everything the analyst set, as a configuration (mapping and columns from the data on screen). */
export function snapshotConfig(
  session: Session,
  playbook: PlaybookLink | null,
  notebook: NotebookLike | null,
  segments: SegmentsLike | null = null,
): AnalysisConfig {
  const config = defaultConfig(session.locale);
  const current = session.current;
  if (current) {
    const names = columnNames(current.loaded);
    const { result, readOptions } = current;
    config.mapping = mappingRefs(result.mapping, names.orders);
    config.read = { encoding: readOptions.encoding, sheet: readOptions.sheet };
    if (readOptions.delimiter) config.read.delimiter = readOptions.delimiter;
    if (readOptions.fixedWidths) config.read.fixedWidths = [...readOptions.fixedWidths];
    config.dateFamily = result.dateFamily;
    config.asOf = result.asOf === result.defaultAsOf ? null : result.asOf;
    config.value = valueSettingsOf(plain(session.valueOptions), names);
  } else {
    config.value = valueSettingsOf(plain(session.valueOptions), { orders: [], customers: null });
  }
  config.policy = plain(session.policy);
  config.scheme = session.scheme;
  config.lifecycle = plain(session.lifecycleOptions);
  config.currency = session.currency;
  if (playbook) {
    for (const scheme of SEGMENT_SCHEMES) {
      const doc = plain(playbook.state.docs[scheme]);
      if (Object.keys(doc.entries).length) config.playbook[scheme] = doc;
    }
  }
  config.notebook = notebook ? plain(notebook.snapshot() ?? null) : null;
  config.segments = current && segments ? segments.savedSegments() : [];
  return { ...config, format: CONFIG_FORMAT, version: CONFIG_VERSION };
}

/** How a configuration met the loaded columns. */
export interface Fit {
  replay: Replay | null;
  moved: Field[];
  missing: Field[];
}

/**
 * The configuration on newly loaded columns: its roles found by name (then position); a role it
 * cannot place takes the engine's guess. No replay when the roles are still incomplete — the
 * analyst then checks the mapping as for any new file.
 */
export function fitConfig(config: AnalysisConfig, loaded: LoadedDataset): Fit {
  const names = columnNames(loaded);
  const { mapping, moved, missing } = resolveMapping(config.mapping, names.orders);
  const filled: ColumnMapping = { ...mapping };
  for (const field of FIELDS)
    if (filled[field] === null && !config.mapping[field]) filled[field] = loaded.guess[field];
  for (const field of missing) filled[field] = loaded.guess[field];
  const used = new Set<number>();
  for (const field of FIELDS) {
    const at = filled[field];
    // Two roles on one column is never what was saved: the guess lost to a saved role.
    if (at !== null && used.has(at)) filled[field] = null;
    else if (at !== null) used.add(at);
  }
  if (!isComplete(filled)) return { replay: null, moved, missing };
  const value = resolveValueOptions(config.value, names);
  return {
    replay: { mapping: filled, asOf: config.asOf, dateFamily: config.dateFamily, value },
    moved,
    missing,
  };
}

/** The settings that need no data: shown at once, used by the next analysis. */
export function applySettings(
  session: Session,
  config: AnalysisConfig,
  playbook: PlaybookLink | null,
  notebook: NotebookLike | null,
  /** Where the configuration came from: its notebook cells are marked as not the analyst's. */
  from: 'link' | 'file' | null = null,
  segments: SegmentsLike | null = null,
): void {
  session.locale = config.locale;
  session.currency = config.currency;
  session.policy = plain(config.policy);
  session.scheme = config.scheme;
  session.lifecycleOptions = plain(config.lifecycle) as LifecycleOptions;
  if (playbook) {
    // Only the schemes the configuration carries edits for: the analyst's own stay otherwise.
    for (const scheme of SEGMENT_SCHEMES) {
      const carried = config.playbook[scheme];
      if (!carried) continue;
      const doc: PlaybookDoc = plain(carried);
      if (!sameJson(plain(playbook.state.docs[scheme]), doc)) {
        playbook.state.docs[scheme] = doc;
        playbook.storage.save(scheme, doc);
      }
    }
  }
  if (notebook && config.notebook !== null) notebook.restore(plain(config.notebook), from);
  if (segments && config.segments.length > 0) segments.restoreSegments(plain(config.segments));
}

export type ApplyOutcome =
  | { state: 'applied'; moved: Field[]; missing: Field[] }
  | { state: 'needs_data' }
  | { state: 'needs_mapping'; missing: Field[] };

/**
 * Put a configuration back on the data on screen through the session's actions, redoing only
 * what changed: reading (encoding, sheet), analysis (mapping, dates, as-of, rules), scheme,
 * value, lifecycle. Without data on screen it only sets what needs none: `needs_data`.
 */
export async function applyConfig(
  session: Session,
  config: AnalysisConfig,
  playbook: PlaybookLink | null = null,
  notebook: NotebookLike | null = null,
  from: 'link' | 'file' | null = null,
  segments: SegmentsLike | null = null,
): Promise<ApplyOutcome> {
  const current = session.current;
  const previousPolicy = plain(session.policy);
  const previousScheme = session.scheme;
  const previousLifecycle = plain(session.lifecycleOptions);
  applySettings(session, config, playbook, notebook, from, segments);
  if (!current) return { state: 'needs_data' };

  const readChanged =
    (config.read.encoding !== null && config.read.encoding !== current.readOptions.encoding) ||
    (config.read.sheet !== null && config.read.sheet !== current.readOptions.sheet) ||
    (!!config.read.delimiter && config.read.delimiter !== current.readOptions.delimiter) ||
    (!!config.read.fixedWidths &&
      config.read.fixedWidths.join(',') !== (current.readOptions.fixedWidths ?? []).join(','));
  if (readChanged) {
    const before = session.replayFor;
    let fit: Fit | null = null;
    session.replayFor = (loaded) => {
      fit = fitConfig(config, loaded);
      return fit.replay;
    };
    try {
      await session.load(current.source, null, { ...config.read });
    } finally {
      session.replayFor = before;
    }
    const done = fit as Fit | null;
    if (!done?.replay) return { state: 'needs_mapping', missing: done?.missing ?? [] };
    return { state: 'applied', moved: done.moved, missing: done.missing };
  }

  const fit = fitConfig(config, current.loaded);
  if (!fit.replay) return { state: 'needs_mapping', missing: fit.missing };
  const { mapping, asOf, dateFamily } = fit.replay;
  const value = fit.replay.value as ValueOptions;
  const result = current.result;
  const wantedAsOf = asOf ?? result.defaultAsOf;
  const reanalyse =
    !sameJson(mapping, result.mapping) ||
    (dateFamily !== null && dateFamily !== result.dateFamily) ||
    (asOf !== null && wantedAsOf !== result.asOf) ||
    (asOf === null && result.asOf !== result.defaultAsOf) ||
    !samePolicy(config.policy, previousPolicy);
  const valueChanged = !sameJson(value, plain(session.valueOptions));
  if (reanalyse) {
    // A new analysis recomputes value and lifecycle with the session's settings: set them first.
    session.valueOptions = value;
    await session.applyMapping(mapping, dateFamily, asOf);
    return { state: 'applied', moved: fit.moved, missing: fit.missing };
  }
  if (config.scheme !== previousScheme) {
    session.scheme = previousScheme;
    await session.setScheme(config.scheme);
  }
  if (valueChanged) {
    await session.computeValue(value);
    // The lifecycle stages use P(alive) from the value step: redo them on the new values.
    await session.computeLifecycle(plain(config.lifecycle) as LifecycleOptions);
  } else if (!sameJson(config.lifecycle, previousLifecycle) || config.scheme !== previousScheme) {
    await session.computeLifecycle(plain(config.lifecycle) as LifecycleOptions);
  }
  return { state: 'applied', moved: fit.moved, missing: fit.missing };
}
