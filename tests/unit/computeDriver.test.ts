/**
 * The compute worker's driver runs a computation in slices: the thread is never held much longer
 * than a slice, cancel is heard between two, progress is passed on at a steady pace; and the
 * value jobs (fits side by side, then predictions) give the same answer sliced as run at once.
 */
import { describe, expect, it } from 'vitest';
import { Cancelled, drive, pause } from '../../src/compute/driver';
import { jobSteps } from '../../src/compute/jobs';
import {
  customerValues,
  DEFAULT_FIT_BUDGET,
  DEFAULT_VALUE_MODEL_OPTIONS,
  valueFitTasks,
  type ValueFitOutcome,
  type ValueFitTask,
} from '../../src/models/customerValue';
import { simulateParetoNbd } from '../../src/models/simulate';
import { type Progress, type Steps } from '../../src/models/steps';

/** A computation of `units` pieces of `unitMs` each, pausing after every piece. */
function* busy(units: number, unitMs: number): Steps<number> {
  for (let i = 0; i < units; i++) {
    const until = performance.now() + unitMs;
    while (performance.now() < until);
    yield { task: 'kmeans', iteration: i + 1, done: i + 1, total: units };
  }
  return units;
}

describe('the sliced driver', () => {
  it('lets the event loop run at least every slice', async () => {
    const gaps: number[] = [];
    let last = performance.now();
    let ticking = true;
    // A timer that records how long the thread was held between its turns.
    const tick = async () => {
      while (ticking) {
        await pause();
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
    };
    const ticker = tick();
    const result = await drive(busy(100, 4), { sliceMs: 40 });
    ticking = false;
    await ticker;
    expect(result).toBe(100);
    // 400 ms of work, and the thread never held for more than a slice plus one piece.
    expect(Math.max(...gaps)).toBeLessThan(40 + 4 + 25);
    expect(gaps.length).toBeGreaterThan(5);
  });

  it('hears cancel between two slices and stops there', async () => {
    const controller = new AbortController();
    let pieces = 0;
    function* counted(): Steps<number> {
      for (;;) {
        pieces++;
        const until = performance.now() + 2;
        while (performance.now() < until);
        yield;
      }
    }
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    await expect(drive(counted(), { sliceMs: 10, signal: controller.signal })).rejects.toThrow(
      Cancelled,
    );
    expect(performance.now() - started).toBeLessThan(30 + 10 + 30);
    const at = pieces;
    await new Promise((r) => setTimeout(r, 20));
    expect(pieces).toBe(at); // nothing runs after the cancel
  });

  it('passes progress on at most every progressEveryMs, and the last one at the end', async () => {
    const seen: Progress[] = [];
    await drive(busy(50, 2), { sliceMs: 10, progressEveryMs: 25, onProgress: (p) => seen.push(p) });
    // 100 ms of work reported about every 25 ms: a handful, not 50.
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.length).toBeLessThan(10);
    expect(seen.at(-1)).toMatchObject({ iteration: 50, done: 50 });
  });

  it('gives the same values from fit jobs side by side, sliced, as run at once', async () => {
    const simulated = simulateParetoNbd(
      { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
      {
        customers: 3000,
        calibrationLength: 39 * 7,
        birthWindow: 12 * 7,
        grid: 1,
        seed: 11,
        spend: { p: 6.25, q: 3.74, gamma: 15.44 },
      },
    );
    const options = DEFAULT_VALUE_MODEL_OPTIONS;
    const { summary } = simulated;
    const orderValue = summary.monetary.map((m) => m || 30);
    const tasks = valueFitTasks(summary, options);
    expect(tasks).toEqual(['bgnbd', 'paretonbd', 'nbd', 'gammagamma']);
    const fitJob = (task: ValueFitTask) => ({
      kind: 'valueFit' as const,
      task,
      summary,
      options,
      budget: DEFAULT_FIT_BUDGET,
    });
    const predictJob = (fits: ValueFitOutcome[]) => ({
      kind: 'valuePredict' as const,
      summary,
      orderValue,
      options,
      fits,
    });
    const progress: Progress[] = [];
    const sliced = {
      progressEveryMs: 0,
      sliceMs: 5,
      onProgress: (p: Progress) => progress.push(p),
    };
    // The page's order: the fits side by side (here interleaved on one thread), then predictions.
    const fits = await Promise.all(tasks.map((task) => drive(jobSteps(fitJob(task)), sliced)));
    const values = await drive(jobSteps(predictJob(fits)), sliced);
    const atOnce = customerValues(summary, orderValue, options);
    expect(values.method).toBe('model');
    expect(Array.from(values.predictedValue)).toEqual(Array.from(atOnce.predictedValue));
    expect(values.fits.map((f) => f.logLikelihood)).toEqual(
      atOnce.fits.map((f) => f.logLikelihood),
    );
    expect(values.fits.map((f) => f.model)).toEqual(tasks);
    expect(new Set(progress.map((p) => p.task))).toEqual(new Set([...tasks, 'predict']));
  });
});
