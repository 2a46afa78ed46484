/**
 * Problems the user can act on, by code; the UI words them in the user's language from `details`.
 * Anything else is a bug or an engine failure and is reported as `engine_failed`.
 */
export type EngineErrorCode =
  | 'cancelled'
  | 'superseded'
  | 'compute_timeout'
  | 'empty_file'
  | 'unsupported_format'
  | 'not_text'
  | 'encoding_mismatch'
  | 'file_damaged'
  | 'json_invalid'
  | 'json_not_records'
  | 'sheet_not_found'
  | 'sheet_empty'
  | 'all_rows_malformed'
  | 'csv_unreadable'
  | 'no_rows'
  | 'no_usable_columns'
  | 'mapping_incomplete'
  | 'no_valid_rows'
  | 'no_customers'
  | 'unknown_dataset'
  | 'invalid_as_of'
  | 'invalid_policy'
  | 'invalid_value_options'
  | 'invalid_split'
  | 'invalid_lifecycle_rules'
  | 'holdout_no_model'
  | 'engine_failed'
  | 'engine_restarted'
  | 'files_not_combinable'
  | 'file_too_large'
  | 'too_many_columns'
  | 'fixed_widths_needed'
  | 'no_purchases'
  | 'compressed_too_large'
  | 'out_of_memory'
  | 'url_unreachable'
  | 'selection_changed';

export type ErrorDetails = Record<string, string | number | string[] | null>;

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    readonly details: ErrorDetails = {},
  ) {
    super(`${code}${Object.keys(details).length ? ` ${JSON.stringify(details)}` : ''}`);
    this.name = 'EngineError';
  }
}

/** What crosses the worker boundary instead of a thrown error (Comlink keeps only the message). */
export type Outcome<T> =
  { ok: true; value: T } | { ok: false; code: EngineErrorCode; details: ErrorDetails };

export async function toOutcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    if (e instanceof EngineError) return { ok: false, code: e.code, details: e.details };
    const message = e instanceof Error ? e.message : String(e);
    // DuckDB stops cleanly at its memory limit; the user needs to know it is the data's size.
    if (message.startsWith('Out of Memory Error')) {
      return {
        ok: false,
        code: 'out_of_memory',
        details: { message: message.split('\n')[0] ?? '' },
      };
    }
    return { ok: false, code: 'engine_failed', details: { message } };
  }
}

export function fromOutcome<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new EngineError(outcome.code, outcome.details);
}
