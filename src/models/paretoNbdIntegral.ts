/**
 * The Pareto/NBD tail integral I = ∫₀^∞ (m′+u)^−pm (M′+u)^−pM du (m′ ≤ M′) and its partial
 * derivatives, in a module of its own because no library evaluates it well enough.
 *
 * I is a Gauss ₂F₁ (Fader & Hardie 2005, eqs. 19–20), but fits walk into the corners where
 * general-purpose ₂F₁ code fails or crawls: z = (M′−m′)/M′ → 1 (one rate far below the other, e.g.
 * β → 1e5 when nobody churns), c − a − b near an integer (s → 0, s ≈ 1, r ≈ 1), large a (r + x with
 * x in the hundreds). @stdlib's hyp2f1 returned garbage or took seconds there, and the likelihood's
 * gradient needed finite differences of it in its parameters. So each region gets a method that
 * converges fast, carries exact derivatives along and has no pole at integer parameters:
 *
 * - z away from 1 (ε = m′/M′ ≥ h): I = M′^−pM m′^(1−pm) G(z)/A with A = pM + pm − 1 and
 *   G = ₂F₁(1, pM; pM+pm; z), a series of positive terms with ratio < z (Euler's transformation
 *   of Fader & Hardie's form, which grows before it converges): the power series where it is
 *   short, else its Gauss continued fraction (Numerical Recipes' incomplete-beta fraction). The
 *   split point h = min(½, 2/A) keeps z below the fraction's fast-convergence bound
 *   (A+1)/(A+3−pm), which is 1 − O(1/A).
 * - z near 1 (ε < h): in y = (m′+u)/(M′+u), I = (M′−m′)^−A ∫_ε^1 y^−pm (1−y)^(A−1) dy. The piece
 *   on [h, 1] does not depend on the customer's t, so it is one continued fraction per exponent
 *   pair, i.e. per x in a fit, shared by all of that x's times. The piece on [ε, h] is the binomial
 *   series Σₖ (1−A)ₖ/k! ∫_ε^h y^(k−pm) dy, with terms (h^e − ε^e)/e (e = k+1−pm) in a form exact as
 *   e → 0: the poles of the 1 − z transformation at integer pm never appear. With Ah ≤ 2 the series
 *   needs ~20 terms and cancels little.
 * - ∂/∂m′ and ∂/∂M′ are closed forms: the integrand at the end point, and homogeneity (I is
 *   homogeneous of degree −A in m′, M′).
 *
 * Accuracy: ~1e-14 relative in I against 40-digit mpmath over pM, pm ∈ [1e-3, 351], z up to
 * 1 − 1e-9, integer and near-integer exponents (tests/unit/models/paretoNbdIntegral.test.ts).
 */

/** Convergence test of the continued fraction's forward pass (see `continuedFraction`). */
const TOL = 1e-16;
/** The continued fraction gives up here (never reached in its region; guards against NaN loops). */
const MAX_CF = 20000;
/** Terms of the power series of G kept per exponent pair. */
const SERIES = 65;
/** Upper bound on the binomial series' terms (about 60 are needed at most, with h = ½, A → 0). */
const MAX_SERIES = 200;

/** Everything about I that depends only on the exponents (pM, pm): one per distinct x in a fit. */
export class TailExponents {
  readonly pM: number;
  readonly pm: number;
  /** A = pM + pm − 1, the decay of I in M′. */
  readonly A: number;
  readonly logA: number;
  /** ε = m′/M′ below h uses the split form. */
  readonly h: number;
  /** Continued-fraction coefficients d_j = κ_j z (j = 1, 2, …) and ∂κ_j/∂pM, ∂κ_j/∂pm. */
  private kappa = new Float64Array(64);
  private kappaM = new Float64Array(64);
  private kappaP = new Float64Array(64);
  private nKappa = 0;
  /**
   * Power series G(z) = 1 + Σₙ aₙ zⁿ, aₙ = (pM)ₙ/(pM+pm)ₙ, n = 1..SERIES: aₙ and aₙ·∂log aₙ/∂pM,
   * aₙ·∂log aₙ/∂pm, filled on first use. Cheaper than the fraction where it converges in SERIES terms.
   */
  private series: Float64Array | null = null;
  // Split form, filled on first use: binomial coefficients (1−A)ₖ/k! and ∂/∂A, hᵏ, 1/(k+1−pm).
  private split: {
    c: Float64Array;
    dc: Float64Array;
    hk: Float64Array;
    inv: Float64Array;
    n: number;
    logH: number;
    /** (1−h)^A G(1−h)/A and its ∂log/∂A (pm fixed) and ∂log/∂pm (A fixed), plus −log h. */
    upper: number;
    upperA: number;
    upperP: number;
  } | null = null;

