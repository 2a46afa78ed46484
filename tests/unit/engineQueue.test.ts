import { describe, expect, it } from 'vitest';
import { EngineQueue } from '../../workers/engineQueue';
import { syntheticOrders, warmUp } from '../../workers/warmUp';
import * as analysis from '../../workers/steps/analysis';
import { loadCsv } from '../../workers/steps/ingest';
import { startCoreEngine, utf8 } from './helpers/engine';

describe('engine queue', () => {
  it('runs jobs one at a time, in order', async () => {
    const queue = new EngineQueue(await startCoreEngine());
    const order: string[] = [];
    const a = queue.run(async (e) => {
      const loaded = await loadCsv(
        e,
        utf8('customer_id,order_date,amount\nA,2024-01-01,5\n'),
        'a.csv',
      );
      order.push('a');
      return loaded.datasetId;
    });
    const b = queue.run(async () => order.push('b'));
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
  });

  it('lets a foreground job pre-empt the warm-up, which then stops', async () => {
    const queue = new EngineQueue(await startCoreEngine());
    const realJob = () =>
      queue.run(async (e) => {
        const loaded = await loadCsv(
          e,
          utf8('customer_id,order_date,amount\nA,2024-01-01,5\n'),
          'real.csv',
        );
        return analysis.methods.analyse(e, loaded.datasetId, loaded.guess, {
          asOf: null,
          scheme: 'rfm11',
        });
      });
    let started = performance.now();
    await realJob();
    const aloneMs = performance.now() - started;
    started = performance.now();
    const oneRound = await warmUp(queue, 1);
    const roundMs = performance.now() - started;
    expect(oneRound).toBe(1);

    const starts: string[] = [];
    let roundStarted: () => void = () => {};
    const inRound = new Promise<void>((resolve) => (roundStarted = resolve));
    queue.onJob = (label, state) => {
      if (state !== 'start') return;
      starts.push(label);
      if (label === 'warm-up') roundStarted();
    };
    const warming = warmUp(queue);
    await inRound; // the warm-up is inside its first round
    await new Promise((r) => setTimeout(r, 50));
    started = performance.now();
    const result = await realJob();
    const waitedMs = performance.now() - started;
    expect(result.summary.customers).toBe(1);
    // The pre-empted round stops; it is tried again once the engine is idle, and then completes.
    const rounds = await warming;
    expect(rounds).toBeGreaterThanOrEqual(1);
    expect(starts.filter((l) => l === 'warm-up').length).toBeGreaterThan(rounds);
    // Waiting out the round would cost most of `roundMs`; pre-empted, the job waits for one statement.
    expect(waitedMs - aloneMs).toBeLessThan(roundMs / 2);
  });

  it('warms up fully when left alone', async () => {
    const queue = new EngineQueue(await startCoreEngine());
    expect(await warmUp(queue)).toBe(2);
  });

  it('makes synthetic orders the engine reads like a real export', () => {
    const text = new TextDecoder().decode(syntheticOrders(3));
    expect(text.split('\n')).toEqual([
      'customer_id,order_date,amount',
      'W0,2024-01-01,0.99',
      'W0,2024-02-08,1.99',
      'W0,2024-03-15,2.99',
    ]);
  });
});
