/**
 * One benchmark run of the CLV models, as the app's worker would do it: simulate customers with
 * known parameters (seeded), compress them into unique (x, tₓ, T) rows, fit BG/NBD, Pareto/NBD and
 * Gamma-Gamma, and predict for every customer. Pure TypeScript (no DOM), so the same code runs in
 * the browser worker (worker.ts) and, for quick checks, in Node.
 */
import {
  bgnbdGradient,
  bgnbdLogLikelihood,
  compressRfm,
  customerLifetimeValue,
  expandRows,
  expectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaExpectedSpendColumns,
  gammaGammaGradient,
  gammaGammaLogLikelihood,
  paretoNbdGradient,
  probabilityAlive,
  simulateBgNbd,
  type BgNbdParams,
  type CompressedRfm,
  type GammaGammaParams,
  type MleResult,
  type ParetoNbdParams,
} from '../../src/models';
import { DEFAULT_FIT_BUDGET } from '../../src/models/valueModelOptions';
import { shapeSummary, type ShapeName } from './shapes';

export interface CaseConfig {
  name: string;
  customers: number;
  seed: number;
  /** Time grid in weeks: 1/7 = whole days (as the app's data), 0 = exact times. */
  grid: number;
  calibrationWeeks: number;
  birthWindowWeeks: number;
  holdoutWeeks: number;
  truth: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams };
  pareto: boolean;
  /** Also fit BG/NBD on one row per customer (weights 1), to show compression changes nothing. */
  uncompressed: boolean;
}

type Named = Record<string, number>;

/** Any of the three fits: MLE results with named parameters. */
type AnyFit = Omit<MleResult, 'params' | 'standardErrors'> & {
  params: object;
  standardErrors: object;
};

export interface FitReport {
  params: Named;
  standardErrors: Named;
  /** |estimate − truth| / SE per parameter (only where the truth is known). */
  zScores?: Named;
  logLikelihood: number;
  /** LL at the true parameters, for comparison (only where known). */
  logLikelihoodAtTruth?: number;
  /** Largest |∂(mean LL)/∂ log θ| at the optimum (the optimiser's criterion). */
  gradientNorm: number;
  /** Largest |∂(total LL)/∂θ| at the optimum, in natural parameters. */
  gradientNormTotal: number;
  converged: boolean;
  message: string;
  iterations: number;
  evaluations: number;
  starts: { start: number[]; logLikelihood: number; converged: boolean; iterations: number }[];
  /** The same fit from a start not among the defaults. */
  secondStart: {
    start: Named;
    params: Named;
    logLikelihood: number;
    /** |LL₂ − LL₁| / |LL₁| */
    relativeLlDifference: number;
    /** Largest |θ₂ − θ₁| / SE */
    maxParamDifferenceInSe: number;
    converged: boolean;
    ms: number;
  };
}

export interface CaseResult {
  name: string;
  customers: number;
  rows: number;
  repeatCustomers: number;
  /** Σ x: repeat purchases (distinct purchase days after the first when times are in days). */
  repeatPurchases: number;
  timings: Record<string, number>;
  bgnbd: FitReport;
  paretoNbd?: FitReport;
  gammaGamma: FitReport;
  uncompressedBgNbd?: { logLikelihood: number; params: Named; relativeLlDifference: number };
  predictions: {
    meanProbabilityAlive: number;
    expectedPurchases52: number;
    actualHoldoutPurchases: number;
    meanExpectedSpend: number;
    totalClv12: number;
  };
}

function timed<T>(timings: Record<string, number>, key: string, run: () => T): T {
  const t0 = performance.now();
  const value = run();
  timings[key] = performance.now() - t0;
  return value;
}

const maxAbs = (v: ArrayLike<number>) =>
  Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

