/**
 * Long computations are written as generators so that whoever runs them decides when they pause:
 * a test or a benchmark runs one to the end at once (`runToEnd`), the compute worker runs it in
 * slices of a few tens of milliseconds (src/compute/driver.ts) so that cancel and new work are
 * heard, and progress reaches the screen. A generator yields `undefined` where it may pause and a
 * `Progress` where it has something to tell.
 */

/** Which model or step a progress report is about. */
export type ComputeTask =
  'bgnbd' | 'paretonbd' | 'nbd' | 'gammagamma' | 'predict' | 'kmeans' | 'holdout';

export interface Progress {
  task: ComputeTask;
  /** Optimiser iteration (fits) or k tried (clustering). */
  iteration?: number;
  /** Total log-likelihood at the current iterate (fits). */
  logLikelihood?: number;
  /** Work done and total, in the step's own units (predictions: customers). */
  done?: number;
  total?: number;
}

export type Tick = Progress | undefined;

/** A computation that can be paused at each yield. */
export type Steps<T> = Generator<Tick, T, void>;

/** Run a computation to its end without pausing. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Yield a pause point every `every` items of a loop over `n` (for per-customer loops). */
export function* pauseEvery(n: number, every: number, body: (start: number, end: number) => void) {
  for (let start = 0; start < n; start += every) {
    body(start, Math.min(n, start + every));
    yield;
  }
}
