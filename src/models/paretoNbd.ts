/**
 * Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while alive a customer buys at Poisson
 * rate λ ~ Gamma(r, α) and has an exponential lifetime with rate μ ~ Gamma(s, β).
 *
 * The likelihood (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model", eq. 18) is
 *   L = Γ(r+x) αʳ βˢ / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s · (I(tₓ) − I(T)) ],
 *   I(t) = ∫ₜ^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ,
 * with I and its exact partial derivatives from ./paretoNbdIntegral (a continued fraction away from
 * z = |α−β|/(max(α,β)+t) = 1, a pole-free split series near it). Everything is combined in log
 * space. s·I(T) ≤ (α+T)^−(r+x)(β+T)^−s, so the difference I(tₓ) − I(T) costs at most a few ulps of
 * L. I depends on the row only through (x, t), so it is computed once per distinct (x, tₓ) and
 * (x, T) pair, and everything that depends only on x (the exponents) once per distinct x.
 */
import { digamma, gammaln } from './special';
import { maximiseLikelihoodSteps, type MleOptions, type MleResult } from './mle';
import { runToEnd, type Steps } from './steps';
import { validateRfm, type CompressedRfm, type Rfm } from './summary';
import { TailExponents, tailExponents } from './paretoNbdIntegral';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export const PARETONBD_PARAM_NAMES = ['r', 'alpha', 's', 'beta'] as const;

export interface ParetoNbdFit extends Omit<MleResult, 'params' | 'standardErrors'> {
  model: 'paretonbd';
  params: ParetoNbdParams;
  standardErrors: ParetoNbdParams;
}

const scratch = new Float64Array(4);

/**
 * log I(t) for exponents p on (α+τ) and q on (β+τ): log ∫ₜ^∞ (α+τ)^−p (β+τ)^−q dτ (p + q > 1).
 * With `grad`, also writes ∂/∂(p, α, q, β) of log I.
 */
export function logTailIntegral(
  p: number,
  q: number,
  alpha: number,
  beta: number,
  t: number,
  grad: Float64Array | null = null,
): number {
  const alphaMax = alpha >= beta;
  const tail = alphaMax ? tailExponents(p, q) : tailExponents(q, p);
  const value = tail.logIntegral(
    (alphaMax ? alpha : beta) + t,
    (alphaMax ? beta : alpha) + t,
    grad ? scratch : null,
  );
  if (grad) {
    // scratch = ∂/∂(pM, pm, M′, m′)
    const [gM, gm, gBig, gSmall] = scratch as unknown as [number, number, number, number];
    grad[0] = alphaMax ? gM : gm;
    grad[1] = alphaMax ? gBig : gSmall;
    grad[2] = alphaMax ? gm : gM;
    grad[3] = alphaMax ? gSmall : gBig;
  }
  return value;
}

interface Prepared {
  rows: number;
  w: Float64Array;
  ux: Float64Array;
  wx: Float64Array;
  /** Pairs (x, t) for t = tₓ and t = T, numbered so that each x's pairs are consecutive. */
  pairStart: Int32Array;
  pairTime: Float64Array;
  /** Which pairs occur as (x, T): only those need the (α+T)^−(r+x)(β+T)^−s term. */
  pairIsT: Uint8Array;
  /** Pair (x, t) per row for t = tₓ and t = T (rows in pair order, with their weights `w`). */
  pairTx: Int32Array;
  pairT: Int32Array;
  /** Work arrays, reused by every evaluation on these data: per pair log I, log E, gradients. */
  logI: Float64Array;
  logE: Float64Array;
  dI: Float64Array | null;
  dE: Float64Array | null;
}

const preparedCache = new WeakMap<CompressedRfm, Prepared>();

