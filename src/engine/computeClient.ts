import * as Comlink from 'comlink';
import type { ComputeWorkerApi } from '../../workers/compute.worker';
import type { ComputeJob, JobResult } from '../compute/jobs';
import type { Progress } from '../models/steps';
import { EngineError, fromOutcome } from './errors';
import { transferables } from './transfer';

export interface ComputeOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /**
   * The job's own budget plus a margin: past it the worker is stopped (whatever it is doing) and
   * the job fails with `compute_timeout`. The models stop themselves at their budgets long before.
   * Counted from when the job starts on a worker, not while it waits for one.
   */
  timeoutMs: number;
}

/** After cancel, a job that has not stopped within this long is stopped with its worker. */
const CANCEL_GRACE_MS = 1500;

/**
 * How many compute workers to run side by side. While the models are fitted the engine's worker
 * and the page are mostly idle, so even two cores run two fits at once; past three there are
 * not enough fits in a step to use more.
 */
export function computePoolSize(hardwareConcurrency: number | undefined): number {
  return Math.min(3, Math.max(2, (hardwareConcurrency ?? 2) - 1));
}

/** One compute worker and the jobs it runs (one at a time). */
interface WorkerSlot {
  worker: Worker;
  api: Comlink.Remote<ComputeWorkerApi>;
  /** Fails a job of this worker (when the worker is stopped). */
  jobs: Set<(e: EngineError) => void>;
}

/**
 * The main thread's handle on a small pool of compute workers (workers/compute.worker.ts): each
 * job runs alone on a worker, and jobs beyond the pool's size wait for one to be free. A worker
 * holds nothing between jobs, so a job that overruns or does not hear cancel is ended by
 * terminating its worker. A cancelled job's worker takes no new work: the next job starts a fresh
 * worker, so a stuck job can never take a later one down with it. Nothing is ever retried here.
 */
export class ComputeClient {
  /** The workers that take new jobs (a cancelled job's worker has left this list). */
  private slots: WorkerSlot[] = [];
  /** Jobs waiting for a worker, first come first served: each is woken to look again. */
  private waiting: (() => void)[] = [];
  private nextJob = 1;

  constructor(
    private readonly createWorker: () => Worker,
    readonly size = 1,
  ) {}

  private start(): WorkerSlot {
    const worker = this.createWorker();
    const slot: WorkerSlot = { worker, api: Comlink.wrap(worker), jobs: new Set() };
    worker.addEventListener('error', () =>
      this.stop(slot, new EngineError('engine_failed', { message: 'the compute worker crashed' })),
    );
    this.slots.push(slot);
    return slot;
  }

  /**
   * A free worker with `fail` registered on it as its job, at once or when one frees up. The job
   * is registered before this returns, so two waiters can never be handed the same worker.
   */
  private async claim(fail: (e: EngineError) => void, signal?: AbortSignal): Promise<WorkerSlot> {
    for (;;) {
      if (signal?.aborted) throw new EngineError('cancelled');
      const slot =
        this.slots.find((s) => s.jobs.size === 0) ??
        (this.slots.length < this.size ? this.start() : null);
      if (slot) {
        slot.jobs.add(fail);
        return slot;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', giveUp);
          resolve();
        };
        const giveUp = () => {
          this.waiting = this.waiting.filter((w) => w !== wake);
          resolve();
        };
        this.waiting.push(wake);
        signal?.addEventListener('abort', giveUp, { once: true });
      });
    }
  }

  /** A worker was freed or left the pool: the first waiting job looks again. */
  private wakeOne(): void {
    this.waiting.shift()?.();
  }

  /** No new job goes to this worker; it ends once its job has. */
  private retire(slot: WorkerSlot): void {
    this.slots = this.slots.filter((s) => s !== slot);
    if (slot.jobs.size === 0) slot.worker.terminate();
    this.wakeOne();
  }

  /** Terminate the worker; its job fails with `error`. */
  private stop(slot: WorkerSlot, error: EngineError): void {
    this.slots = this.slots.filter((s) => s !== slot);
    slot.worker.terminate();
    const failures = [...slot.jobs];
    slot.jobs.clear();
    for (const fail of failures) fail(error);
    this.wakeOne();
  }

  /**
   * Run a job. Its typed arrays are transferred to the worker: the caller must not use them
   * afterwards. Rejects with `cancelled` when the signal aborts.
   */
  async run<J extends ComputeJob>(job: J, options: ComputeOptions): Promise<JobResult<J>> {
    const { signal, onProgress } = options;
    let fail: (e: EngineError) => void = () => {};
    const stopped = new Promise<never>((_, reject) => (fail = reject));
    stopped.catch(() => {}); // raced below once the job has a worker
    const slot = await this.claim(fail, signal);
    if (signal?.aborted) {
      // Aborted in the moment between being handed the worker and starting on it.
      slot.jobs.delete(fail);
      this.wakeOne();
      throw new EngineError('cancelled');
    }
    const jobId = this.nextJob++;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      void slot.api.cancel(jobId);
      this.slots = this.slots.filter((s) => s !== slot);
      graceTimer = setTimeout(() => this.stop(slot, new EngineError('cancelled')), CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = setTimeout(
      () =>
        this.stop(
          slot,
          new EngineError('compute_timeout', { seconds: Math.round(options.timeoutMs / 1000) }),
        ),
      options.timeoutMs,
    );
    try {
      const outcome = await Promise.race([
        slot.api.run(
          jobId,
          Comlink.transfer(job, transferables(job)),
          onProgress ? Comlink.proxy(onProgress) : undefined,
        ),
        stopped,
      ]);
      return fromOutcome(outcome) as JobResult<J>;
    } finally {
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      signal?.removeEventListener('abort', onAbort);
      slot.jobs.delete(fail);
      if (this.slots.includes(slot)) this.wakeOne();
      else this.retire(slot);
    }
  }
}
