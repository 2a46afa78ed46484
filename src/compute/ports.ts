/**
 * What a step that spans both workers needs: a way to call the engine's step methods and a way
 * to run a compute job. The page passes its two worker clients; Node tests pass the same steps
 * run in-process, so one orchestration is tested and shipped.
 */
import type { StepArgs, StepMethod, StepModule, StepResult } from '../../workers/api';
import type { Progress } from '../models/steps';
import type { ComputeJob, JobResult } from './jobs';

export interface Ports {
  engine<S extends StepModule, M extends StepMethod<S>>(
    step: S,
    method: M,
    args: StepArgs<S, M>,
  ): Promise<StepResult<S, M>>;
  compute<J extends ComputeJob>(
    job: J,
    options: { signal: AbortSignal; onProgress: (progress: Progress) => void },
  ): Promise<JobResult<J>>;
}
