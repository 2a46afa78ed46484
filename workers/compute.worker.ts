/**
 * The compute worker: model fitting, predictions, k-means and the holdout check, beside the
 * engine's worker so that a long fit never keeps the engine from answering. It holds no state
 * between jobs, so the page may terminate it at any time (a job past its time, or one that does
 * not hear cancel) and start another.
 */
import * as Comlink from 'comlink';
import { Cancelled, drive } from '../src/compute/driver';
import { jobSteps, NoModel, type ComputeJob, type JobResult } from '../src/compute/jobs';
import type { Outcome } from '../src/engine/errors';
import type { Progress } from '../src/models/steps';
import { ownBuffers, transferables } from '../src/engine/transfer';

const running = new Map<number, AbortController>();

const api = {
  ping: (): string => 'pong',
  /** Run a job; its inputs arrive transferred, its typed-array results leave transferred. */
  run: async <J extends ComputeJob>(
    jobId: number,
    job: J,
    onProgress?: (progress: Progress) => void,
  ): Promise<Outcome<JobResult<J>>> => {
    const controller = new AbortController();
    running.set(jobId, controller);
    try {
      const value = ownBuffers(
        await drive(jobSteps(job), { signal: controller.signal, onProgress }),
      );
      return Comlink.transfer({ ok: true, value }, transferables(value));
    } catch (e) {
      if (e instanceof Cancelled) return { ok: false, code: 'cancelled', details: {} };
      if (e instanceof NoModel)
        return { ok: false, code: 'holdout_no_model', details: { message: e.message } };
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, code: 'engine_failed', details: { message } };
    } finally {
      running.delete(jobId);
    }
  },
  cancel: (jobId: number): void => running.get(jobId)?.abort(),
};

export type ComputeWorkerApi = typeof api;

Comlink.expose(api);