function prepare(data: CompressedRfm): Prepared {
  const cached = preparedCache.get(data);
  if (cached) return cached;
  const rows = data.x.length;
  const xMap = new Map<number, number>();
  const ux: number[] = [];
  const wxList: number[] = [];
  // Per distinct x: its times, each with a provisional pair number.
  const times: Map<number, number>[] = [];
  let pairs = 0;
  const isT: number[] = [];
  const provTx = new Int32Array(rows);
  const provT = new Int32Array(rows);
  const pairOf = (k: number, t: number, asT: boolean): number => {
    const m = times[k] as Map<number, number>;
    let j = m.get(t);
    if (j === undefined) {
      j = pairs++;
      m.set(t, j);
      isT.push(0);
    }
    if (asT) isT[j] = 1;
    return j;
  };
  for (let i = 0; i < rows; i++) {
    const x = data.x[i] as number;
    let k = xMap.get(x);
    if (k === undefined) {
      k = ux.length;
      xMap.set(x, k);
      ux.push(x);
      wxList.push(0);
      times.push(new Map());
    }
    wxList[k] = (wxList[k] as number) + (data.weight[i] as number);
    provT[i] = pairOf(k, data.T[i] as number, true);
    provTx[i] = pairOf(k, data.tx[i] as number, false);
  }
  // Renumber so that the pairs of one x are consecutive.
  const renumber = new Int32Array(pairs);
  const pairStart = new Int32Array(ux.length + 1);
  const pairTime = new Float64Array(pairs);
  const pairIsT = new Uint8Array(pairs);
  let next = 0;
  for (let k = 0; k < ux.length; k++) {
    pairStart[k] = next;
    for (const [t, j] of times[k] as Map<number, number>) {
      renumber[j] = next;
      pairTime[next] = t;
      pairIsT[next] = isT[j] as number;
      next++;
    }
  }
  pairStart[ux.length] = next;
  // Rows in pair order, so that the row loop reads the per-pair arrays nearly sequentially.
  const order = Array.from({ length: rows }, (_, i) => i).sort(
    (i, j) =>
      (renumber[provT[i] as number] as number) - (renumber[provT[j] as number] as number) ||
      (renumber[provTx[i] as number] as number) - (renumber[provTx[j] as number] as number),
  );
  const w = Float64Array.from(order, (i) => data.weight[i] as number);
  const pairTx = Int32Array.from(order, (i) => renumber[provTx[i] as number] as number);
  const pairT = Int32Array.from(order, (i) => renumber[provT[i] as number] as number);
  const p: Prepared = {
    rows,
    w,
    ux: Float64Array.from(ux),
    wx: Float64Array.from(wxList),
    pairStart,
    pairTime,
    pairIsT,
    pairTx,
    pairT,
    logI: new Float64Array(pairs),
    logE: new Float64Array(pairs),
    dI: null,
    dE: null,
  };
  preparedCache.set(data, p);
  return p;
}

