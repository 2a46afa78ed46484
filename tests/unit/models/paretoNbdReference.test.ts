/**
 * The Pareto/NBD likelihood, its gradient, P(alive), E[Y(t)] and the tail integral against
 * 40-digit mpmath references (scripts/reference/pareto_nbd_reference.py, which integrates the
 * individual-level likelihood numerically and shares no formula with the code under test), over
 * r, s ∈ [1e-3, 50], α, β ∈ [1e-3, 1e6], x ≤ 300, tₓ ≤ T ≤ 1000 and the edges: z up to 1 − 1e-9,
 * α = β, near-integer r and s, s = 1e-4 with β = 1e5.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  logTailIntegral,
  paretoNbdExpectedPurchases,
  paretoNbdLogLikelihoodArray,
  paretoNbdProbabilityAlive,
} from '../../../src/models/paretoNbd';
import { compressRfm } from '../../../src/models/summary';

interface ReferenceRow {
  kind: string;
  r: number;
  alpha: number;
  s: number;
  beta: number;
  x: number;
  tx: number;
  T: number;
  horizon: number;
  ll: number;
  grad: [number, number, number, number];
  alive: number;
  expected: number;
  logItx: number;
  logIT: number;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/paretoNbdReference.json', import.meta.url), 'utf8'),
) as { rows: ReferenceRow[] };
const rows = fixture.rows;

/** Largest error per kind of row, for the report when a tolerance is exceeded. */
function worstBy(errors: { kind: string; err: number; row: ReferenceRow }[]) {
  const worst = new Map<string, { err: number; row: ReferenceRow }>();
  for (const e of errors) {
    const w = worst.get(e.kind);
    if (!w || e.err > w.err || Number.isNaN(e.err)) worst.set(e.kind, { err: e.err, row: e.row });
  }
  return worst;
}

function expectAllBelow(
  name: string,
  errors: { kind: string; err: number; row: ReferenceRow }[],
  tol: number,
) {
  const worst = worstBy(errors);
  for (const [kind, { err, row }] of worst) {
    expect(err, `${name}, ${kind}: ${JSON.stringify(row)}`).toBeLessThanOrEqual(tol);
  }
}

const params = (row: ReferenceRow) => [row.r, row.alpha, row.s, row.beta];
const oneRow = (row: ReferenceRow) =>
  compressRfm({
    x: Float64Array.of(row.x),
    tx: Float64Array.of(row.tx),
    T: Float64Array.of(row.T),
  });

describe('Pareto/NBD against the mpmath reference', () => {
  it('covers the edges it claims to', () => {
    const kinds = new Set(rows.map((r) => r.kind));
    for (const k of [
      'random',
      'z-near-1',
      'alpha=beta',
      'near-integer',
      'no-churn-edge',
      'cdnow',
    ]) {
      expect(kinds.has(k), k).toBe(true);
    }
    const zMax = Math.max(
      ...rows.map(
        (r) => Math.abs(r.alpha - r.beta) / (Math.max(r.alpha, r.beta) + Math.min(r.tx, r.T)),
      ),
    );
    expect(zMax).toBeGreaterThan(1 - 1e-8);
    expect(Math.max(...rows.map((r) => r.x))).toBe(300);
  });

  it('row log-likelihood: ≤ 1e-10 relative (1e-9 absolute near 0)', () => {
    const errors = rows.map((row) => {
      const ll = paretoNbdLogLikelihoodArray(params(row), oneRow(row));
      return { kind: row.kind, row, err: Math.abs(ll - row.ll) / Math.max(Math.abs(row.ll), 10) };
    });
    expectAllBelow('log-likelihood', errors, 1e-10);
  });

  it('gradient of the row log-likelihood: ≤ 1e-8 relative to its scale', () => {
    const g = new Float64Array(4);
    const errors = rows.flatMap((row) => {
      paretoNbdLogLikelihoodArray(params(row), oneRow(row), g);
      // Scale of component i: |∂ll/∂θᵢ| or, when that is tiny, |ll|/θᵢ (a unit relative change).
      return row.grad.map((want, i) => {
        const theta = params(row)[i] as number;
        const scale = Math.max(Math.abs(want), Math.max(Math.abs(row.ll), 1) / theta);
        return { kind: row.kind, row, err: Math.abs((g[i] as number) - want) / scale };
      });
    });
    expectAllBelow('gradient', errors, 1e-8);
  });

  it('P(alive) and E[Y(t)]: ≤ 1e-10 relative (1e-12 absolute)', () => {
    const alive = rows.map((row) => {
      const p = { r: row.r, alpha: row.alpha, s: row.s, beta: row.beta };
      const got = paretoNbdProbabilityAlive(p, row);
      return { kind: row.kind, row, err: Math.abs(got - row.alive) / (row.alive + 1e-2) };
    });
    expectAllBelow('P(alive)', alive, 1e-10);
    const expected = rows.map((row) => {
      const p = { r: row.r, alpha: row.alpha, s: row.s, beta: row.beta };
      const got = paretoNbdExpectedPurchases(p, row.horizon, row);
      return {
        kind: row.kind,
        row,
        err: Math.abs(got - row.expected) / (Math.abs(row.expected) + 1e-2),
      };
    });
    expectAllBelow('E[Y(t)]', expected, 1e-10);
  });

  it('log tail integral at tₓ and T: ≤ 1e-12 relative', () => {
    const errors = rows.flatMap((row) =>
      (
        [
          [row.tx, row.logItx],
          [row.T, row.logIT],
        ] as const
      ).map(([t, want]) => {
        const got = logTailIntegral(row.r + row.x, row.s + 1, row.alpha, row.beta, t);
        return { kind: row.kind, row, err: Math.abs(got - want) / Math.max(Math.abs(want), 1) };
      }),
    );
    expectAllBelow('log I', errors, 1e-12);
  });
});