  constructor(pM: number, pm: number) {
    this.pM = pM;
    this.pm = pm;
    this.A = pM + pm - 1;
    this.logA = Math.log(this.A);
    this.h = Math.min(0.5, 2 / this.A);
  }

  /** Fill κ_j up to index `j` (1-based). */
  private growKappa(j: number): void {
    if (j <= this.nKappa) return;
    if (j >= this.kappa.length) {
      const size = Math.max(j + 1, 2 * this.kappa.length);
      const grow = (old: Float64Array) => {
        const next = new Float64Array(size);
        next.set(old);
        return next;
      };
      this.kappa = grow(this.kappa);
      this.kappaM = grow(this.kappaM);
      this.kappaP = grow(this.kappaP);
    }
    // Incomplete-beta fraction with a = A, b = 1 − pm (so a + b = pM):
    //   d_{2i+1} = −(a+i)(a+b+i) z / ((a+2i)(a+2i+1)),  d_{2i} = i(b−i) z / ((a+2i−1)(a+2i)).
    // ∂/∂pM moves a only; ∂/∂pm moves a up and b down.
    const a = this.A;
    const b = 1 - this.pm;
    for (let k = this.nKappa + 1; k <= j; k++) {
      let v: number;
      let da: number;
      let db: number;
      if (k % 2 === 1) {
        const i = (k - 1) / 2;
        v = (-(a + i) * (a + b + i)) / ((a + 2 * i) * (a + 2 * i + 1));
        da = 1 / (a + i) + 1 / (a + b + i) - 1 / (a + 2 * i) - 1 / (a + 2 * i + 1);
        db = 1 / (a + b + i);
      } else {
        const i = k / 2;
        v = (i * (b - i)) / ((a + 2 * i - 1) * (a + 2 * i));
        da = -1 / (a + 2 * i - 1) - 1 / (a + 2 * i);
        db = 1 / (b - i);
      }
      this.kappa[k] = v;
      this.kappaM[k] = v * da;
      this.kappaP[k] = v * (da - db);
    }
    this.nKappa = j;
  }

  /**
   * G(z) = ₂F₁(1, pM; pM+pm; z) by the continued fraction G = 1/(1 + d₁/U), U = 1 + d₂/(1 + …).
   * Writes log G, ∂log G/∂pM, ∂log G/∂pm and (G − 1)/(zG) = −κ₁/U (free of cancellation as z → 0)
   * into `out`. Near its convergence bound G is large and U + d₁ cancels, so U must be good to a
   * few ulps: a forward (Lentz) pass only finds the depth, and U with its derivatives is evaluated
   * backward from somewhat deeper, which is stable (the forward product drifted by ~1e-12 there).
   */
  continuedFraction(z: number, out: Float64Array): void {
    const tiny = 1e-300;
    let C = 1;
    let D = 0;
    let j = 2;
    for (; j < MAX_CF; j++) {
      if (j > this.nKappa) this.growKappa(j + 32);
      const d = (this.kappa[j] as number) * z;
      D = 1 + d * D;
      if (Math.abs(D) < tiny) D = tiny;
      D = 1 / D;
      C = 1 + d / C;
      if (Math.abs(C) < tiny) C = tiny;
      if (Math.abs(C * D - 1) < TOL) break;
    }
    const depth = Math.min(MAX_CF, j + (j >> 1) + 2);
    if (depth > this.nKappa) this.growKappa(depth);
    const { kappa, kappaM, kappaP } = this;
    let t = 1;
    let tM = 0;
    let tP = 0;
    for (let k = depth; k >= 2; k--) {
      const d = (kappa[k] as number) * z;
      const inv = 1 / t;
      // t ← 1 + d/t, ∂t ← (∂d − d ∂t/t)/t.
      const nM = ((kappaM[k] as number) * z - d * tM * inv) * inv;
      const nP = ((kappaP[k] as number) * z - d * tP * inv) * inv;
      t = 1 + d * inv;
      tM = nM;
      tP = nP;
    }
    const k1 = kappa[1] as number;
    const U = t;
    const W = U + k1 * z;
    out[0] = Math.log(U) - Math.log(W);
    out[1] = tM / U - (tM + (kappaM[1] as number) * z) / W;
    out[2] = tP / U - (tP + (kappaP[1] as number) * z) / W;
    out[3] = -k1 / U;
  }

  private seriesCoefficients(): Float64Array {
    if (this.series) return this.series;
    const { pM, pm } = this;
    const c = pM + pm;
    const out = new Float64Array(3 * SERIES);
    let a = 1;
    let sM = 0;
    let sP = 0;
    for (let n = 1; n <= SERIES; n++) {
      const k = n - 1;
      const ic = 1 / (c + k);
      a *= (pM + k) * ic;
      // ∂/∂pM log (pM+k)/(c+k) = 1/(pM+k) − 1/(c+k) = pm/((pM+k)(c+k)); ∂/∂pm = −1/(c+k).
      sM += (pm * ic) / (pM + k);
      sP -= ic;
      out[3 * k] = a;
      out[3 * k + 1] = a * sM;
      out[3 * k + 2] = a * sP;
    }
    this.series = out;
    return out;
  }

