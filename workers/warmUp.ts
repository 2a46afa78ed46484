import type { EngineQueue } from './engineQueue';
import * as analysis from './steps/analysis';
import { loadCsv } from './steps/ingest';

/** Rows per warm-up round; two rounds bring the engine's hot paths to full speed (see README). */
const WARM_UP_ROWS = 200_000;
const ROUNDS = 2;

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
 * run). Running the whole pipeline on synthetic rows while the analyst reads the first screen pays
 * it in advance. Background work: any real request stops it.
 */
export async function warmUp(queue: EngineQueue, maxRounds = ROUNDS): Promise<number> {
  let rounds = 0;
  for (let round = 0; round < maxRounds; round++) {
    const finished = await queue
      .run(async (engine) => {
        const loaded = await loadCsv(engine, syntheticOrders(WARM_UP_ROWS), 'warm-up.csv');
        try {
          if (queue.shouldYield) return false;
          await analysis.methods.analyse(engine, loaded.datasetId, loaded.guess, {
            asOf: null,
            scheme: 'rfm11',
          });
          return true;
        } finally {
          engine.drop(loaded.datasetId);
        }
      }, 'background')
      .catch(() => false);
    if (!finished) break;
    rounds++;
  }
  return rounds;
}
