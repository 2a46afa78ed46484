import * as Comlink from 'comlink';
import type { DbWorkerApi, EngineInfo } from '../../workers/db.worker';
import type { JobEvent, StepArgs, StepMethod, StepModule, StepResult } from '../../workers/api';
import { EngineError, fromOutcome, type Outcome } from './errors';

export interface CallOptions {
  /** Give up (and restart the engine) after this long. */
  timeoutMs: number;
}

/** A busy engine yields every 50 ms; one silent this long is hung (a wasm trap leaves calls pending). */
const HEARTBEAT_EVERY_MS = 2000;
const HEARTBEAT_GRACE_MS = 15_000;
export const START_TIMEOUT_MS = 60_000;
/** A second restart within this long turns automatic recovery off: something keeps failing. */
const RESTART_WINDOW_MS = 60_000;
/** Generous per-call limit when the caller names none; the heartbeat catches a hang sooner. */
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Why the engine was replaced. `step` is the step whose job was running when it stopped
 * responding (null when it crashed between jobs); that step is not run again by itself.
 * `recover` is false once the engine has been restarted twice within a minute.
 */
export interface Restart {
  reason: 'crashed' | 'hung';
  step: string | null;
  recover: boolean;
}

/**
 * The main thread's handle on the database worker: every call has a timeout, a heartbeat detects a
 * hung engine, and a crashed or hung engine is replaced by a fresh worker (`onRestart` tells the app,
 * which reloads the data on screen but never replays the step that was running).
 */
export class EngineClient {
  private worker!: Worker;
  private api!: Comlink.Remote<DbWorkerApi>;
  private failPending: ((e: EngineError) => void)[] = [];
  private restarts: number[] = [];
  /** The job the engine is running now, as the worker reported it (`step`). */
  running: string | null = null;
  ready!: Promise<EngineInfo>;
  onRestart: (restart: Restart) => void = () => {};

  private generation = 0;

  /** `createWorker(generation)` must pass the generation to the worker (see db.worker.ts). */
  constructor(private readonly createWorker: (generation: number) => Worker) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = this.createWorker(this.generation++);
    this.worker.addEventListener('error', () => this.replace('crashed'));
    this.api = Comlink.wrap<DbWorkerApi>(this.worker);
    this.running = null;
    const onJob = (event: JobEvent) => {
      this.running = event.state === 'start' ? event.label : null;
    };
    this.ready = this.call((api) => api.init(Comlink.proxy(onJob)), {
      timeoutMs: START_TIMEOUT_MS,
    });
  }

  private replace(reason: 'crashed' | 'hung'): void {
    const step = this.running;
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
    const failures = this.failPending;
    this.failPending = [];
    this.worker.terminate(); // never await close(): after a trap it never settles
    this.spawn();
    for (const fail of failures)
      fail(new EngineError('engine_restarted', { reason, step: step ?? '' }));
    this.onRestart({ reason, step, recover: this.restarts.length < 2 });
  }

  /** Restarts so far (automation hook: tests check that nothing loops). */
  get restartCount(): number {
    return this.generation - 1;
  }

  /** Automation hook for tests of the watchdog: the next job of `step` blocks the worker `ms`. */
  async blockNextJob(step: string, ms: number): Promise<void> {
    await this.api.blockNextJob(step, ms);
  }

  /** Ask the running call to stop; it then rejects with code 'cancelled'. */
  cancel(): void {
    void this.api.cancel();
  }

  /** A method of a step module (workers/steps/), typed from the module itself. */
  run<S extends StepModule, M extends StepMethod<S>>(
    step: S,
    method: M,
    args: StepArgs<S, M>,
    options: CallOptions = { timeoutMs: DEFAULT_TIMEOUT_MS },
  ): Promise<StepResult<S, M>> {
    return this.call(
      (api) => api.call(step, method, ...(args as unknown[])) as Promise<Outcome<StepResult<S, M>>>,
      options,
    );
  }

  async call<T>(
    work: (api: Comlink.Remote<DbWorkerApi>) => Promise<Outcome<T>>,
    options: CallOptions,
  ): Promise<T> {
    const api = this.api;
    let settled = false;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    let failThis: (e: EngineError) => void = () => {};
    const guard = new Promise<never>((_, reject) => {
      failThis = reject;
      this.failPending.push(reject);
      timeout = setTimeout(() => {
        if (!settled && api === this.api) this.replace('hung');
      }, options.timeoutMs);
      let lastPong = Date.now();
      heartbeat = setInterval(() => {
        if (Date.now() - lastPong > HEARTBEAT_GRACE_MS && !settled && api === this.api)
          this.replace('hung');
        void api.ping().then(() => (lastPong = Date.now()));
      }, HEARTBEAT_EVERY_MS);
    });
    try {
      return fromOutcome(await Promise.race([work(api), guard]));
    } finally {
      settled = true;
      this.failPending = this.failPending.filter((f) => f !== failThis);
      clearInterval(heartbeat);
      clearTimeout(timeout);
    }
  }
}

export function proxy<T extends object>(fn: T): T {
  return Comlink.proxy(fn);
}

export function transfer<T>(value: T, transferables: Transferable[]): T {
  return Comlink.transfer(value, transferables);
}
