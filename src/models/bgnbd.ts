/**
 * BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a
 * customer buys at Poisson rate λ ~ Gamma(r, α); after each repeat purchase they drop out with
 * probability p ~ Beta(a, b). Time is in the unit of the summary (weeks for CDNOW).
 */
import { betaln, digamma, gammaln, hyp2f1 } from './special';
import { maximiseLikelihoodSteps, type MleOptions, type MleResult } from './mle';
import { runToEnd, type Steps } from './steps';
import { validateRfm, type CompressedRfm, type Rfm } from './summary';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export const BGNBD_PARAM_NAMES = ['r', 'alpha', 'a', 'b'] as const;

export interface BgNbdFit extends Omit<MleResult, 'params' | 'standardErrors'> {
  model: 'bgnbd';
  params: BgNbdParams;
  standardErrors: BgNbdParams;
}

/** Per-dataset index: distinct x values and distinct times, so logs and gammas run once each. */
interface Prepared {
  rows: number;
  w: Float64Array;
  xIdx: Int32Array;
  tIdxT: Int32Array;
  tIdxTx: Int32Array;
  ux: Float64Array;
  wx: Float64Array;
  ut: Float64Array;
}

const prepared = new WeakMap<CompressedRfm, Prepared>();

function distinctIndex(values: Float64Array[], rows: number) {
  const map = new Map<number, number>();
  const idx = values.map(() => new Int32Array(rows));
  const uniq: number[] = [];
  values.forEach((col, c) => {
    const out = idx[c] as Int32Array;
    for (let i = 0; i < rows; i++) {
      const v = col[i] as number;
      let k = map.get(v);
      if (k === undefined) {
        k = uniq.length;
        map.set(v, k);
        uniq.push(v);
      }
      out[i] = k;
    }
  });
  return { idx, uniq: Float64Array.from(uniq) };
}

function prepare(data: CompressedRfm): Prepared {
  const cached = prepared.get(data);
  if (cached) return cached;
  const rows = data.x.length;
  const xs = distinctIndex([data.x], rows);
  const ts = distinctIndex([data.T, data.tx], rows);
  const wx = new Float64Array(xs.uniq.length);
  const xIdx = xs.idx[0] as Int32Array;
  for (let i = 0; i < rows; i++) {
    const k = xIdx[i] as number;
    wx[k] = (wx[k] as number) + (data.weight[i] as number);
  }
  const p: Prepared = {
    rows,
    w: data.weight,
    xIdx,
    tIdxT: ts.idx[0] as Int32Array,
    tIdxTx: ts.idx[1] as Int32Array,
    ux: xs.uniq,
    wx,
    ut: ts.uniq,
  };
  prepared.set(data, p);
  return p;
}

/**
 * Total weighted log-likelihood (FHL 2005 eq. 6, in log space: the two terms are combined with
 * log-sum-exp so large x or T never underflow); when `grad` is given, writes ∂LL/∂(r, α, a, b).
 */
