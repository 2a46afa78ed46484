/**
 * The database worker's API, generated from the step modules: every method of every step is
 * reached through one `call(step, method, args)` that queues it on the engine, turns its result
 * or error into an Outcome, and transfers the typed arrays it returns instead of copying them.
 * The steps after the segments load with import() when first used, outside the first download.
 */
import { toOutcome, type Outcome } from '../src/engine/errors';
import type { Engine } from './engine';
import type { EngineQueue } from './engineQueue';
import { ownBuffers } from '../src/engine/transfer';
import * as analysis from './steps/analysis';
import * as customers from './steps/customers';
import * as ingest from './steps/ingest';

export const STEP_MODULES = {
  ingest: () => Promise.resolve(ingest),
  analysis: () => Promise.resolve(analysis),
  customers: () => Promise.resolve(customers),
  value: () => import('./steps/value'),
  holdout: () => import('./steps/holdout'),
  lifecycle: () => import('./steps/lifecycle'),
  segmentation: () => import('./steps/segmentation'),
  notebook: () => import('./steps/notebook'),
  orders: () => import('./steps/orders'),
};

export type StepModule = keyof typeof STEP_MODULES;
/** The methods of a step module: functions of the engine and their arguments. */
export type StepMethods<S extends StepModule> = Awaited<
  ReturnType<(typeof STEP_MODULES)[S]>
>['methods'];
export type StepMethod<S extends StepModule> = keyof StepMethods<S> & string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function of the engine
type EngineFunction = (engine: Engine, ...args: any[]) => unknown;
/** The arguments of a step method after the engine. */
export type StepArgs<S extends StepModule, M extends StepMethod<S>> = StepMethods<S>[M] extends (
  engine: Engine,
  ...args: infer A
) => unknown
  ? A
  : never;
export type StepResult<S extends StepModule, M extends StepMethod<S>> = StepMethods<S>[M] extends (
  ...args: never[]
) => infer R
  ? Awaited<R>
  : never;

/** Which job of which step the engine is running: told to the page as jobs start and end. */
export interface JobEvent {
  label: string;
  state: 'start' | 'end';
}

/**
 * Automation hook for tests of the watchdog: the next job of `step` first blocks the worker for
 * `ms`, as a step stuck in one long synchronous call would (it hears nothing, not even pings).
 */
let blockNext: { step: string; ms: number } | null = null;
export function blockNextJob(step: string, ms: number): void {
  blockNext = { step, ms };
}

/** Run `method` of `step` on the engine, after the jobs before it. */
export async function callStep(
  queue: EngineQueue,
  step: string,
  method: string,
  args: unknown[],
): Promise<Outcome<unknown>> {
  return toOutcome(async () => {
    if (!(step in STEP_MODULES)) throw new Error(`unknown step ${step}`);
    const module = await STEP_MODULES[step as StepModule]();
    const fn = (module.methods as Record<string, EngineFunction | undefined>)[method];
    if (typeof fn !== 'function' || !Object.hasOwn(module.methods, method))
      throw new Error(`unknown method ${step}.${method}`);
    return ownBuffers(
      await queue.run(
        (engine) => {
          if (blockNext?.step === step) {
            const until = performance.now() + blockNext.ms;
            blockNext = null;
            while (performance.now() < until); // see blockNextJob
          }
          return fn(engine, ...args);
        },
        'foreground',
        step,
      ),
    );
  });
}
