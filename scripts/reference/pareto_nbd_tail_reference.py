"""High-precision reference values for the Pareto/NBD tail integral on its own.

Writes tests/fixtures/paretoNbdTailReference.json for tests/unit/models/paretoNbdIntegral.test.ts:

  I = ∫₀^∞ (m′+u)^−pm (M′+u)^−pM du  (0 < m′ ≤ M′),

as log I and ∂log I/∂(pM, pm, M′, m′), over exponents pM, pm ∈ [1e-3, 351] (x up to 300 and
r, s up to 50), near-integer exponents (1 ± 1e-9, 2 − 1e-8, integers + 1e-9), M′ ∈ [1e-3, 1e6]
and ε = m′/M′ from 1 (α = β) down to 1e-9 (z = 1 − ε up to 1 − 1e-9), one row in five where
the continued fraction converges slowest (ε just above the split point, large pM, small pm). Values are mpmath's
hyp2f1 at 40 digits (I = M′^−pM m′^(1−pm) ₂F₁(1, pM; pM+pm; 1−ε) / (pM+pm−1)); derivatives are
mpmath's numerical differentiation of that at the same precision. A sample is re-checked against
quadrature of the integral itself (independent of hyp2f1); the script stops on a disagreement.

    python3 scripts/reference/pareto_nbd_tail_reference.py
    npx prettier --write tests/fixtures/paretoNbdTailReference.json
"""

import json
import os
import random

import mpmath as mp

mp.mp.dps = 40
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..",
    "..",
    "tests",
    "fixtures",
    "paretoNbdTailReference.json",
)


def log_i(pM, pm, big, small):
    z = (big - small) / big
    return (
        -pM * mp.log(big)
        + (1 - pm) * mp.log(small)
        + mp.log(mp.hyp2f1(1, pM, pM + pm, z))
        - mp.log(pM + pm - 1)
    )


def log_i_quad(pM, pm, big, small):
    f = lambda v: (lambda u: (small + u) ** (-pm) * (big + u) ** (-pM) * (small + u))(mp.e**v - small)
    v0 = mp.log(small)
    pts = [v0 + k * mp.mpf(0.5) for k in range(int(2 * (mp.log(big / small) + 80)) + 2)]
    scale = 1 / f(v0)
    return mp.log(mp.quad(lambda v: f(v) * scale, pts + [mp.inf]) / scale)


def main():
    rng = random.Random(20250612)

    def lu(lo, hi):
        return float(mp.e ** rng.uniform(float(mp.log(lo)), float(mp.log(hi))))

    def exponent():
        return rng.choice(
            [
                lu(1.001, 351),
                1 + lu(1e-4, 1),
                lu(1e-3, 3),
                1 + 1e-9,
                1 - 1e-9,
                2.0,
                2 - 1e-8,
                float(rng.randint(1, 300)) + rng.choice([0, 1e-9, -1e-7, 0.5]),
            ]
        )

    rows = []
    while len(rows) < 600:
        pM = exponent()
        pm = exponent()
        if pM + pm - 1 <= 1e-3:
            continue
        big = lu(1e-3, 1e6)
        eps = rng.choice([lu(1e-9, 1), rng.random(), 1.0, lu(1e-9, 1e-3)])
        if len(rows) % 5 == 0:
            # Where the continued fraction is slowest: ε just above the split point min(½, 2/A),
            # with a small exponent on m′ (x = 0 or 1, or s + 1 with α > β) and a large one on M′.
            pM = lu(20, 351)
            pm = rng.choice([lu(1e-3, 3), 1 + 1e-9, 2.0, 1 + lu(1e-4, 1)])
            eps = min(0.5, 2 / (pM + pm - 1)) * rng.uniform(1, 3)
        small = big * eps
        a, b, M, m = map(mp.mpf, (pM, pm, big, small))
        v = log_i(a, b, M, m)
        g = [
            mp.diff(lambda u: log_i(u, b, M, m), a),
            mp.diff(lambda u: log_i(a, u, M, m), b),
        ]
        if eps < 1:
            g += [mp.diff(lambda u: log_i(a, b, u, m), M), mp.diff(lambda u: log_i(a, b, M, u), m)]
        if len(rows) % 20 == 0:
            q = log_i_quad(a, b, M, m)
            if abs(q - v) > mp.mpf(10) ** -20 * max(1, abs(v)):
                raise RuntimeError(f"quadrature {q} vs hyp2f1 {v} at {pM}, {pm}, {big}, {small}")
        rows.append(dict(pM=pM, pm=pm, big=big, small=small, logI=float(v), grad=[float(x) for x in g]))
    with open(OUT, "w") as f:
        json.dump(
            {
                "generator": "scripts/reference/pareto_nbd_tail_reference.py",
                "fields": "logI: log of int_0^inf (small+u)^-pm (big+u)^-pM du; "
                "grad: d logI / d(pM, pm[, big, small]) (the last two only when small < big)",
                "rows": rows,
            },
            f,
            separators=(",", ":"),
        )
        f.write("\n")


if __name__ == "__main__":
    main()
