/**
 * One background result of the analysis on screen: a newer run supersedes the one in flight (whose
 * result is never shown), cancel stops it and says so, a failure keeps the result shown before,
 * and nothing runs again by itself.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors';
import { Computation, type WorkContext } from '../../src/state/computation.svelte';

const A = { datasetId: 1, asOf: '2024-01-01' };
const B = { datasetId: 1, asOf: '2024-02-01' };

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Computation', () => {
  it('shows a result, and a newer run supersedes an older one', async () => {
    const c = new Computation<string>();
    const first = deferred<string>();
    let firstSignal: AbortSignal | null = null;
    const running = c.run(A, ({ signal }) => {
      firstSignal = signal;
      return first.promise;
    });
    expect(c.status).toBe('computing');
    const second = c.run(B, async () => 'b');
    expect(await second).toBe(true);
    first.resolve('a');
    expect(await running).toBe(false);
    expect(firstSignal!.aborted).toBe(true);
    expect(c.result).toBe('b');
    expect(c.isFor(B)).toBe(true);
    expect(c.resultFor(A)).toBeNull();
  });

  it('cancel stops the work and says so; the result shown before stays', async () => {
    const c = new Computation<string>();
    await c.run(A, async () => 'old');
    let context: WorkContext | null = null;
    const pending = deferred<string>();
    const running = c.run(A, (ctx) => {
      context = ctx;
      return pending.promise;
    });
    context!.report({ task: 'bgnbd', iteration: 3, logLikelihood: -100 });
    expect(c.progress).toMatchObject({ iteration: 3 });
    c.cancel();
    expect(context!.signal.aborted).toBe(true);
    expect(c.status).toBe('error');
    expect(c.error?.code).toBe('cancelled');
    expect(c.result).toBe('old');
    pending.resolve('late');
    expect(await running).toBe(false);
    expect(c.result).toBe('old'); // a result after cancel is never shown
    expect(c.progress).toBeNull();
  });

  it('a failure is shown with the last result of the same analysis, never retried', async () => {
    const c = new Computation<string>();
    await c.run(A, async () => 'good');
    let calls = 0;
    const shown = await c.run(A, async () => {
      calls++;
      throw new EngineError('engine_restarted', { step: 'value' });
    });
    expect(shown).toBe(false);
    expect(c.status).toBe('error');
    expect(c.error).toEqual({ code: 'engine_restarted', details: { step: 'value' } });
    expect(c.result).toBe('good');
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(1);
    // For another analysis, nothing of the old one is shown.
    await c.run(B, async () => {
      throw new Error('boom');
    });
    expect(c.result).toBeNull();
    expect(c.error).toEqual({ code: 'engine_failed', details: { message: 'boom' } });
  });

  it('fail marks a running computation failed without running it again', async () => {
    const c = new Computation<string>();
    const never = deferred<string>();
    void c.run(A, () => never.promise);
    c.fail({ code: 'engine_restarted', details: {} });
    expect(c.running).toBe(false);
    expect(c.status).toBe('error');
    never.resolve('x');
    await new Promise((r) => setTimeout(r, 0));
    expect(c.status).toBe('error');
  });
});
