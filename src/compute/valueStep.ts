/**
 * The value step across the workers: the engine prepares each customer's summary; the compute
 * workers fit the models side by side, one job per model (bounded fits, progress, cancel), and
 * one of them predicts with the model chosen; meanwhile the engine works out the figures that
 * need no prediction; then it writes the predictions back and derives tiers, classes, groups and
 * totals. Between its calls the engine is free, so paging, notebook cells and exports run while
 * the models are fitted.
 */
import { EngineError } from '../engine/errors';
import type { ValueOptions, ValueResult } from '../engine/types';
import { valueFitTasks, type ValueFitTask } from '../models/valueFitPlan';
import type { Progress } from '../models/steps';
import type { SummaryColumns } from '../models/summary';
import {
  DEFAULT_FIT_BUDGET,
  DEFAULT_VALUE_MODEL_OPTIONS,
  type ValueModelOptions,
} from '../models/valueModelOptions';
import type { Ports } from './ports';

export interface ValueStepContext {
  signal: AbortSignal;
  report: Parameters<Ports['compute']>[1]['onProgress'];
  /** Automation hook: the fit first blocks its worker this long (see ValueFitJob.spinMs). */
  spinMs?: number;
}

export async function valueStep(
  ports: Ports,
  datasetId: number,
  options: ValueOptions,
  context: ValueStepContext,
): Promise<ValueResult> {
  const { signal, report } = context;
  const inputs = await ports.engine('value', 'inputs', [datasetId, options]);
  if (signal.aborted) throw new EngineError('cancelled');
  const fitStarted = performance.now();
  // The engine works out what needs no prediction while the models are fitted.
  const factsOfInputs = ports.engine('value', 'facts', [datasetId, inputs.ticket, options]);
  factsOfInputs.catch(() => {}); // awaited below: a failure meanwhile is not unhandled
  // The engine also makes the customer days the lifecycle (the next step) starts from — once a
  // core is free: with as many fits as workers it would take a core from the fits (on 2 cores the
  // 5M-row fits took 4.1 s instead of 3.2 s). The lifecycle makes them itself if this fails or is
  // superseded, so nothing waits for it here.
  let daysAsked = false;
  const askForCustomerDays = () => {
    if (daysAsked) return;
    daysAsked = true;
    ports.engine('lifecycle', 'customerDays', [datasetId]).catch(() => {});
  };
  const modelOptions: ValueModelOptions = {
    ...DEFAULT_VALUE_MODEL_OPTIONS,
    unit: options.unit,
    horizonMonths: options.horizonMonths,
    monthlyDiscountRate: options.monthlyDiscountRate,
    margin: inputs.margin.value,
    purchaseModel: options.purchaseModel,
  };
  const tasks = valueFitTasks(inputs.summary, modelOptions).sort(
    (a, b) => FIT_ORDER.indexOf(a) - FIT_ORDER.indexOf(b),
  );
  const progress = sideBySide(tasks, report);
  if (tasks.length <= 1) askForCustomerDays();
  // One failed fit job (its worker stopped) ends the others: the step has failed.
  const fitting = new AbortController();
  const fitSignal = AbortSignal.any([signal, fitting.signal]);
  const fits = await Promise.all(
    tasks.map((task, i) =>
      ports
        .compute(
          {
            kind: 'valueFit',
            task,
            // Each job's arrays are transferred to its worker: each gets its own copy.
            summary: copyOf(inputs.summary),
            options: modelOptions,
            budget: DEFAULT_FIT_BUDGET,
            spinMs: i === 0 ? (context.spinMs ?? 0) : 0,
          },
          { signal: fitSignal, onProgress: (p) => progress.report(task, p) },
        )
        .catch((e: unknown) => {
          fitting.abort();
          throw e;
        })
        .finally(() => {
          progress.done(task);
          askForCustomerDays();
        }),
    ),
  );
  if (signal.aborted) throw new EngineError('cancelled');
  const values = await ports.compute(
    {
      kind: 'valuePredict',
      summary: inputs.summary,
      orderValue: inputs.orderValue,
      options: modelOptions,
      fits,
    },
    { signal, onProgress: report },
  );
  const fitMs = performance.now() - fitStarted;
  const facts = await factsOfInputs;
  if (signal.aborted) throw new EngineError('cancelled');
  const tables = await ports.engine('value', 'finish', [
    datasetId,
    inputs.ticket,
    options,
    {
      pAlive: values.pAlive,
      expectedPurchases: values.expectedPurchases,
      expectedSpend: values.expectedSpend,
      predictedValue: values.predictedValue,
    },
  ]);
  return {
    datasetId,
    asOf: inputs.asOf,
    options,
    method: values.method,
    purchaseModel: values.purchaseModel?.model ?? null,
    spendModel: values.spendModel,
    fits: values.fits,
    scores: values.choice?.scores ?? [],
    problems: values.problems,
    frequencySpendCorrelation: values.frequencySpendCorrelation,
    margin: inputs.margin,
    ...facts,
    ...tables,
    fitMs,
  };
}

/**
 * The fits in the order they are handed to the compute workers: the slowest first, so that with
 * fewer workers than fits the quick ones run one after the other beside it (at 100k customers
 * Pareto/NBD takes about as long as the other three together).
 */
const FIT_ORDER: readonly ValueFitTask[] = ['paretonbd', 'bgnbd', 'nbd', 'gammagamma'];

function copyOf(summary: SummaryColumns): SummaryColumns {
  return {
    x: summary.x.slice(),
    tx: summary.tx.slice(),
    T: summary.T.slice(),
    monetary: summary.monetary.slice(),
  };
}

/**
 * The progress of fits running side by side, as one line: the first fit (in `tasks` order) still
 * running is shown, so the panel reads one model at a time instead of flickering between them.
 */
function sideBySide(tasks: readonly ValueFitTask[], report: (progress: Progress) => void) {
  const running = new Set(tasks);
  const latest = new Map<ValueFitTask, Progress>();
  const shown = () => tasks.find((t) => running.has(t));
  return {
    report(task: ValueFitTask, p: Progress) {
      latest.set(task, p);
      if (shown() === task) report(p);
    },
    done(task: ValueFitTask) {
      running.delete(task);
      const next = shown();
      if (next !== undefined) report(latest.get(next) ?? { task: next });
    },
  };
}

/**
 * The longest any compute job may take before its worker is stopped: more than every fit's budget
 * together (the holdout job fits three models in one job), and a wide margin.
 */
export const COMPUTE_JOB_TIMEOUT_MS = 4 * DEFAULT_FIT_BUDGET.ms + 60_000;