  /**
   * G(z) by its power series when SERIES terms suffice (the remainder after aₙzⁿ is below
   * aₙzⁿ/(1−z), as every term ratio is below z): writes what `continuedFraction` writes and returns
   * true, or returns false.
   */
  powerSeries(z: number, out: Float64Array): boolean {
    const a = this.seriesCoefficients();
    const z2 = z * z;
    const z4 = z2 * z2;
    const z8 = z4 * z4;
    const z16 = z8 * z8;
    const z32 = z16 * z16;
    // Bound on the remainder after the last stored term, relative to G ≥ 1.
    if ((a[3 * SERIES - 3] as number) * z32 * z32 > 1e-17 * (1 - z)) return false;
    const stop = 1e-17 * (1 - z);
    let g1 = 0; // (G − 1)/z
    let gM = 0;
    let gP = 0;
    let zn = 1; // zⁿ⁻¹
    for (let k = 0; k < SERIES; k++) {
      const an = (a[3 * k] as number) * zn;
      g1 += an;
      gM += (a[3 * k + 1] as number) * zn;
      gP += (a[3 * k + 2] as number) * zn;
      if (an < stop * g1) break;
      zn *= z;
    }
    const G = 1 + z * g1;
    out[0] = Math.log1p(z * g1);
    out[1] = (z * gM) / G;
    out[2] = (z * gP) / G;
    out[3] = g1 / G;
    return true;
  }

  private prepareSplit(): NonNullable<TailExponents['split']> {
    if (this.split) return this.split;
    const { A, pm, h } = this;
    const cap = MAX_SERIES + 1;
    const c = new Float64Array(cap);
    const dc = new Float64Array(cap);
    const hk = new Float64Array(cap);
    const inv = new Float64Array(cap);
    c[0] = 1;
    dc[0] = 0;
    hk[0] = 1;
    let n = cap;
    for (let k = 0; k < cap; k++) {
      inv[k] = 1 / (k + 1 - pm);
      if (k + 1 < cap) {
        const ck = c[k] as number;
        c[k + 1] = (ck * (k + 1 - A)) / (k + 1);
        dc[k + 1] = ((dc[k] as number) * (k + 1 - A) - ck) / (k + 1);
        hk[k + 1] = (hk[k] as number) * h;
        // Past k = A the coefficients and hᵏ only shrink: stop storing once negligible (c alone is
        // 0 there when A is an integer, but not ∂c/∂A).
        const size = Math.abs(c[k + 1] as number) + Math.abs(dc[k + 1] as number);
        if (k > A + 2 && size * (hk[k + 1] as number) < 1e-300) {
          n = k + 2;
          break;
        }
      }
    }
    const g = new Float64Array(4);
    this.continuedFraction(1 - h, g);
    const log1mh = Math.log1p(-h);
    const logH = Math.log(h);
    this.split = {
      c,
      dc,
      hk,
      inv,
      n,
      logH,
      upper: Math.exp(A * log1mh + (g[0] as number) - this.logA),
      upperA: log1mh + (g[1] as number) - 1 / A,
      upperP: -logH + (g[2] as number) - (g[1] as number),
    };
    return this.split;
  }

  /**
   * log I for M′ = `big`, m′ = `small` (0 < small ≤ big). With `grad`, writes ∂log I/∂(pM, pm, M′, m′)
   * at grad[at..at+3]. A caller that has log M′ and log m′ at hand may pass them.
   */
  logIntegral(
    big: number,
    small: number,
    grad: Float64Array | null,
    at = 0,
    logBig = NaN,
    logSmall = NaN,
  ): number {
    const eps = small / big;
    if (eps >= this.h) {
      const lb = Number.isNaN(logBig) ? Math.log(big) : logBig;
      const ls = Number.isNaN(logSmall) ? Math.log(small) : logSmall;
      return this.direct(big, small, grad, at, lb, ls);
    }
    return this.splitForm(big, small, eps, grad, at);
  }

  private readonly cf = new Float64Array(4);

