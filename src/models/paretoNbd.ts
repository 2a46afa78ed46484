/**
 * Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while alive a customer buys at Poisson
 * rate λ ~ Gamma(r, α) and has an exponential lifetime with rate μ ~ Gamma(s, β).
 *
 * The likelihood (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model", eq. 18) is
 *   L = Γ(r+x) αʳ βˢ / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s · (I(tₓ) − I(T)) ],
 *   I(t) = ∫ₜ^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ,
 * and I(t) is a ₂F₁ (their eqs. 19–20, the α ≥ β / α < β cases, as in the `lifetimes` package):
 *   α ≥ β: I(t) = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+t)) / ((r+s+x)(α+t)^(r+s+x)),
 *   α < β: I(t) = ₂F₁(r+s+x, r+x; r+s+x+1; (β−α)/(β+t)) / ((r+s+x)(β+t)^(r+s+x)).
 * Everything is combined in log space. I depends on the row only through (x, t), so it is computed
 * once per distinct (x, tₓ) and (x, T) pair, which is what makes large fits fast.
 *
 * Gradient: analytic everywhere except ∂₂F₁/∂a and ∂₂F₁/∂b (derivatives of ₂F₁ in its
 * parameters have no closed form), which are 4-point central differences of ₂F₁ itself (relative
 * accuracy ~1e-9); ∂₂F₁/∂z is the closed form (ab/c) ₂F₁(a+1, b+1; c+1; z).
 */
import { digamma, gammaln, hyp2f1 } from './special';
import { maximiseLikelihoodSteps, type MleOptions, type MleResult } from './mle';
import { runToEnd, type Steps } from './steps';
import { validateRfm, type CompressedRfm, type Rfm } from './summary';

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

/**
 * ₂F₁(A, b; A+1; z), the only form the Pareto/NBD needs. A is first rounded to the precision of
 * A + 1 so that c − a is exactly 1 and c − a − b is exactly 1 − b: an integer b then takes ₂F₁'s
 * exact-integer branch instead of the near-integer one.
 */
function f21(A: number, b: number, z: number): number {
  const c = A + 1;
  return hyp2f1(c - 1, b, c, z);
}

/**
 * ∂/∂v of g at v by the 4-point central stencil (error O(h⁴)), with h = 1e-3·min(v, 1): large
 * enough that ₂F₁'s own rounding stays negligible next to it, small enough for ₂F₁'s growth like
 * (1 − z)^−b in its parameters.
 */
function derivative(g: (v: number) => number, v: number): number {
  const h = 1e-3 * Math.min(v, 1);
  return (8 * (g(v + h) - g(v - h)) - (g(v + 2 * h) - g(v - 2 * h))) / (12 * h);
}

/**
 * log I(t) for exponents p = r + x on (α+τ) and q = s + 1 on (β+τ):
 * log ∫ₜ^∞ (α+τ)^−p (β+τ)^−q dτ. With `grad`, also writes ∂/∂(p, α, q, β) of log I.
 */
export function logTailIntegral(
  p: number,
  q: number,
  alpha: number,
  beta: number,
  t: number,
  grad: Float64Array | null = null,
): number {
  const A = p + q - 1;
  const alphaMax = alpha >= beta;
  const base = alphaMax ? alpha + t : beta + t;
  const other = alphaMax ? beta + t : alpha + t;
  const z = Math.abs(alpha - beta) / base;
  // b is the exponent attached to the smaller of α, β.
  const bb = alphaMax ? q : p;
  const F = f21(A, bb, z);
  const logBase = Math.log(base);
  const value = -A * logBase - Math.log(A) + Math.log(F);
  if (grad) {
    const dFA = derivative((v) => f21(v, bb, z), A) / F;
    const dFb = derivative((v) => f21(A, v, z), bb) / F;
    const dFz = z === 0 ? (A * bb) / (A + 1) : (((A * bb) / (A + 1)) * f21(A + 1, bb + 1, z)) / F;
    const common = -logBase - 1 / A + dFA;
    // z = |α−β| / base: ∂z/∂(larger rate) = other/base², ∂z/∂(smaller rate) = −1/base.
    const dMax = -A / base + (dFz * other) / (base * base);
    const dMin = -dFz / base;
    if (alphaMax) {
      grad[0] = common; // p
      grad[1] = dMax; // α
      grad[2] = common + dFb; // q
      grad[3] = dMin; // β
    } else {
      grad[0] = common + dFb;
      grad[1] = dMin;
      grad[2] = common;
      grad[3] = dMax;
    }
  }
  return value;
}

interface Prepared {
  rows: number;
  w: Float64Array;
  xIdx: Int32Array;
  ux: Float64Array;
  wx: Float64Array;
  /** Pair (x, t) per row for t = tₓ and t = T. */
  pairTx: Int32Array;
  pairT: Int32Array;
  pairX: Float64Array;
  pairTime: Float64Array;
  /** Which pairs occur as (x, T): only those need the (α+T)^−(r+x)(β+T)^−s term. */
  pairIsT: Uint8Array;
}