/** Total weighted log-likelihood; when `grad` is given, writes ∂LL/∂(r, α, s, β) (analytic). */
export function paretoNbdLogLikelihoodArray(
  params: ArrayLike<number>,
  data: CompressedRfm,
  grad: Float64Array | null = null,
): number {
  const r = params[0] as number;
  const alpha = params[1] as number;
  const s = params[2] as number;
  const beta = params[3] as number;
  if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) return NaN;
  const P = prepare(data);
  const withGrad = grad !== null;
  const logAlpha = Math.log(alpha);
  const logBeta = Math.log(beta);
  const lgr = gammaln(r);
  const psiR = withGrad ? digamma(r) : 0;
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let gs = 0;
  let gBeta = 0;

  // Per (x, t) pair: log I and, for T pairs, log[(α+T)^−(r+x) (β+T)^−s]; ∂log I/∂(p, α, q, β).
  // The larger of α, β is the same for every pair, so is the order of the exponents.
  const alphaMax = alpha >= beta;
  // Offsets of ∂/∂(p, α, q, β) among the integral's ∂/∂(pM, pm, M′, m′).
  const oP = alphaMax ? 0 : 1;
  const oA = alphaMax ? 2 : 3;
  const oQ = alphaMax ? 1 : 0;
  const oB = alphaMax ? 3 : 2;
  const np = P.pairTime.length;
  const { logI, logE } = P;
  // For T pairs: log E = log[(α+T)^−(r+x) (β+T)^−s] and ∂log E/∂(r, α, s, β).
  if (withGrad && !P.dI) {
    P.dI = new Float64Array(4 * np);
    P.dE = new Float64Array(4 * np);
  }
  const dI = withGrad ? P.dI : null;
  const dE = withGrad ? P.dE : null;
  for (let k = 0; k < P.ux.length; k++) {
    const x = P.ux[k] as number;
    const w = P.wx[k] as number;
    ll += w * (gammaln(r + x) - lgr + r * logAlpha + s * logBeta);
    if (withGrad) {
      gr += w * (digamma(r + x) - psiR + logAlpha);
      gAlpha += (w * r) / alpha;
      gs += w * logBeta;
      gBeta += (w * s) / beta;
    }
    const tail = alphaMax ? new TailExponents(r + x, s + 1) : new TailExponents(s + 1, r + x);
    const end = P.pairStart[k + 1] as number;
    for (let j = P.pairStart[k] as number; j < end; j++) {
      const t = P.pairTime[j] as number;
      const la = Math.log(alpha + t);
      const lb = Math.log(beta + t);
      logI[j] = alphaMax
        ? tail.logIntegral(alpha + t, beta + t, dI, 4 * j, la, lb)
        : tail.logIntegral(beta + t, alpha + t, dI, 4 * j, lb, la);
      if (P.pairIsT[j] === 1) {
        logE[j] = -(r + x) * la - s * lb;
        if (dE) {
          dE[4 * j] = -la;
          dE[4 * j + 1] = -(r + x) / (alpha + t);
          dE[4 * j + 2] = -lb;
          dE[4 * j + 3] = -s / (beta + t);
        }
      }
    }
  }

  // Per row, L₂ = E + s (I(tₓ) − I(T)) = s I(tₓ) · (a + 1 − b) with a = E / (s I(tₓ)) and
  // b = I(T)/I(tₓ) ≤ 1: two exponentials and a logarithm. a ≤ E/(s I(T)) stays far below e⁷⁰⁰ on
  // the optimiser's box; a row where it would not is scaled by E instead.
  const logS = Math.log(s);
  const { w, pairT, pairTx } = P;
  for (let i = 0; i < P.rows; i++) {
    const wi = w[i] as number;
    const kT = pairT[i] as number;
    const kx = pairTx[i] as number;
    const le = logE[kT] as number;
    const lIx = logI[kx] as number;
    const d = le - logS - lIx;
    let a: number;
    let b: number;
    let c: number; // weight of s I(tₓ)
    let base: number;
    if (d < 700) {
      a = Math.exp(d);
      b = kT === kx ? 1 : Math.exp((logI[kT] as number) - lIx);
      c = 1;
      base = logS + lIx;
    } else {
      a = 1;
      c = Math.exp(-d);
      b = c * Math.exp((logI[kT] as number) - lIx);
      base = le;
    }
    const v = Math.max(a + c - b, a);
    ll += wi * (base + Math.log(v));
    if (dI && dE) {
      const f = wi / v;
      const bx = 4 * kx;
      const bT = 4 * kT;
      // ∂E/∂θ = E · ∂log E/∂θ; ∂(s I)/∂θ = s I · ∂log I/∂θ (+ I for θ = s).
      gr +=
        f * (a * (dE[bT] as number) + c * (dI[bx + oP] as number) - b * (dI[bT + oP] as number));
      gAlpha +=
        f *
        (a * (dE[bT + 1] as number) + c * (dI[bx + oA] as number) - b * (dI[bT + oA] as number));
      gs +=
        f *
        (a * (dE[bT + 2] as number) +
          (c - b) / s +
          c * (dI[bx + oQ] as number) -
          b * (dI[bT + oQ] as number));
      gBeta +=
        f *
        (a * (dE[bT + 3] as number) + c * (dI[bx + oB] as number) - b * (dI[bT + oB] as number));
    }
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = gAlpha;
    grad[2] = gs;
    grad[3] = gBeta;
  }
  return ll;
}

function toArray(p: ParetoNbdParams): Float64Array {
  return Float64Array.of(p.r, p.alpha, p.s, p.beta);
}

function fromArray(v: ArrayLike<number>): ParetoNbdParams {
  return { r: v[0] as number, alpha: v[1] as number, s: v[2] as number, beta: v[3] as number };
}

/** Total weighted log-likelihood at named parameters. */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, data: CompressedRfm): number {
  return paretoNbdLogLikelihoodArray(toArray(params), data);
}

/** ∂LL/∂(r, α, s, β) at named parameters. */
export function paretoNbdGradient(params: ParetoNbdParams, data: CompressedRfm): Float64Array {
  const g = new Float64Array(4);
  paretoNbdLogLikelihoodArray(toArray(params), data, g);
  return g;
}