  private direct(
    big: number,
    small: number,
    grad: Float64Array | null,
    at: number,
    logBig: number,
    logSmall: number,
  ): number {
    const { pM, pm, A } = this;
    const z = big === small ? 0 : (big - small) / big;
    const g = this.cf;
    if (!this.powerSeries(z, g)) this.continuedFraction(z, g);
    if (grad) {
      // ∂log I/∂M′ = −(A/M′)(G−1)/(zG); homogeneity gives ∂/∂m′.
      const dBig = (-A / big) * (g[3] as number);
      grad[at] = -logBig + (g[1] as number) - 1 / A;
      grad[at + 1] = -logSmall + (g[2] as number) - 1 / A;
      grad[at + 2] = dBig;
      grad[at + 3] = (-A - big * dBig) / small;
    }
    return -pM * logBig + (1 - pm) * logSmall + (g[0] as number) - this.logA;
  }

  private splitForm(
    big: number,
    small: number,
    eps: number,
    grad: Float64Array | null,
    at: number,
  ): number {
    const { pm, A } = this;
    const sp = this.prepareSplit();
    const { c, dc, hk, inv } = sp;
    const logEps = Math.log(eps);
    const L = sp.logH - logEps; // log(h/ε) > 0
    const R = Math.exp((1 - pm) * L); // (h/ε)^(1−pm)
    // Everything below is scaled by ε^(1−pm).
    const upper = R * sp.upper;
    let sum = upper;
    let dA = upper * sp.upperA;
    let dP = upper * sp.upperP;
    let ek = 1; // εᵏ
    let small2 = 0;
    const n = sp.n;
    for (let k = 0; k < n; k++) {
      const e = k + 1 - pm;
      const u = e * L;
      let T: number;
      let Te: number; // ∂T/∂e, T = ∫_ε^h y^(k−pm) dy / ε^(1−pm)
      if (Math.abs(u) < 0.1) {
        const phi = L * expm1x(u);
        const dphi = L * L * expm1xPrime(u);
        T = ek * phi;
        Te = ek * (logEps * phi + dphi);
      } else {
        const hR = (hk[k] as number) * R;
        const ie = inv[k] as number;
        T = (hR - ek) * ie;
        Te = logEps * T + (hR * L - T) * ie;
      }
      const ck = c[k] as number;
      const dck = dc[k] as number;
      sum += ck * T;
      dA += dck * T;
      dP -= ck * Te;
      ek *= eps;
      // |cₖ| hᵏ ≲ (Ah)ᵏ/k! ≤ 2ᵏ/k! (h = 2/A) or 2⁻ᵏ (h = ½, A ≤ 4), and εᵏ < hᵏ: the terms only
      // shrink from k = 2, except for a bounded bump (×log(h/ε)) at e ≈ 0. Stop after two negligible.
      const mag = (Math.abs(ck) + Math.abs(dck)) * (Math.abs(T) + Math.abs(Te));
      if (mag <= 1e-17 * (Math.abs(sum) + Math.abs(dA) + Math.abs(dP))) {
        if (++small2 >= 2 && k >= 2) break;
      } else {
        small2 = 0;
      }
    }
    const D = big - small;
    const logD = Math.log(D);
    if (grad) {
      // ∂log Q/∂ε = −ε^−pm (1−ε)^(A−1) / Q, i.e. −(1−ε)^(A−1) / (ε · sum) in the scaled units.
      const dEps = -Math.exp((A - 1) * Math.log1p(-eps)) / (eps * sum);
      grad[at] = -logD + dA / sum;
      grad[at + 1] = -logD + (dA + dP) / sum;
      grad[at + 2] = -A / D - (eps / big) * dEps;
      grad[at + 3] = A / D + dEps / big;
    }
    return -A * logD + (1 - pm) * logEps + Math.log(sum);
  }
}

/** (eᵘ − 1)/u, with its limit 1 at u = 0. */
function expm1x(u: number): number {
  return u === 0 ? 1 : Math.expm1(u) / u;
}

/** d/du (eᵘ − 1)/u = Σₙ n uⁿ⁻¹/(n+1)!, for |u| < 0.1 (the closed form cancels there). */
function expm1xPrime(u: number): number {
  let term = 0.5; // n = 1: 1/2!
  let sum = term;
  let p = 1; // uⁿ⁻¹
  let fact = 2; // (n+1)!
  for (let n = 2; n < 30; n++) {
    p *= u;
    fact *= n + 1;
    term = (n * p) / fact;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

const cache = new Map<number, Map<number, TailExponents>>();
let cached = 0;

/** A shared TailExponents for (pM, pm): predictions call I row by row with few distinct x. */
export function tailExponents(pM: number, pm: number): TailExponents {
  let byPm = cache.get(pM);
  if (byPm === undefined) {
    byPm = new Map();
    cache.set(pM, byPm);
  }
  let t = byPm.get(pm);
  if (t === undefined) {
    if (cached >= 512) {
      cache.clear();
      cached = 0;
      byPm = new Map();
      cache.set(pM, byPm);
    }
    t = new TailExponents(pM, pm);
    byPm.set(pm, t);
    cached++;
  }
  return t;
}