const preparedCache = new WeakMap<CompressedRfm, Prepared>();

function prepare(data: CompressedRfm): Prepared {
  const cached = preparedCache.get(data);
  if (cached) return cached;
  const rows = data.x.length;
  const xMap = new Map<number, number>();
  const ux: number[] = [];
  const wxList: number[] = [];
  const xIdx = new Int32Array(rows);
  const pairMap = new Map<number, Map<number, number>>();
  const pairX: number[] = [];
  const pairTime: number[] = [];
  const pairIsT: number[] = [];
  const pairOf = (x: number, t: number, isT: boolean): number => {
    let m = pairMap.get(x);
    if (m === undefined) {
      m = new Map();
      pairMap.set(x, m);
    }
    let k = m.get(t);
    if (k === undefined) {
      k = pairX.length;
      m.set(t, k);
      pairX.push(x);
      pairTime.push(t);
      pairIsT.push(0);
    }
    if (isT) pairIsT[k] = 1;
    return k;
  };
  const pairTx = new Int32Array(rows);
  const pairT = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const x = data.x[i] as number;
    let k = xMap.get(x);
    if (k === undefined) {
      k = ux.length;
      xMap.set(x, k);
      ux.push(x);
      wxList.push(0);
    }
    xIdx[i] = k;
    wxList[k] = (wxList[k] as number) + (data.weight[i] as number);
    pairT[i] = pairOf(x, data.T[i] as number, true);
    pairTx[i] = pairOf(x, data.tx[i] as number, false);
  }
  const p: Prepared = {
    rows,
    w: data.weight,
    xIdx,
    ux: Float64Array.from(ux),
    wx: Float64Array.from(wxList),
    pairTx,
    pairT,
    pairX: Float64Array.from(pairX),
    pairTime: Float64Array.from(pairTime),
    pairIsT: Uint8Array.from(pairIsT),
  };
  preparedCache.set(data, p);
  return p;
}

/**
 * Total weighted log-likelihood; when `grad` is given, writes ∂LL/∂(r, α, s, β) (analytic, with
 * finite differences only for the ₂F₁ parameter derivatives, see the module comment).
 */
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
  }

  // Per (x, t) pair: log I and, for T pairs, log[(α+T)^−(r+x) (β+T)^−s], with gradients.
  const np = P.pairX.length;
  const logI = new Float64Array(np);
  const dI = withGrad ? new Float64Array(4 * np) : null;
  const logE = new Float64Array(np);
  const g4 = new Float64Array(4);
  for (let k = 0; k < np; k++) {
    const x = P.pairX[k] as number;
    const t = P.pairTime[k] as number;
    logI[k] = logTailIntegral(r + x, s + 1, alpha, beta, t, dI ? g4 : null);
    if (dI) dI.set(g4, 4 * k);
    if (P.pairIsT[k] === 1) {
      logE[k] = -(r + x) * Math.log(alpha + t) - s * Math.log(beta + t);
    }
  }

  const logS = Math.log(s);
  const { w, pairT, pairTx } = P;
  for (let i = 0; i < P.rows; i++) {
    const wi = w[i] as number;
    const kT = pairT[i] as number;
    const kx = pairTx[i] as number;
    const le = logE[kT] as number;
    const lIx = logI[kx] as number;
    const lIT = logI[kT] as number;
    // L₂ = E + s (I(tₓ) − I(T)), scaled by e^−m to stay in range.
    const m = Math.max(le, logS + lIx);
    const eE = Math.exp(le - m);
    const eIx = s * Math.exp(lIx - m);
    const eIT = s * Math.exp(lIT - m);
    const v = Math.max(eE + eIx - eIT, eE);
    ll += wi * (m + Math.log(v));
    if (withGrad && dI) {
      const x = P.pairX[kT] as number;
      const T = P.pairTime[kT] as number;
      const f = wi / v;
      // ∂E/∂θ = E · ∂log E/∂θ; ∂(s I)/∂θ = s I · ∂log I/∂θ (+ I for θ = s).
      gr +=
        f *
        (eE * -Math.log(alpha + T) + eIx * (dI[4 * kx] as number) - eIT * (dI[4 * kT] as number));
      gAlpha +=
        f *
        ((eE * -(r + x)) / (alpha + T) +
          eIx * (dI[4 * kx + 1] as number) -
          eIT * (dI[4 * kT + 1] as number));
      gs +=
        f *
        (eE * -Math.log(beta + T) +
          (eIx - eIT) / s +
          eIx * (dI[4 * kx + 2] as number) -
          eIT * (dI[4 * kT + 2] as number));
      gBeta +=
        f *
        ((eE * -s) / (beta + T) +
          eIx * (dI[4 * kx + 3] as number) -
          eIT * (dI[4 * kT + 3] as number));
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
  const l = Math.log(u / (u + t));
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
