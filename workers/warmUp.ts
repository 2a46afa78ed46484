import type { Engine } from './engine';
import type { EngineQueue } from './engineQueue';
import { DEFAULT_LIFECYCLE_RULES } from '../src/analysis/lifecycleRules';
import { DEFAULT_VALUE_OPTIONS, type LifecycleOptions } from '../src/engine/types';
import * as analysis from './steps/analysis';
import { loadCsv } from './steps/ingest';

/** Rows per warm-up round; two rounds bring the engine's hot paths to full speed (see README). */
const WARM_UP_ROWS = 200_000;
const ROUNDS = 2;
/** A round pre-empted by the analyst's work is tried again after a pause, this often at most. */
const ATTEMPTS = 4;
const QUIET_MS = 400;
const MAX_WAIT_MS = 10_000;

const DEFAULT_LIFECYCLE_OPTIONS: LifecycleOptions = {
  rules: { ...DEFAULT_LIFECYCLE_RULES },
  period: 'month',
  cohortPeriod: 'month',
  flowFrom: null,
  flowTo: null,
};

/** A synthetic order export shaped like the files analysts drop (ISO dates, 2-decimal amounts). */
export function syntheticOrders(rows: number): Uint8Array {
  const lines = ['customer_id,order_date,amount'];
  const customers = Math.max(1, Math.floor(rows / 10));
  for (let i = 0; i < rows; i++) {
    const day = 1 + ((i * 7) % 28);
    const month = 1 + ((i * 13) % 12);
    lines.push(
      `W${(i * 7919) % customers},2024-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day},${i % 997}.99`,
    );
  }
  return new TextEncoder().encode(lines.join('\n'));
}

/**
 * WebAssembly runs each function slowly until the browser has seen it run often; the first large
 * file paid for that (a 1M-row load and analysis took 4.1 s in a fresh page, 2.0 s on the third
 * run; the value step's SQL ran 3–4× slower in the page than the same SQL warmed in Node).
 * Running the whole pipeline's SQL — load, analysis, the value step's tables and the lifecycle —
 * on synthetic rows while the analyst reads the first screen pays it in advance. Background
 * work: any real request stops it between two steps, and a stopped round is tried again once the
 * engine has been idle a moment (a bounded number of times).
 */
/** One round: load, analysis, the value step's SQL and the lifecycle on synthetic orders. */
async function warmUpRound(engine: Engine, queue: EngineQueue): Promise<boolean> {
  const loaded = await loadCsv(engine, syntheticOrders(WARM_UP_ROWS), 'warm-up.csv');
  try {
    if (queue.shouldYield) return false;
    const id = loaded.datasetId;
    await analysis.methods.analyse(engine, id, loaded.guess, { asOf: null, scheme: 'rfm11' });
    if (queue.shouldYield) return false;
    // The value step's SQL before, during and after the fits (the models run in their own worker).
    const value = await import('./steps/value');
    const inputs = await value.methods.inputs(engine, id, DEFAULT_VALUE_OPTIONS);
    if (queue.shouldYield) return false;
    await value.methods.facts(engine, id, inputs.ticket, DEFAULT_VALUE_OPTIONS);
    if (queue.shouldYield) return false;
    const n = inputs.summary.x.length;
    const made = (v: number) => new Float64Array(n).fill(v);
    await value.methods.finish(engine, id, inputs.ticket, DEFAULT_VALUE_OPTIONS, {
      pAlive: made(0.5),
      expectedPurchases: made(1),
      expectedSpend: inputs.orderValue,
      predictedValue: inputs.orderValue,
    });
    if (queue.shouldYield) return false;
    const { methods } = await import('./steps/lifecycle');
    await methods.lifecycle(engine, id, DEFAULT_LIFECYCLE_OPTIONS, 'rfm11');
    return true;
  } finally {
    engine.drop(loaded.datasetId);
  }
}

export async function warmUp(queue: EngineQueue, maxRounds = ROUNDS): Promise<number> {
  let rounds = 0;
  for (let attempt = 0; attempt < ATTEMPTS && rounds < maxRounds; attempt++) {
    // The first screen's own steps (segmentation, clusters…) go first; the warm-up fills a pause.
    if (!(await queue.whenIdle(QUIET_MS, MAX_WAIT_MS))) continue;
    const finished = await queue
      .run(async (engine) => {
        // The warm-up's statements are no analysis's to show in "Show SQL".
        engine.sql.stepLogging = false;
        try {
          return await warmUpRound(engine, queue);
        } finally {
          engine.sql.stepLogging = true;
        }
      }, 'background')
      .catch(() => false);
    if (finished) rounds++;
  }
  return rounds;
}