export function bgnbdLogLikelihoodArray(
  params: ArrayLike<number>,
  data: CompressedRfm,
  grad: Float64Array | null = null,
): number {
  const r = params[0] as number;
  const alpha = params[1] as number;
  const a = params[2] as number;
  const b = params[3] as number;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return NaN;
  const P = prepare(data);
  const nx = P.ux.length;
  const withGrad = grad !== null;

  // Terms that depend on x only (weighted by all customers with that x).
  const logOffB = new Float64Array(nx); // log(a / (b + x − 1)) for x > 0
  const invB = new Float64Array(nx); // 1 / (b + x − 1)
  const lgr = gammaln(r);
  const lbab = betaln(a, b);
  const logAlpha = Math.log(alpha);
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const psiR = withGrad ? digamma(r) : 0;
  const psiB = withGrad ? digamma(b) : 0;
  const psiAB = withGrad ? digamma(a + b) : 0;
  for (let k = 0; k < nx; k++) {
    const x = P.ux[k] as number;
    const w = P.wx[k] as number;
    ll += w * (gammaln(r + x) - lgr + r * logAlpha + betaln(a, b + x) - lbab);
    if (x > 0) {
      logOffB[k] = Math.log(a) - Math.log(b + x - 1);
      invB[k] = 1 / (b + x - 1);
    } else {
      logOffB[k] = -Infinity;
    }
    if (withGrad) {
      const psiABX = digamma(a + b + x);
      gr += w * (digamma(r + x) - psiR + logAlpha);
      gAlpha += (w * r) / alpha;
      ga += w * (psiAB - psiABX);
      gb += w * (digamma(b + x) - psiABX - psiB + psiAB);
    }
  }

  // Terms that depend on a time only.
  const nt = P.ut.length;
  const lt = new Float64Array(nt);
  const it = new Float64Array(nt);
  for (let j = 0; j < nt; j++) {
    const v = alpha + (P.ut[j] as number);
    lt[j] = Math.log(v);
    it[j] = 1 / v;
  }

  // Per row: log[(α+T)^−(r+x) + [x>0] a/(b+x−1) (α+tₓ)^−(r+x)].
  const { w, xIdx, tIdxT, tIdxTx, ux } = P;
  for (let i = 0; i < P.rows; i++) {
    const xk = xIdx[i] as number;
    const x = ux[xk] as number;
    const wi = w[i] as number;
    const kk = r + x;
    const jT = tIdxT[i] as number;
    const A = -kk * (lt[jT] as number);
    if (x === 0) {
      ll += wi * A;
      if (withGrad) {
        gr -= wi * (lt[jT] as number);
        gAlpha -= wi * kk * (it[jT] as number);
      }
      continue;
    }
    const jx = tIdxTx[i] as number;
    const B = (logOffB[xk] as number) - kk * (lt[jx] as number);
    let pA: number;
    let pB: number;
    if (A >= B) {
      const e = Math.exp(B - A);
      ll += wi * (A + Math.log1p(e));
      pB = e / (1 + e);
      pA = 1 - pB;
    } else {
      const e = Math.exp(A - B);
      ll += wi * (B + Math.log1p(e));
      pA = e / (1 + e);
      pB = 1 - pA;
    }
    if (withGrad) {
      gr -= wi * (pA * (lt[jT] as number) + pB * (lt[jx] as number));
      gAlpha -= wi * kk * (pA * (it[jT] as number) + pB * (it[jx] as number));
      ga += (wi * pB) / a;
      gb -= wi * pB * (invB[xk] as number);
    }
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = gAlpha;
    grad[2] = ga;
    grad[3] = gb;
  }
  return ll;
}

/** Total weighted log-likelihood at named parameters. */
export function bgnbdLogLikelihood(params: BgNbdParams, data: CompressedRfm): number {
  return bgnbdLogLikelihoodArray(toArray(params), data);
}

/** ∂LL/∂(r, α, a, b) at named parameters (analytic). */
export function bgnbdGradient(params: BgNbdParams, data: CompressedRfm): Float64Array {
  const g = new Float64Array(4);
  bgnbdLogLikelihoodArray(toArray(params), data, g);
  return g;
}

function toArray(p: BgNbdParams): Float64Array {
  return Float64Array.of(p.r, p.alpha, p.a, p.b);
}

function fromArray(v: ArrayLike<number>): BgNbdParams {
  return { r: v[0] as number, alpha: v[1] as number, a: v[2] as number, b: v[3] as number };
}

/**
 * Default starting points: r = 1 with α matching the observed repeat rate (E[λ] = r/α), and a
 * spread of (a, b) and scale, since the likelihood ridge in (a, b) can stall a single start.
 */
export function bgnbdStarts(data: CompressedRfm): BgNbdParams[] {
  let xs = 0;
  let ts = 0;
  for (let i = 0; i < data.x.length; i++) {
    xs += (data.weight[i] as number) * (data.x[i] as number);
    ts += (data.weight[i] as number) * (data.T[i] as number);
  }
  const rate = xs > 0 && ts > 0 ? xs / ts : 1;
  const alpha = 1 / rate;
  return [
    { r: 1, alpha, a: 1, b: 3 },
    { r: 0.3, alpha: 0.3 * alpha, a: 0.5, b: 1 },
    { r: 3, alpha: 3 * alpha, a: 2, b: 10 },
  ];
}

/**
 * Maximum-likelihood fit with standard errors and a convergence report (`converged` is false when a
 * parameter ran off to 0 or ∞). Throws a RangeError on an invalid summary or no customers.
 */
export function fitBgNbd(
  data: CompressedRfm,
  options: MleOptions & { startParams?: BgNbdParams[] } = {},
): BgNbdFit {
  return runToEnd(fitBgNbdSteps(data, options));
}

