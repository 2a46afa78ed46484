import {
  clvSummarySql,
  holdoutActualsSql,
  holdoutParamsTableSql,
} from '../src/analysis/clvSummarySql';
import { isIsoDate, tableName } from '../src/analysis/sql';
import { EngineError } from '../src/engine/errors';
import type { HoldoutOptions, HoldoutResult } from '../src/engine/types';
import { fitBgNbd, type BgNbdFit } from '../src/models/bgnbd';
import { modelChoice, type PurchaseModel } from '../src/models/clv';
import { holdoutValidation } from '../src/models/holdout';
import { fitParetoNbd, type ParetoNbdFit } from '../src/models/paretoNbd';
import { compressRfm, daysPerUnit, type RfmColumns } from '../src/models/summary';
import type { SqlRunner } from './sqlRunner';

/** Fewer calibration days than this, or holdout days, and the comparison says nothing. */
const MIN_PERIOD_DAYS = 28;

const numbers = (values: ArrayLike<unknown>) =>
  Float64Array.from(values as ArrayLike<number>, Number);

/**
 * Calibration/holdout check of the purchase models: fit on the purchases before the split,
 * predict each customer's purchases from the split to the end (the analysis's as-of date), and
 * compare with what they did.
 */
export async function computeHoldout(
  sql: SqlRunner,
  datasetId: number,
  options: HoldoutOptions,
): Promise<HoldoutResult> {
  const params = tableName('params', datasetId);
  const { as_of: end, first_day: firstDay } = await sql.row<{ as_of: string; first_day: string }>(
    `SELECT strftime(p.as_of, '%Y-%m-%d') AS as_of,
       (SELECT strftime(min(first_purchase), '%Y-%m-%d') FROM ${tableName('rfm', datasetId)}) AS first_day
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
    const tx = tableName('tx', datasetId);
    const calibration = await sql.table(clvSummarySql({ txTable: tx, paramsTable: hparams }));
    const actuals = holdoutActualsSql({ txTable: tx, paramsTable: hparams, period: 'week' });
    const holdout = await sql.table(actuals.customers);
    const timeline = await sql.rows<{
      start_offset: number;
      end_offset: number;
      repeat_transactions: number;
    }>(actuals.timeline);
    const scale = 1 / daysPerUnit(options.unit);
    const columns: RfmColumns = {
      x: numbers(calibration.getChild('x')!.toArray()),
      tx: numbers(calibration.getChild('tx')!.toArray()).map((v) => v * scale),
      T: numbers(calibration.getChild('T')!.toArray()).map((v) => v * scale),
    };
    const actual = numbers(holdout.getChild('holdout_purchases')!.toArray());
    const model = fitPurchaseModel(columns, options.purchaseModel);
    const validation = holdoutValidation(model, {
      unit: options.unit,
      calibration: columns,
      holdoutActual: actual,
      holdoutDays: days(split, end),
      periods: timeline.map((p) => ({
        startOffset: p.start_offset,
        endOffset: p.end_offset,
        actual: p.repeat_transactions,
      })),
    });
    return {
      datasetId,
      split,
      end,
      unit: options.unit,
      model,
      customers: columns.x.length,
      bins: validation.bins,
      errors: validation.errors,
      tracking: validation.tracking.map((p) => ({
        endOffset: p.endOffset,
        cumulativeActual: p.cumulativeActual,
        cumulativeExpected: p.cumulativeExpected,
      })),
    };
  } finally {
    sql.runNow(`DROP TABLE IF EXISTS ${hparams}`);
  }
}

function fitPurchaseModel(
  columns: RfmColumns,
  wanted: HoldoutOptions['purchaseModel'],
): PurchaseModel {
  const rows = compressRfm(columns);
  const fits: (BgNbdFit | ParetoNbdFit)[] = [];
  try {
    if (wanted !== 'paretonbd') fits.push(fitBgNbd(rows));
    if (wanted !== 'bgnbd') fits.push(fitParetoNbd(rows));
  } catch (e) {
    throw new EngineError('holdout_no_model', {
      message: e instanceof Error ? e.message : String(e),
    });
  }
  const chosen = fits.find((f) => f.model === modelChoice(fits).chosen);
  if (!chosen) {
    throw new EngineError('holdout_no_model', { message: fits.map((f) => f.message).join('; ') });
  }
  return chosen.model === 'bgnbd'
    ? { model: 'bgnbd', params: chosen.params }
    : { model: 'paretonbd', params: chosen.params };
}
