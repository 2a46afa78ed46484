/**
 * Worker entry for `node bench/models.mjs`: bundled with rolldown into bench/models/dist/worker.js
 * and started as a dedicated Web Worker in headless Chromium, so the timings (taken inside, with
 * performance.now()) are what the app's own worker would see. One message = one case (or one
 * recovery sweep over seeds); the page starts a fresh worker for every run.
 */
import {
  runCase,
  runShape,
  runSweep,
  type CaseConfig,
  type ShapeCaseConfig,
  type SweepConfig,
} from './cases';

type Request =
  | { kind: 'case'; config: CaseConfig }
  | { kind: 'sweep'; config: SweepConfig }
  | { kind: 'shape'; config: ShapeCaseConfig };

self.onmessage = (event: MessageEvent<Request>) => {
  try {
    const { data } = event;
    const result =
      data.kind === 'case'
        ? runCase(data.config)
        : data.kind === 'shape'
          ? runShape(data.config)
          : runSweep(data.config);
    postMessage({ ok: true, result });
  } catch (e) {
    postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
};