/** Default starts: α from the observed repeat rate, β of the order of the observation window. */
export function paretoNbdStarts(data: CompressedRfm): ParetoNbdParams[] {
  let xs = 0;
  let ts = 0;
  for (let i = 0; i < data.x.length; i++) {
    xs += (data.weight[i] as number) * (data.x[i] as number);
    ts += (data.weight[i] as number) * (data.T[i] as number);
  }
  const meanT = data.customers > 0 ? ts / data.customers : 1;
  const rate = xs > 0 && ts > 0 ? xs / ts : 1;
  return [
    { r: 1, alpha: 1 / rate, s: 1, beta: Math.max(meanT, 1e-3) },
    { r: 0.3, alpha: 0.3 / rate, s: 0.3, beta: Math.max(0.3 * meanT, 1e-3) },
    { r: 3, alpha: 3 / rate, s: 3, beta: Math.max(3 * meanT, 1e-3) },
  ];
}

/**
 * Maximum-likelihood fit with standard errors and a convergence report (`converged` is false when a
 * parameter ran off to 0 or ∞). Throws a RangeError on an invalid summary or no customers.
 */
export function fitParetoNbd(
  data: CompressedRfm,
  options: MleOptions & { startParams?: ParetoNbdParams[] } = {},
): ParetoNbdFit {
  return runToEnd(fitParetoNbdSteps(data, options));
}

/** `fitParetoNbd` as steps (pauses and progress reports; see steps.ts). */
export function* fitParetoNbdSteps(
  data: CompressedRfm,
  options: MleOptions & { startParams?: ParetoNbdParams[] } = {},
): Steps<ParetoNbdFit> {
  const problem = validateRfm(data);
  if (problem !== null) throw new RangeError(`fitParetoNbd: ${problem}`);
  const starts = (options.startParams ?? paretoNbdStarts(data)).map(toArray);
  const res = yield* maximiseLikelihoodSteps(
    { n: data.customers, logLikelihood: (p, g) => paretoNbdLogLikelihoodArray(p, data, g) },
    starts,
    { task: 'paretonbd', ...options },
  );
  return {
    ...res,
    model: 'paretonbd',
    params: fromArray(res.params),
    standardErrors: fromArray(res.standardErrors),
  };
}

/** P(alive at T | x, tₓ, T): the share of the likelihood from "still alive at T". */
export function paretoNbdProbabilityAlive(p: ParetoNbdParams, c: Rfm): number {
  const { r, alpha, s, beta } = p;
  const { x, tx, T } = c;
  const le = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const lIx = logTailIntegral(r + x, s + 1, alpha, beta, tx);
  const lIT = logTailIntegral(r + x, s + 1, alpha, beta, T);
  const m = Math.max(le, Math.log(s) + lIx);
  const eE = Math.exp(le - m);
  const dead = Math.max(0, s * (Math.exp(lIx - m) - Math.exp(lIT - m)));
  return eE / (eE + dead);
}

/** [1 − (u/(u+t))^k] / k, with its k → 0 limit log((u+t)/u). */
function powerTail(u: number, t: number, k: number): number {
  const l = -Math.log1p(t / u); // log(u/(u+t)), exact also when t ≪ u
  return Math.abs(k) < 1e-12 ? -l : -Math.expm1(k * l) / k;
}

/**
 * E[Y(t) | x, tₓ, T]: expected purchases in (T, T + t] (Fader & Hardie 2005 eq. 41):
 * P(alive) · (r+x)(β+T)/(α+T) · [1 − ((β+T)/(β+T+t))^(s−1)] / (s−1).
 */
export function paretoNbdExpectedPurchases(p: ParetoNbdParams, t: number, c: Rfm): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const rate = ((r + c.x) * (beta + c.T)) / (alpha + c.T);
  return paretoNbdProbabilityAlive(p, c) * rate * powerTail(beta + c.T, t, s - 1);
}

/** E[X(t)] for a new customer (eq. 27): rβ/α · [1 − (β/(β+t))^(s−1)] / (s−1). */
export function paretoNbdExpectedRepeatPurchases(p: ParetoNbdParams, t: number): number {
  if (t <= 0) return 0;
  return ((p.r * p.beta) / p.alpha) * powerTail(p.beta, t, p.s - 1);
}
