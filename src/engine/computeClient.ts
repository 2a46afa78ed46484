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
   */
  timeoutMs: number;
}

/** After cancel, a job that has not stopped within this long is stopped with its worker. */
const CANCEL_GRACE_MS = 1500;

/** One compute worker and the jobs it runs. */
interface WorkerSlot {
  worker: Worker;
  api: Comlink.Remote<ComputeWorkerApi>;
  /** Fails a job of this worker (when the worker is stopped). */
  jobs: Set<(e: EngineError) => void>;
}

/**
 * The main thread's handle on the compute worker (workers/compute.worker.ts). The worker holds
 * nothing between jobs, so a job that overruns or does not hear cancel is ended by terminating
 * its worker. A cancelled job's worker takes no new work: the next job starts a fresh worker, so
 * a stuck job can never take a later one down with it. Nothing is ever retried here.
 */
export class ComputeClient {
  private current: WorkerSlot | null = null;
  private nextJob = 1;

  constructor(private readonly createWorker: () => Worker) {}

  private slot(): WorkerSlot {
    if (!this.current) {
      const worker = this.createWorker();
      const slot: WorkerSlot = { worker, api: Comlink.wrap(worker), jobs: new Set() };
      worker.addEventListener('error', () =>
        this.stop(
          slot,
          new EngineError('engine_failed', { message: 'the compute worker crashed' }),
        ),
      );
      this.current = slot;
    }
    return this.current;
  }

  /** No new job goes to this worker; it ends once its jobs have. */
  private retire(slot: WorkerSlot): void {
    if (this.current === slot) this.current = null;
    if (slot.jobs.size === 0) slot.worker.terminate();
  }

  /** Terminate the worker; its jobs fail with `error`. */
  private stop(slot: WorkerSlot, error: EngineError): void {
    if (this.current === slot) this.current = null;
    slot.worker.terminate();
    const failures = [...slot.jobs];
    slot.jobs.clear();
    for (const fail of failures) fail(error);
  }

  /**
   * Run a job. Its typed arrays are transferred to the worker: the caller must not use them
   * afterwards. Rejects with `cancelled` when the signal aborts.
   */
  async run<J extends ComputeJob>(job: J, options: ComputeOptions): Promise<JobResult<J>> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw new EngineError('cancelled');
    const slot = this.slot();
    const jobId = this.nextJob++;
    let fail: (e: EngineError) => void = () => {};
    const stopped = new Promise<never>((_, reject) => (fail = reject));
    slot.jobs.add(fail);
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      void slot.api.cancel(jobId);
      if (this.current === slot) this.current = null;
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
      if (this.current !== slot) this.retire(slot);
    }
  }
}
