import {
  clvSummarySql,
  holdoutActualsSql,
  holdoutParamsTableSql,
} from '../../src/analysis/clvSummarySql';
import { isIsoDate } from '../../src/analysis/sql';
import { EngineError } from '../../src/engine/errors';
import type { HoldoutInputs, HoldoutOptions } from '../../src/engine/types';
import type { Engine } from '../engine';

/** Fewer calibration days than this, or holdout days, and the comparison says nothing. */
const MIN_PERIOD_DAYS = 28;

const numbers = (values: ArrayLike<unknown>) =>
  Float64Array.from(values as ArrayLike<number>, Number);

/**
 * Calibration/holdout check of the purchase models, engine side: each customer's summary on the
 * purchases before the split, what they bought from the split to the end (the analysis's as-of
 * date), and the weekly timeline. The fit and the comparison run in the compute worker
 * (src/compute/jobs.ts).
 */
async function inputs(
  engine: Engine,
  datasetId: number,
  options: HoldoutOptions,
): Promise<HoldoutInputs> {
  const dataset = engine.analysed(datasetId);
  const { sql } = engine;
  const params = dataset.table('params');
  const { as_of: end, first_day: firstDay } = await sql.row<{ as_of: string; first_day: string }>(
    `SELECT strftime(p.as_of, '%Y-%m-%d') AS as_of,
       (SELECT strftime(min(first_purchase), '%Y-%m-%d') FROM ${dataset.rfm}) AS first_day
     FROM ${params} p`,
  );
  const split = options.splitDate;
  const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
  if (
    !isIsoDate(split) ||
    days(firstDay, split) < MIN_PERIOD_DAYS ||
    days(split, end) < MIN_PERIOD_DAYS
  ) {
    throw new EngineError('invalid_split', {
      split,
      first: firstDay,
      last: end,
      days: MIN_PERIOD_DAYS,
    });
  }
  const hparams = `${params}_holdout`;
  try {
    sql.runWithParams(holdoutParamsTableSql(hparams), [split, end]);
    const tx = dataset.table('tx');
    const calibration = await sql.table(clvSummarySql({ txTable: tx, paramsTable: hparams }));
    const actuals = holdoutActualsSql({ txTable: tx, paramsTable: hparams, period: 'week' });
    const holdout = await sql.table(actuals.customers);
    const timeline = await sql.rows<{
      start_offset: number;
      end_offset: number;
      repeat_transactions: number;
    }>(actuals.timeline);
    return {
      split,
      end,
      holdoutDays: days(split, end),
      calibrationDays: {
        x: numbers(calibration.getChild('x')!.toArray()),
        tx: numbers(calibration.getChild('tx')!.toArray()),
        T: numbers(calibration.getChild('T')!.toArray()),
      },
      actual: numbers(holdout.getChild('holdout_purchases')!.toArray()),
      periods: timeline.map((p) => ({
        startOffset: p.start_offset,
        endOffset: p.end_offset,
        actual: p.repeat_transactions,
      })),
    };
  } finally {
    sql.runNow(`DROP TABLE IF EXISTS ${hparams}`);
  }
}

/** The worker's API of this step (workers/api.ts). */
export const methods = { inputs };
