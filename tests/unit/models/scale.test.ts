import { describe, expect, it } from 'vitest';
import { fitBgNbd } from '../../../src/models/bgnbd';
import { fitGammaGamma } from '../../../src/models/gammaGamma';
import { fitParetoNbd } from '../../../src/models/paretoNbd';
import { simulateBgNbd } from '../../../src/models/simulate';
import { compressRfm } from '../../../src/models/summary';

// Timings are measured by `npm run bench:models` (bench/models.mjs), not here.
describe('100,000 simulated customers (day-resolution times, like real data)', () => {
  it('compress to far fewer distinct histories, and every model converges on them', () => {
    const sim = simulateBgNbd(
      { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      {
        customers: 100_000,
        seed: 7,
        calibrationLength: 39,
        birthWindow: 12,
        grid: 1 / 7,
        spend: { p: 6.25, q: 3.74, gamma: 15.44 },
      },
    );
    const data = compressRfm(sim.summary);
    expect(data.customers).toBe(100_000);
    expect(data.x.length).toBeLessThan(50_000);
    const bg = fitBgNbd(data);
    const pareto = fitParetoNbd(data);
    const gg = fitGammaGamma(sim.summary);
    expect([bg.converged, pareto.converged, gg.converged]).toEqual([true, true, true]);
  });
});