function report(
  fit: AnyFit,
  gradient: Float64Array,
  second: {
    start: object;
    fit: AnyFit;
    ms: number;
  },
  truth?: Named,
  llAtTruth?: number,
): FitReport {
  const params = fit.params as Named;
  const se = fit.standardErrors as Named;
  const p2 = second.fit.params as Named;
  const out: FitReport = {
    params,
    standardErrors: se,
    logLikelihood: fit.logLikelihood,
    gradientNorm: fit.gradientNorm,
    gradientNormTotal: maxAbs(gradient),
    converged: fit.converged,
    message: fit.message,
    iterations: fit.iterations,
    evaluations: fit.evaluations,
    starts: fit.starts,
    secondStart: {
      start: second.start as Named,
      params: p2,
      logLikelihood: second.fit.logLikelihood,
      relativeLlDifference:
        Math.abs(second.fit.logLikelihood - fit.logLikelihood) / Math.abs(fit.logLikelihood),
      maxParamDifferenceInSe: Math.max(
        ...Object.keys(params).map(
          (k) => Math.abs((p2[k] as number) - (params[k] as number)) / (se[k] as number),
        ),
      ),
      converged: second.fit.converged,
      ms: second.ms,
    },
  };
  if (truth) {
    out.zScores = Object.fromEntries(
      Object.keys(truth).map((k) => [
        k,
        Math.abs((params[k] as number) - (truth[k] as number)) / (se[k] as number),
      ]),
    );
    out.logLikelihoodAtTruth = llAtTruth as number;
  }
  return out;
}

/** A fit from one start outside the defaults, timed: it must land on the same optimum. */
function fromStart<P, F>(start: P, fit: () => F): { start: P; fit: F; ms: number } {
  const started = performance.now();
  const result = fit();
  return { start, fit: result, ms: performance.now() - started };
}

export function runCase(c: CaseConfig): CaseResult {
  const t: Record<string, number> = {};
  const sim = timed(t, 'simulateMs', () =>
    simulateBgNbd(c.truth.bgnbd, {
      customers: c.customers,
      seed: c.seed,
      calibrationLength: c.calibrationWeeks,
      birthWindow: c.birthWindowWeeks,
      grid: c.grid,
      holdoutLength: c.holdoutWeeks,
      spend: c.truth.gammaGamma,
    }),
  );
  const s = sim.summary;
  const data = timed(t, 'compressMs', () => compressRfm(s));

  // BG/NBD: default starts (what the app runs), then a start not among them.
  const bg = timed(t, 'bgnbdFitMs', () => fitBgNbd(data));
  const bgStart2: BgNbdParams = { r: 2, alpha: 40, a: 3, b: 12 };
  const bgReport = report(
    bg,
    bgnbdGradient(bg.params, data),
    fromStart(bgStart2, () => fitBgNbd(data, { startParams: [bgStart2], agreeing: 1 })),
    c.truth.bgnbd as unknown as Named,
    bgnbdLogLikelihood(c.truth.bgnbd, data),
  );

  let uncompressedBgNbd: CaseResult['uncompressedBgNbd'];
  if (c.uncompressed) {
    const n = s.x.length;
    const raw: CompressedRfm = {
      x: s.x,
      tx: s.tx,
      T: s.T,
      weight: new Float64Array(n).fill(1),
      customers: n,
      rowOf: Int32Array.from({ length: n }, (_, i) => i),
    };
    const u = timed(t, 'bgnbdUncompressedFitMs', () => fitBgNbd(raw));
    uncompressedBgNbd = {
      logLikelihood: u.logLikelihood,
      params: u.params as unknown as Named,
      relativeLlDifference:
        Math.abs(u.logLikelihood - bg.logLikelihood) / Math.abs(bg.logLikelihood),
    };
  }

  let paretoReport: FitReport | undefined;
  if (c.pareto) {
    const pn = timed(t, 'paretoNbdFitMs', () => fitParetoNbd(data));
    const pnStart2: ParetoNbdParams = { r: 2, alpha: 40, s: 2, beta: 80 };
    paretoReport = report(
      pn,
      paretoNbdGradient(pn.params, data),
      fromStart(pnStart2, () => fitParetoNbd(data, { startParams: [pnStart2], agreeing: 1 })),
    );
  }

  const gg = timed(t, 'gammaGammaFitMs', () => fitGammaGamma(s));
  const ggStart2: GammaGammaParams = { p: 2, q: 2, gamma: 5 };
  const ggReport = report(
    gg,
    gammaGammaGradient(gg.params, s),
    fromStart(ggStart2, () => fitGammaGamma(s, { startParams: [ggStart2], agreeing: 1 })),
    c.truth.gammaGamma as unknown as Named,
    gammaGammaLogLikelihood(c.truth.gammaGamma, s),
  );

  // Per-customer predictions from the fitted BG/NBD + Gamma-Gamma, computed once per unique
  // history and expanded to customers (expected spend depends on z̄, so it is per customer).
  const model = { model: 'bgnbd' as const, params: bg.params };
  const predicted = timed(t, 'predictionsMs', () => {
    const alive = expandRows(probabilityAlive(model, data), data.rowOf);
    const purchases = expandRows(expectedPurchases(model, 52, data), data.rowOf);
    const spend = gammaGammaExpectedSpendColumns(gg.params, s.x, s.monetary);
    const perUnitSpend = customerLifetimeValue(
      model,
      data,
      new Float64Array(data.x.length).fill(1),
      {
        unit: 'weeks',
        months: 12,
        monthlyDiscountRate: 0.01,
      },
    );
    const clv = expandRows(perUnitSpend, data.rowOf);
    for (let i = 0; i < clv.length; i++) clv[i] = (clv[i] as number) * (spend[i] as number);
    return { alive, purchases, spend, clv };
  });
  const sum = (v: ArrayLike<number>) => {
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += v[i] as number;
    return acc;
  };
  let repeatCustomers = 0;
  for (let i = 0; i < s.x.length; i++) if ((s.x[i] as number) > 0) repeatCustomers++;
  const repeatPurchases = sum(s.x);
  return {
    name: c.name,
    customers: c.customers,
    rows: data.x.length,
    repeatCustomers,
    repeatPurchases,
    timings: t,
    bgnbd: bgReport,
    ...(paretoReport ? { paretoNbd: paretoReport } : {}),
    gammaGamma: ggReport,
    ...(uncompressedBgNbd ? { uncompressedBgNbd } : {}),
    predictions: {
      meanProbabilityAlive: sum(predicted.alive) / c.customers,
      expectedPurchases52: sum(predicted.purchases),
      actualHoldoutPurchases: sum(sim.holdoutPurchases),
      meanExpectedSpend: sum(predicted.spend) / c.customers,
      totalClv12: sum(predicted.clv),
    },
  };
}

