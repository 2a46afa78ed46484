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
    const result = this.tail.then(async () => {
      this.running = priority;
      this.preempted = false;
      this.engine.beginWork();
      this.onJob(label, 'start');
      try {
        return await job(this.engine);
      } finally {
        this.running = null;
        this.onJob(label, 'end');
      }
    });
    this.tail = result.catch(() => {});
    return result;
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
