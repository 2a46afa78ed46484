import * as Comlink from 'comlink';
import type { DbWorkerApi, EngineInfo } from '../../workers/db.worker';
import { EngineError, fromOutcome, type Outcome } from './errors';

export interface CallOptions {
  /** Give up (and restart the engine) after this long. */
  timeoutMs: number;
}

/** A busy engine yields every 50 ms; one silent this long is hung (a wasm trap leaves calls pending). */
const HEARTBEAT_EVERY_MS = 2000;
const HEARTBEAT_GRACE_MS = 15_000;
export const START_TIMEOUT_MS = 60_000;

/**
 * The main thread's handle on the database worker: every call has a timeout, a heartbeat detects a
 * hung engine, and a crashed or hung engine is replaced by a fresh worker (`onRestart` tells the app,
 * which reloads the session's data).
 */
export class EngineClient {
  private worker!: Worker;
  private api!: Comlink.Remote<DbWorkerApi>;
  private failPending: ((e: EngineError) => void)[] = [];
  ready!: Promise<EngineInfo>;
  onRestart: (reason: 'crashed' | 'hung') => void = () => {};

  private generation = 0;

  /** `createWorker(generation)` must pass the generation to the worker (see db.worker.ts). */
  constructor(private readonly createWorker: (generation: number) => Worker) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = this.createWorker(this.generation++);
    this.worker.addEventListener('error', () => this.replace('crashed'));
    this.api = Comlink.wrap<DbWorkerApi>(this.worker);
    this.ready = this.call((api) => api.init(), { timeoutMs: START_TIMEOUT_MS });
  }

  private replace(reason: 'crashed' | 'hung'): void {
    const failures = this.failPending;
    this.failPending = [];
    this.worker.terminate(); // never await close(): after a trap it never settles
    this.spawn();
    for (const fail of failures) fail(new EngineError('engine_restarted', { reason }));
    this.onRestart(reason);
  }

  /** Ask the running call to stop; it then rejects with code 'cancelled'. */
  cancel(): void {
    void this.api.cancel();
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
        if (!settled) this.replace('hung');
      }, options.timeoutMs);
      let lastPong = Date.now();
      heartbeat = setInterval(() => {
        if (Date.now() - lastPong > HEARTBEAT_GRACE_MS && !settled) this.replace('hung');
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
