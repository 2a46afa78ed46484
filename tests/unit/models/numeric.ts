/** Numerical references for the model tests, independent of the code under test. */

/**
 * Derivative of f at v along coordinate i by Richardson-extrapolated central differences
 * (error O(h⁴)), with h relative to |vᵢ|.
 */
export function numericPartial(f: (v: number[]) => number, v: number[], i: number, rel = 1e-3) {
  const central = (h: number) => {
    const a = v.slice();
    const b = v.slice();
    a[i] = (a[i] as number) + h;
    b[i] = (b[i] as number) - h;
    return (f(a) - f(b)) / (2 * h);
  };
  const h = rel * Math.max(Math.abs(v[i] as number), 1e-3);
  return (4 * central(h / 2) - central(h)) / 3;
}

export function numericGradient(f: (v: number[]) => number, v: number[], rel = 1e-3): number[] {
  return v.map((_, i) => numericPartial(f, v, i, rel));
}

/**
 * ∫ₐ^∞ f(τ) dτ by exp-sinh (double-exponential) quadrature: τ = a + exp(π/2 · sinh u). Accurate to
 * ~1e-12 for smooth integrands that decay algebraically or faster, however peaked near a.
 */
export function integrateToInfinity(f: (tau: number) => number, a: number, h = 1 / 128): number {
  let sum = 0;
  const K = Math.ceil(6 / h);
  for (let k = -K; k <= K; k++) {
    const u = k * h;
    const e = (Math.PI / 2) * Math.sinh(u);
    const d = Math.exp(e);
    const term = f(a + d) * (Math.PI / 2) * Math.cosh(u) * d;
    if (Number.isFinite(term)) sum += term;
  }
  return sum * h;
}
