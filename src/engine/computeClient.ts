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

/**
 * The main thread's handle on the compute worker (workers/compute.worker.ts). The worker holds
 * nothing between jobs, so a job that overruns or does not hear cancel is ended by terminating
 * the worker; the next job starts a fresh one. Nothing is ever retried here.
 */
export class ComputeClient {
  private worker: Worker | null = null;
  private api: Comlink.Remote<ComputeWorkerApi> | null = null;
  private nextJob = 1;
  /** Rejects every job of the current worker when it is stopped. */
  private stopAll = new Set<(e: EngineError) => void>();

  constructor(private readonly createWorker: () => Worker) {}

  private remote(): Comlink.Remote<ComputeWorkerApi> {
    if (!this.api) {
      this.worker = this.createWorker();
      this.worker.addEventListener('error', () =>
        this.stop(new EngineError('engine_failed', { message: 'the compute worker crashed' })),
      );
      this.api = Comlink.wrap<ComputeWorkerApi>(this.worker);
    }
    return this.api;
  }

  /** Terminate the worker; its jobs fail with `error`. */
  private stop(error: EngineError): void {
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    const failures = [...this.stopAll];
    this.stopAll.clear();
    for (const fail of failures) fail(error);
  }

  /**
   * Run a job. Its typed arrays are transferred to the worker: the caller must not use them
   * afterwards. Rejects with `cancelled` when the signal aborts.
   */
  async run<J extends ComputeJob>(job: J, options: ComputeOptions): Promise<JobResult<J>> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw new EngineError('cancelled');
    const api = this.remote();
    const jobId = this.nextJob++;
    let fail: (e: EngineError) => void = () => {};
    const stopped = new Promise<never>((_, reject) => (fail = reject));
    this.stopAll.add(fail);
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      void api.cancel(jobId);
      graceTimer = setTimeout(() => this.stop(new EngineError('cancelled')), CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = setTimeout(
      () =>
        this.stop(
          new EngineError('compute_timeout', { seconds: Math.round(options.timeoutMs / 1000) }),
        ),
      options.timeoutMs,
    );
    try {
      const outcome = await Promise.race([
        api.run(
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
      this.stopAll.delete(fail);
    }
  }
}
