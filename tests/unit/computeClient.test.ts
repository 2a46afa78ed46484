/**
 * The compute pool: each job alone on a worker, jobs past the pool's size wait their turn, a
 * cancelled or overrunning job's worker is stopped and replaced, and a job cancelled while it
 * waits never starts. The workers are stand-ins over real MessageChannels (Comlink as in the
 * page) whose jobs end when the test says, so that every interleaving is chosen, not timed.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { ComputeWorkerApi } from '../../workers/compute.worker';
import type { KMeansJob } from '../../src/compute/jobs';
import { computePoolSize, ComputeClient } from '../../src/engine/computeClient';
import { EngineError } from '../../src/engine/errors';
import type { Outcome } from '../../src/engine/errors';
import type { ClusterFit } from '../../src/engine/types';

interface StandIn {
  name: number;
  terminated: boolean;
  /** Jobs started on this worker, by id, with how to end each. */
  jobs: Map<number, { finish: () => void; done: boolean; cancelled: boolean }>;
  /** The most jobs this worker ever had unfinished at once. */
  mostAtOnce: number;
  /** Whether the worker hears cancel (a job that blocks its thread does not). */
  hearsCancel: boolean;
}

const fit: ClusterFit = {
  k: 1,
  scores: [],
  cluster: new Int32Array(0),
  centroids: new Float64Array(0),
  ms: 0,
};

function pool(size: number) {
  const workers: StandIn[] = [];
  const ports: MessagePort[] = [];
  const client = new ComputeClient(() => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const standIn: StandIn = {
      name: workers.length + 1,
      terminated: false,
      jobs: new Map(),
      hearsCancel: true,
      mostAtOnce: 0,
    };
    workers.push(standIn);
    const api: Pick<ComputeWorkerApi, 'ping' | 'cancel'> & {
      run: (jobId: number) => Promise<Outcome<ClusterFit>>;
    } = {
      ping: () => 'pong',
      run: (jobId) =>
        new Promise((resolve) => {
          const job = {
            done: false,
            cancelled: false,
            finish: () => {
              job.done = true;
              resolve({ ok: true, value: fit });
            },
          };
          standIn.jobs.set(jobId, job);
          const unfinished = [...standIn.jobs.values()].filter((j) => !j.done).length;
          standIn.mostAtOnce = Math.max(standIn.mostAtOnce, unfinished);
        }),
      cancel: (jobId) => {
        const job = standIn.jobs.get(jobId);
        if (job && standIn.hearsCancel) job.cancelled = true;
      },
    };
    Comlink.expose(api, port2);
    return Object.assign(port1, {
      terminate: () => {
        standIn.terminated = true;
        port1.close();
        port2.close();
      },
    }) as unknown as Worker;
  }, size);
  return { client, workers, ports };
}

/** A job as the pool sees it (the stand-in workers never look inside). */
const job: KMeansJob = {
  kind: 'kmeans',
  inputs: {
    matrix: { data: new Float64Array(0), n: 0, d: 0 },
    monetary: new Float64Array(0),
    range: { kMin: 1, kMax: 1, fixedK: null },
  },
};

/** Until `check` holds (messages cross the channels between two looks). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

/** The jobs started and not finished, on workers still alive. */
const running = (workers: StandIn[]) =>
  workers.flatMap((w) => (w.terminated ? [] : [...w.jobs.values()].filter((j) => !j.done)));
const finishAll = (workers: StandIn[]) => running(workers).forEach((j) => j.finish());

let opened: MessagePort[] = [];
afterEach(() => {
  for (const p of opened) p.close();
  opened = [];
});

describe('the compute pool', () => {
  it('sizes itself to the machine: two on small machines, at most three', () => {
    expect(computePoolSize(undefined)).toBe(2);
    expect(computePoolSize(1)).toBe(2);
    expect(computePoolSize(2)).toBe(2);
    expect(computePoolSize(4)).toBe(3);
    expect(computePoolSize(64)).toBe(3);
  });

  it('runs each job alone on a worker; jobs past its size wait and start as workers free', async () => {
    const { client, workers, ports } = pool(2);
    opened = ports;
    const options = { timeoutMs: 10_000 };
    const results = [1, 2, 3, 4].map(() => client.run(structuredClone(job), options));
    await until(() => running(workers).length === 2);
    expect(workers).toHaveLength(2);
    // The first worker's job ends: the third job starts there, not on a new worker.
    running([workers[0]!])[0]!.finish();
    await until(() => workers[0]!.jobs.size === 2);
    expect(running(workers)).toHaveLength(2);
    finishAll(workers);
    await until(() => running(workers).length === 1);
    finishAll(workers);
    const done = await Promise.all(results);
    expect(done.map((d) => d.k)).toEqual([1, 1, 1, 1]);
    expect(workers).toHaveLength(2);
    expect(workers.map((w) => w.mostAtOnce)).toEqual([1, 1]);
    expect(workers.some((w) => w.terminated)).toBe(false);
  });

  it('a job cancelled while it waits never starts', async () => {
    const { client, workers, ports } = pool(1);
    opened = ports;
    const first = client.run(structuredClone(job), { timeoutMs: 10_000 });
    const controller = new AbortController();
    const second = client.run(structuredClone(job), {
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    await until(() => running(workers).length === 1);
    controller.abort();
    await expect(second).rejects.toMatchObject({ code: 'cancelled' });
    finishAll(workers);
    await first;
    expect(workers).toHaveLength(1);
    expect(workers[0]!.jobs.size).toBe(1);
  });

  it('a cancelled job’s worker takes no more work: the next job gets a fresh worker', async () => {
    const { client, workers, ports } = pool(1);
    opened = ports;
    const controller = new AbortController();
    const cancelled = client.run(structuredClone(job), {
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    await until(() => running(workers).length === 1);
    // This worker does not hear cancel (its job blocks the thread): it is stopped after a grace.
    workers[0]!.hearsCancel = false;
    controller.abort();
    const next = client.run(structuredClone(job), { timeoutMs: 10_000 });
    await until(() => workers.length === 2 && workers[1]!.jobs.size === 1);
    finishAll([workers[1]!]);
    await expect(next).resolves.toMatchObject({ k: 1 });
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers[1]!.terminated).toBe(false);
  });

  it('a job past its time stops its worker and fails in words; the waiting job runs on a new one', async () => {
    const { client, workers, ports } = pool(1);
    opened = ports;
    const late = client.run(structuredClone(job), { timeoutMs: 100 });
    const waiting = client.run(structuredClone(job), { timeoutMs: 10_000 });
    const error = await late.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'compute_timeout' });
    expect(workers[0]!.terminated).toBe(true);
    await until(() => workers.length === 2 && workers[1]!.jobs.size === 1);
    finishAll(workers);
    await expect(waiting).resolves.toMatchObject({ k: 1 });
  });
});
