/**
 * Special functions for the CLV models: thin wrappers over stdlib (Cephes-derived ports, the same
 * algorithms SciPy uses), so the models never carry a hand-written log-gamma or 2F1. The wrappers
 * exist so that one module decides which implementation the models use, and so the rest of the
 * code imports plain ES functions with TypeScript types.
 */
import stdlibGammaln from '@stdlib/math-base-special-gammaln';
import stdlibBetaln from '@stdlib/math-base-special-betaln';
import stdlibDigamma from '@stdlib/math-base-special-digamma';
import stdlibHyp2f1 from '@stdlib/math-base-special-hyp2f1';

/** log Γ(x) for x > 0 (log |Γ(x)| elsewhere). */
export function gammaln(x: number): number {
  return stdlibGammaln(x);
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), computed without cancellation for large a, b. */
export function betaln(a: number, b: number): number {
  return stdlibBetaln(a, b);
}

/** ψ(x) = d/dx log Γ(x): the derivative the analytic gradients need. */
export function digamma(x: number): number {
  return stdlibDigamma(x);
}

/** Within this distance of a non-zero integer, c − a − b counts as "near-integer" (see hyp2f1). */
const NEAR_INTEGER = 1e-5;
/** Offset in c used to step around a near-integer c − a − b. */
const C_OFFSET = 5e-4;

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z). The models only call it with real z < 1.
 *
 * Guard: for z > 0.9 stdlib (0.1.1) switches to the 1 − z transformation, which has poles where
 * d = c − a − b is an integer. Cephes treats d as an integer within 1e-13; stdlib tests integrality
 * exactly, so for d a few ulps off an integer (e.g. c = a + 1 computed in floating point) it returns
 * garbage (errors up to 90% measured), and its error grows like 3e-15 / |d − round(d)| nearer the
 * integer. When d is within 1e-5 of an integer (but not exactly on it), the value is therefore taken
 * as the Richardson extrapolation of symmetric evaluations at c ± h and c ± 2h (h = 5e-4), where
 * stdlib is accurate; ₂F₁ is smooth in c, so the result is accurate to about 1e-10 relative.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z > 0.9) {
    const d = c - a - b;
    const off = d - Math.round(d);
    if (off !== 0 && Math.abs(off) < NEAR_INTEGER) {
      const h = C_OFFSET;
      const near = 0.5 * (stdlibHyp2f1(a, b, c + h, z) + stdlibHyp2f1(a, b, c - h, z));
      const far = 0.5 * (stdlibHyp2f1(a, b, c + 2 * h, z) + stdlibHyp2f1(a, b, c - 2 * h, z));
      return (4 * near - far) / 3;
    }
  }
  return stdlibHyp2f1(a, b, c, z);
}

/** log(eᵃ + eᵇ) without overflow; −∞ when both are −∞. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