export interface SweepConfig {
  customers: number;
  grid: number;
  /** Seeds firstSeed, firstSeed + 1, … */
  firstSeed: number;
  seeds: number;
  calibrationWeeks: number;
  birthWindowWeeks: number;
  truth: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams };
}

/** Signed (estimate − truth) / SE over many seeds: mean (bias), SD (≈ 1 when SEs are right). */
export interface SweepResult {
  customers: number;
  grid: number;
  seeds: number;
  bgnbd: Record<string, { meanZ: number; sdZ: number; shareAbove2: number }>;
  gammaGamma: Record<string, { meanZ: number; sdZ: number; shareAbove2: number }>;
  /** Seeds where every parameter of both models was within 2 SE. */
  shareAllWithinTwoSe: number;
  ms: number;
}

/** Parameter recovery over many seeded datasets, to tell a bias from an unlucky seed. */
export function runSweep(c: SweepConfig): SweepResult {
  const t0 = performance.now();
  const z: Record<string, Record<string, number[]>> = { bgnbd: {}, gammaGamma: {} };
  let allWithin = 0;
  for (let seed = c.firstSeed; seed < c.firstSeed + c.seeds; seed++) {
    const sim = simulateBgNbd(c.truth.bgnbd, {
      customers: c.customers,
      seed,
      calibrationLength: c.calibrationWeeks,
      birthWindow: c.birthWindowWeeks,
      grid: c.grid,
      spend: c.truth.gammaGamma,
    });
    const fits = {
      bgnbd: fitBgNbd(compressRfm(sim.summary)),
      gammaGamma: fitGammaGamma(sim.summary),
    };
    let within = true;
    for (const model of ['bgnbd', 'gammaGamma'] as const) {
      const truth = c.truth[model] as unknown as Named;
      const params = fits[model].params as unknown as Named;
      const se = fits[model].standardErrors as unknown as Named;
      for (const k of Object.keys(truth)) {
        const v = ((params[k] as number) - (truth[k] as number)) / (se[k] as number);
        ((z[model] as Record<string, number[]>)[k] ??= []).push(v);
        if (!(Math.abs(v) < 2)) within = false;
      }
    }
    if (within) allWithin++;
  }
  const stats = (m: Record<string, number[]>) =>
    Object.fromEntries(
      Object.entries(m).map(([k, v]) => {
        const mean = v.reduce((s, x) => s + x, 0) / v.length;
        const sd = Math.sqrt(
          v.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, v.length - 1),
        );
        const above = v.filter((x) => !(Math.abs(x) < 2)).length / v.length;
        return [k, { meanZ: mean, sdZ: sd, shareAbove2: above }];
      }),
    );
  return {
    customers: c.customers,
    grid: c.grid,
    seeds: c.seeds,
    bgnbd: stats(z.bgnbd as Record<string, number[]>),
    gammaGamma: stats(z.gammaGamma as Record<string, number[]>),
    shareAllWithinTwoSe: allWithin / c.seeds,
    ms: performance.now() - t0,
  };
}

