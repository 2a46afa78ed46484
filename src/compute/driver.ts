/**
 * Runs a computation in steps (src/models/steps.ts) in slices: it works for at most `sliceMs`,
 * then lets the thread's event loop run (messages: cancel, new jobs) before the next slice.
 * Progress is passed on at most every `progressEveryMs`, the latest report winning.
 */
import type { Progress, Steps } from '../models/steps';

export interface DriveOptions {
  /** Work between two pauses. Default 40 ms (the house rule is ≤ ~100 ms). */
  sliceMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
}

/** The computation was cancelled between two slices. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/**
 * A macrotask pause: setTimeout(0) is clamped to 4 ms once nested, a message on a channel is not.
 * Where MessageChannel is missing, setTimeout does.
 */
export function pause(): Promise<void> {
  if (typeof MessageChannel === 'undefined')
    return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export async function drive<T>(steps: Steps<T>, options: DriveOptions = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? 40;
  const progressEveryMs = options.progressEveryMs ?? 150;
  const { signal, onProgress } = options;
  let sliceStart = performance.now();
  let lastReport = -Infinity;
  let latest: Progress | null = null;
  const report = (now: number) => {
    if (latest && onProgress) onProgress(latest);
    latest = null;
    lastReport = now;
  };
  if (signal?.aborted) throw new Cancelled();
  for (;;) {
    const next = steps.next();
    if (next.done) {
      report(performance.now());
      return next.value;
    }
    if (next.value) latest = next.value;
    const now = performance.now();
    if (latest && now - lastReport >= progressEveryMs) report(now);
    if (now - sliceStart >= sliceMs) {
      await pause();
      if (signal?.aborted) {
        steps.return(undefined as T);
        throw new Cancelled();
      }
      sliceStart = performance.now();
    }
  }
}
