import type { Engine } from './engine';

type Priority = 'foreground' | 'background';

/**
 * Runs engine work one job at a time (a DuckDB connection takes one statement at a time, and a
 * job's statements belong together). A foreground job that arrives while background work runs
 * asks that work to stop, so warming the engine up never delays the analyst. Each job has a label
 * (its step); `onJob` hears when a job starts and ends, so that if the engine ever hangs, the page
 * knows which step it was running (and does not run it again).
 */
export class EngineQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private running: Priority | null = null;
  private preempted = false;
  /** Jobs queued or running, and when the last one ended (for `whenIdle`). */
  private active = 0;
  private lastEnd = 0;
  onJob: (label: string, state: 'start' | 'end') => void = () => {};

  constructor(private readonly engine: Engine) {}

  run<T>(
    job: (engine: Engine) => Promise<T> | T,
    priority: Priority = 'foreground',
    label = priority === 'background' ? 'warm-up' : 'engine',
  ): Promise<T> {
    if (priority === 'foreground' && this.running === 'background') {
      this.preempted = true;
      this.engine.cancel();
    }
    this.active++;
    const result = this.tail.then(async () => {
      this.running = priority;
      this.preempted = false;
      this.engine.beginWork();
      this.onJob(label, 'start');
      try {
        return await job(this.engine);
      } finally {
        this.running = null;
        this.active--;
        this.lastEnd = performance.now();
        this.onJob(label, 'end');
      }
    });
    this.tail = result.catch(() => {});
    return result;
  }

  /**
   * Resolves once no job has run for `quietMs` (true), or after `maxWaitMs` however busy the
   * engine is (false): background work waits for a pause in the analyst's.
   */
  async whenIdle(quietMs: number, maxWaitMs: number): Promise<boolean> {
    const until = performance.now() + maxWaitMs;
    for (;;) {
      const now = performance.now();
      if (this.active === 0 && now - this.lastEnd >= quietMs) return true;
      if (now >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** For background jobs: stop between steps once foreground work is waiting. */
  get shouldYield(): boolean {
    return this.preempted;
  }

  /** The analyst's cancel: stops whatever runs now. */
  cancel(): void {
    this.engine.cancel();
  }
}