/** `fitBgNbd` as steps (pauses and progress reports; see steps.ts). */
export function* fitBgNbdSteps(
  data: CompressedRfm,
  options: MleOptions & { startParams?: BgNbdParams[] } = {},
): Steps<BgNbdFit> {
  const problem = validateRfm(data);
  if (problem !== null) throw new RangeError(`fitBgNbd: ${problem}`);
  const starts = (options.startParams ?? bgnbdStarts(data)).map(toArray);
  const res = yield* maximiseLikelihoodSteps(
    { n: data.customers, logLikelihood: (p, g) => bgnbdLogLikelihoodArray(p, data, g) },
    starts,
    { task: 'bgnbd', ...options },
  );
  return {
    ...res,
    model: 'bgnbd',
    params: fromArray(res.params),
    standardErrors: fromArray(res.standardErrors),
  };
}

/** log of a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x): the odds of "dropped out after the last purchase". */
function logDeadOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return -Infinity;
  return (
    Math.log(p.a) -
    Math.log(p.b + x - 1) +
    (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx))
  );
}

/** P(alive at T | x, tₓ, T) (FHL 2005 eq. 11 in the technical note); 1 when x = 0. */
export function bgnbdProbabilityAlive(p: BgNbdParams, c: Rfm): number {
  const lo = logDeadOdds(p, c.x, c.tx, c.T);
  return lo > 0 ? Math.exp(-lo) / (1 + Math.exp(-lo)) : 1 / (1 + Math.exp(lo));
}

/**
 * Both BG/NBD expectations have a factor 1/(a − 1) times a bracket that vanishes at a = 1: a
 * removable singularity with catastrophic cancellation nearby. Within 1e-4 of a = 1, interpolate
 * linearly between a = 1 ± 1e-4 (error ~1e-8 relative) instead.
 */
function aroundAEqualsOne(a: number, f: (a: number) => number): number {
  const delta = 1e-4;
  if (Math.abs(a - 1) >= delta) return f(a);
  const lo = f(1 - delta);
  const hi = f(1 + delta);
  return lo + ((hi - lo) * (a - (1 - delta))) / (2 * delta);
}

/**
 * E[Y(t) | x, tₓ, T]: expected purchases in (T, T + t] for a customer with this history
 * (FHL 2005 eq. 10).
 */
export function bgnbdExpectedPurchases(p: BgNbdParams, t: number, c: Rfm): number {
  if (t <= 0) return 0;
  return bgnbdExpectedPurchasesIfAlive(p, t, c.x, c.T) * bgnbdProbabilityAlive(p, c);
}

/**
 * E[Y(t) | x, T, alive at T]: the factor of `bgnbdExpectedPurchases` that does not depend on tₓ,
 * so predictions for many customers compute it once per distinct (x, T).
 */
export function bgnbdExpectedPurchasesIfAlive(
  p: BgNbdParams,
  t: number,
  x: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  const z = t / (alpha + T + t);
  const pow = Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t)));
  return aroundAEqualsOne(p.a, (a) => {
    const lead = (a + b + x - 1) / (a - 1);
    return lead * (1 - pow * hyp2f1(r + x, b + x, a + b + x - 1, z));
  });
}

/**
 * E[X(t)]: expected repeat purchases in (0, t] for a new customer (FHL 2005 eq. 9), the
 * population curve the cumulative-sales plots compare against.
 */
export function bgnbdExpectedRepeatPurchases(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  const pow = Math.exp(r * Math.log(alpha / (alpha + t)));
  return aroundAEqualsOne(p.a, (a) => {
    const lead = (a + b - 1) / (a - 1);
    return lead * (1 - pow * hyp2f1(r, b, a + b - 1, t / (alpha + t)));
  });
}

/**
 * P(X(t) = n) for a new customer (FHL 2005 eq. 8). For n = 0 it is (α/(α+t))^r: BG/NBD customers
 * cannot drop out before their first repeat purchase.
 */
export function bgnbdProbabilityOfPurchases(p: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = p;
  if (!Number.isInteger(n) || n < 0) return 0;
  if (t <= 0) return n === 0 ? 1 : 0;
  const logA = Math.log(alpha / (alpha + t));
  const logT = Math.log(t / (alpha + t));
  const first = Math.exp(
    betaln(a, b + n) -
      betaln(a, b) +
      gammaln(r + n) -
      gammaln(r) -
      gammaln(n + 1) +
      r * logA +
      n * logT,
  );
  if (n === 0) return first;
  // 1 − P(NBD count ≤ n − 1): the customer dropped out after exactly n purchases.
  let cdf = 0;
  for (let j = 0; j < n; j++) {
    cdf += Math.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * logA + j * logT);
  }
  const second = Math.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * Math.max(0, 1 - cdf);
  return first + second;
}