/** One fit of the data-shape benchmark, as the value step runs it (default starts and budget). */
export interface ShapeFitReport {
  ms: number;
  converged: boolean;
  stop: string;
  params: Named;
  logLikelihood: number;
  iterations: number;
  evaluations: number;
}

export interface ShapeCaseConfig {
  /** A shape of bench/models/shapes.ts, or 'cdnow' with the summary given. */
  name: ShapeName | 'cdnow';
  customers: number;
  seed: number;
  /** CDNOW's published summary (x, tₓ, T in weeks), read by the page from ../shared. */
  summary?: { x: number[]; tx: number[]; T: number[] };
}

export interface ShapeCaseResult {
  name: string;
  customers: number;
  rows: number;
  repeatCustomers: number;
  compressMs: number;
  bgnbd: ShapeFitReport;
  paretoNbd: ShapeFitReport;
}

function shapeFit(fit: () => AnyFit & { stop: { kind: string } }): ShapeFitReport {
  const started = performance.now();
  const f = fit();
  return {
    ms: performance.now() - started,
    converged: f.converged,
    stop: f.stop.kind,
    params: f.params as Named,
    logLikelihood: f.logLikelihood,
    iterations: f.iterations,
    evaluations: f.evaluations,
  };
}

/**
 * The purchase models on one data shape with the app's budgets: what the value step spends on
 * fitting (compression, BG/NBD, Pareto/NBD), and how each fit ended.
 */
export function runShape(c: ShapeCaseConfig): ShapeCaseResult {
  const columns =
    c.name === 'cdnow'
      ? {
          x: Float64Array.from(c.summary?.x ?? []),
          tx: Float64Array.from(c.summary?.tx ?? []),
          T: Float64Array.from(c.summary?.T ?? []),
        }
      : shapeSummary(c.name, c.customers, c.seed);
  const started = performance.now();
  const data = compressRfm(columns);
  const compressMs = performance.now() - started;
  const budget = {
    maxIterations: DEFAULT_FIT_BUDGET.maxIterations,
    budgetMs: DEFAULT_FIT_BUDGET.ms,
  };
  let repeat = 0;
  for (let i = 0; i < columns.x.length; i++) if ((columns.x[i] as number) > 0) repeat++;
  return {
    name: c.name,
    customers: columns.x.length,
    rows: data.x.length,
    repeatCustomers: repeat,
    compressMs,
    bgnbd: shapeFit(() => fitBgNbd(data, budget)),
    paretoNbd: shapeFit(() => fitParetoNbd(data, budget)),
  };
}
