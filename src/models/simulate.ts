/**
 * Seeded simulation of customers from the BG/NBD or Pareto/NBD purchase process with Gamma-Gamma
 * spend, producing the same summary the models are fitted on. For parameter-recovery tests and
 * benchmarks: the same seed always gives the same customers, in Node and in the browser.
 */
import type { BgNbdParams } from './bgnbd';
import type { GammaGammaParams } from './gammaGamma';
import type { ParetoNbdParams } from './paretoNbd';
import type { SummaryColumns } from './summary';

/** Uniform random numbers in (0, 1). */
export type Rng = () => number;

/**
 * sfc32 (Small Fast Counting generator, PractRand-clean) seeded through splitmix32; 53-bit doubles
 * from two outputs. Chosen because it is tiny, fast in JavaScript's 32-bit integer arithmetic and
 * gives identical streams on every engine.
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32();
  return () => {
    const hi = next32() >>> 5; // 27 bits
    const lo = next32() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) / 9007199254740992; // never exactly 0 or 1
  };
}

function sampleNormal(rng: Rng): number {
  // Box–Muller; one of the pair is discarded to keep the generator stateless.
  return Math.sqrt(-2 * Math.log(rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * log of a Gamma(shape, 1) draw (Marsaglia & Tsang 2000, with the U^(1/shape) boost for shape < 1
 * kept in log space so tiny shapes do not underflow to 0).
 */
export function sampleLogGamma(rng: Rng, shape: number): number {
  if (shape < 1) return sampleLogGamma(rng, shape + 1) + Math.log(rng()) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return Math.log(d * v);
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** A Gamma(shape, rate) draw (mean shape / rate). */
export function sampleGamma(rng: Rng, shape: number, rate: number): number {
  return Math.exp(sampleLogGamma(rng, shape)) / rate;
}

/** A Beta(a, b) draw, as X / (X + Y) of gammas computed in log space. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const lx = sampleLogGamma(rng, a);
  const ly = sampleLogGamma(rng, b);
  return 1 / (1 + Math.exp(ly - lx));
}

export interface SimulationOptions {
  customers: number;
  seed?: number;
  /** End of the calibration period; customers' ages T are measured to it. */
  calibrationLength: number;
  /** First purchases are uniform on [0, birthWindow). Default: the calibration length. */
  birthWindow?: number;
  /**
   * Time grid (e.g. 1/7 for days when the unit is weeks): event times are floored to it and
   * events in the same cell merge, as purchases on one day do in real data. 0 (default) keeps
   * exact times, so the data follow the model exactly.
   */
  grid?: number;
  /** Length of a holdout period after calibration whose purchases are counted (default 0). */
  holdoutLength?: number;
  /** Gamma-Gamma spend parameters; without them `monetary` is 0. */
  spend?: GammaGammaParams;
}

export interface SimulatedCustomers {
  summary: SummaryColumns;
  /** Each customer's latent purchase rate λ. */
  lambda: Float64Array;
  /** Still alive at the end of calibration (1) or not (0). */
  alive: Uint8Array;
  /** Purchases (grid cells) in the holdout period. */
  holdoutPurchases: Float64Array;
  /** Each customer's latent spend scale ν (0 without `spend`). */
  nu: Float64Array;
}

/**
 * The shared loop: each customer is born uniformly in the birth window, buys at Poisson rate λ
 * while alive, and dies either with probability `dropout` right after a repeat purchase (BG/NBD)
 * or at the absolute time `deathTime` (Pareto/NBD).
 */
function simulateCustomers(
  options: SimulationOptions,
  draw: (rng: Rng, birth: number) => { lambda: number; dropout: number; deathTime: number },
): SimulatedCustomers {
  const n = options.customers;
  const rng = createRng(options.seed ?? 1);
  const end = options.calibrationLength;
  const birthWindow = options.birthWindow ?? end;
  const grid = options.grid ?? 0;
  const holdoutEnd = end + (options.holdoutLength ?? 0);
  // Cells of the time grid (the identity without a grid); the epsilon keeps 39 / (1/7) at 273.
  const cell = (t: number) => (grid > 0 ? Math.floor(t / grid + 1e-9) : t);
  const unit = grid > 0 ? grid : 1;
  const summary: SummaryColumns = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    monetary: new Float64Array(n),
  };
  const lambdaOut = new Float64Array(n);
  const alive = new Uint8Array(n);
  const holdout = new Float64Array(n);
  const nuOut = new Float64Array(n);
  const endCell = cell(end);
  const spend = options.spend;
  for (let i = 0; i < n; i++) {
    const birth = rng() * birthWindow;
    const { lambda, dropout, deathTime } = draw(rng, birth);
    const nu = spend ? sampleGamma(rng, spend.q, spend.gamma) : 0;
    lambdaOut[i] = lambda;
    nuOut[i] = nu;
    const firstCell = cell(birth);
    let lastCell = firstCell;
    let lastHoldoutCell = endCell;
    let repeatCells = 0;
    let repeatSpend = 0;
    let holdoutCells = 0;
    let diedAt = deathTime;
    let t = birth;
    for (;;) {
      t += -Math.log(rng()) / lambda;
      if (t > holdoutEnd || t > diedAt) break;
      const c = cell(t);
      if (t <= end) {
        if (c !== lastCell) {
          repeatCells++;
          lastCell = c;
        }
        // Same-cell purchases add to that cell's spend, so z̄ is the mean per repeat cell.
        if (spend) repeatSpend += sampleGamma(rng, spend.p, nu);
      } else if (c !== lastHoldoutCell) {
        holdoutCells++;
        lastHoldoutCell = c;
      }
      if (dropout > 0 && rng() < dropout) {
        diedAt = t;
        break;
      }
    }
    summary.x[i] = repeatCells;
    summary.tx[i] = (lastCell - firstCell) * unit;
    summary.T[i] = (endCell - firstCell) * unit;
    summary.monetary[i] = repeatCells > 0 ? repeatSpend / repeatCells : 0;
    alive[i] = diedAt > end ? 1 : 0;
    holdout[i] = holdoutCells;
  }
  return { summary, lambda: lambdaOut, alive, holdoutPurchases: holdout, nu: nuOut };
}

/**
 * Customers from the BG/NBD process: λ ~ Gamma(r, α), dropout probability p ~ Beta(a, b) applied
 * after each repeat purchase, so nobody drops out before their first repeat purchase. With
 * `spend`, each transaction's value is Gamma(p, ν) with ν ~ Gamma(q, γ) per customer; `monetary`
 * is the mean over repeat grid cells of the summed value in each (the summary definition).
 */
export function simulateBgNbd(params: BgNbdParams, options: SimulationOptions): SimulatedCustomers {
  return simulateCustomers(options, (rng) => ({
    lambda: sampleGamma(rng, params.r, params.alpha),
    dropout: sampleBeta(rng, params.a, params.b),
    deathTime: Infinity,
  }));
}

/**
 * Customers from the Pareto/NBD process: λ ~ Gamma(r, α) while alive, and a lifetime from the
 * first purchase ~ Exponential(μ) with μ ~ Gamma(s, β). Spend as in `simulateBgNbd`.
 */
export function simulateParetoNbd(
  params: ParetoNbdParams,
  options: SimulationOptions,
): SimulatedCustomers {
  return simulateCustomers(options, (rng, birth) => {
    const lambda = sampleGamma(rng, params.r, params.alpha);
    const mu = sampleGamma(rng, params.s, params.beta);
    return { lambda, dropout: 0, deathTime: birth - Math.log(rng()) / mu };
  });
}
