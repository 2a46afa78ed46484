import { EngineError, type EngineErrorCode, type ErrorDetails } from '../engine/errors';
import type { Progress } from '../models/steps';

/** Which analysis a background result belongs to. */
export interface AnalysisKey {
  datasetId: number;
  asOf: string;
}

/** Any failure as the code and details the UI words: an engine error as it is, else engine_failed. */
export function errorOf(e: unknown): { code: EngineErrorCode; details: ErrorDetails } {
  return e instanceof EngineError
    ? { code: e.code, details: e.details }
    : { code: 'engine_failed', details: { message: e instanceof Error ? e.message : String(e) } };
}

/** What a piece of background work gets: a signal that says it was superseded, and a reporter. */
export interface WorkContext {
  signal: AbortSignal;
  report: (progress: Progress) => void;
}

/**
 * One background result of the analysis on screen (value, lifecycle, holdout, clusters): its
 * status, progress, result and error, in its own panel. A new run supersedes the one in flight
 * (which is cancelled and whose result is never shown); a failure keeps the result shown before
 * for the same analysis beside the error. Nothing here runs work again by itself.
 */
export class Computation<T> {
  status = $state<'idle' | 'computing' | 'ready' | 'error'>('idle');
  result = $state.raw<T | null>(null);
  error = $state<{ code: EngineErrorCode; details: ErrorDetails } | null>(null);
  progress = $state.raw<Progress | null>(null);
  /** From the request to the result on the main thread (queueing included). */
  ms = $state<number | null>(null);
  /** The analysis the status and result belong to. */
  key = $state.raw<AnalysisKey | null>(null);
  // State, so that Cancel disappears the moment the work ends (`running` reads it).
  private controller = $state.raw<AbortController | null>(null);

  get datasetId(): number | null {
    return this.key?.datasetId ?? null;
  }

  get asOf(): string | null {
    return this.key?.asOf ?? null;
  }

  /** Whether the result belongs to this analysis. */
  isFor(key: AnalysisKey | null): boolean {
    return key !== null && sameKey(this.key, key);
  }

  /** The result when it belongs to this analysis, else null. */
  resultFor(key: AnalysisKey | null): T | null {
    return this.isFor(key) ? this.result : null;
  }

  /**
   * Run `work` for the analysis `key`, superseding any run in flight. Resolves to true when its
   * result is the one shown (false: failed, cancelled or superseded).
   */
  async run(key: AnalysisKey, work: (context: WorkContext) => Promise<T>): Promise<boolean> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const kept = sameKey(this.key, key) ? this.result : null;
    this.key = key;
    this.status = 'computing';
    this.result = kept;
    this.error = null;
    this.progress = null;
    const started = performance.now();
    const mine = () => this.controller === controller && !controller.signal.aborted;
    try {
      const result = await work({
        signal: controller.signal,
        report: (progress) => {
          if (mine()) this.progress = progress;
        },
      });
      if (!mine()) return false;
      this.result = result;
      this.status = 'ready';
      this.ms = performance.now() - started;
      return true;
    } catch (e) {
      if (mine()) {
        this.status = 'error';
        this.error = errorOf(e);
      }
      return false;
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.progress = null;
      }
    }
  }

  /** The analyst's cancel: the work stops and the panel says so (the last result stays). */
  cancel(): void {
    if (!this.controller) return;
    this.controller.abort();
    this.controller = null;
    this.status = 'error';
    this.error = { code: 'cancelled', details: {} };
    this.progress = null;
  }

  /** Mark the computation failed (e.g. its engine stopped while it ran); nothing is re-run. */
  fail(error: { code: EngineErrorCode; details: ErrorDetails }): void {
    this.controller?.abort();
    this.controller = null;
    this.status = 'error';
    this.error = error;
    this.progress = null;
  }

  /** Forget everything (another dataset is on screen). */
  reset(): void {
    this.controller?.abort();
    this.controller = null;
    this.key = null;
    this.status = 'idle';
    this.result = null;
    this.error = null;
    this.progress = null;
    this.ms = null;
  }

  get running(): boolean {
    return this.controller !== null;
  }
}

function sameKey(a: AnalysisKey | null, b: AnalysisKey | null): boolean {
  return a !== null && b !== null && a.datasetId === b.datasetId && a.asOf === b.asOf;
}
