"""High-precision reference values for the Pareto/NBD likelihood, P(alive) and E[Y(t)].

Writes tests/fixtures/paretoNbdReference.json, which tests/unit/models/paretoNbdReference.test.ts
reads (the tests never need Python). Run from the repository root:

    python3 scripts/reference/pareto_nbd_reference.py
    npx prettier --write tests/fixtures/paretoNbdReference.json

Everything is computed with mpmath at 40 significant digits, from the individual-level integral
rather than from the closed forms the TypeScript code uses, so the two share no formulas:

  L = Γ(r+x) αʳ βˢ / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s·J ],
  J = ∫_{tₓ}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ        (Fader & Hardie 2005, eq. 18)

J and its parameter derivatives (log- and 1/(·+τ)-weighted integrals of the same integrand) are
tanh-sinh quadratures in v = log(min(α,β) + τ), on pieces that start at ~2/(r+x+s+1) and grow to 1;
J is cross-checked against the ₂F₁ form I(tₓ) − I(T) (mpmath's hyp2f1), and the tail integrals
I(t) = ∫ₜ^∞ … dτ that the fixture also records are checked against quadrature to infinity. The
script stops if any cross-check disagrees beyond 1e-20 relative.

The grid: seeded random cases over r, s ∈ [1e-3, 50], α, β ∈ [1e-3, 1e6], x ∈ 0..300,
0 ≤ tₓ ≤ T ≤ 1000, plus the edges by construction: z = |α−β|/(max(α,β)+t) up to 1 − 1e-9, α = β
exactly, near-integer r and s, s → 0 and β → 1e5, and the CDNOW estimates.
"""

import json
import os
import random
import sys
from multiprocessing import Pool

import mpmath as mp

DPS = 40
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "paretoNbdReference.json"
)


def pieces(v0, v1, k):
    """Break points in v for an integrand decaying like e^(−k v): short first, then growing to 1
    (the integrand's singularities lie π off the real v axis, so longer pieces converge slowly)."""
    d = min(mp.mpf(1), mp.mpf(2) / k)
    pts = [v0]
    v = v0
    while v + d < v1 and len(pts) < 400:
        v += d
        pts.append(v)
        d = min(1, d * 1.6)
    pts.append(v1)
    return pts


def integrals(r, a, s, b, x, t0, t1):
    """∫_{t0}^{t1} w(τ) f(τ) dτ for w = 1, −log(α+τ), −1/(α+τ), −log(β+τ), −1/(β+τ)."""
    p = r + x
    q = s + 1
    m = min(a, b)

    def at(v, which):
        tau = mp.e**v - m
        f = (a + tau) ** (-p) * (b + tau) ** (-q) * (m + tau)
        if which == 0:
            return f
        if which == 1:
            return -mp.log(a + tau) * f
        if which == 2:
            return -f / (a + tau)
        if which == 3:
            return -mp.log(b + tau) * f
        return -f / (b + tau)

    v0 = mp.log(m + t0)
    v1 = mp.log(m + t1)
    pts = pieces(v0, v1, p + q)
    # mpmath's error estimate misbehaves on tiny magnitudes (1e-1000): integrate f / f(v₀).
    scale = 1 / at(v0, 0)
    out = []
    for which in range(5):
        val, err = mp.quad(lambda v: at(v, which) * scale, pts, error=True)
        if abs(err) > mp.mpf(10) ** (-25) * max(abs(val), mp.mpf(10) ** (-300)):
            # Refine once: more, shorter pieces.
            fine = []
            for i in range(len(pts) - 1):
                for j in range(4):
                    fine.append(pts[i] + (pts[i + 1] - pts[i]) * j / 4)
            fine.append(pts[-1])
            val, err = mp.quad(lambda v: at(v, which) * scale, fine, error=True)
        out.append(val / scale)
    return out


def tail_hyp2f1(p, q, a, b, t):
    """I(t) = ∫ₜ^∞ (α+τ)^−p (β+τ)^−q dτ by Fader & Hardie's ₂F₁ forms (eqs. 19–20)."""
    A = p + q - 1
    if a >= b:
        return mp.hyp2f1(A, q, A + 1, (a - b) / (a + t)) / (A * (a + t) ** A)
    return mp.hyp2f1(A, p, A + 1, (b - a) / (b + t)) / (A * (b + t) ** A)


def tail_quad(p, q, a, b, t):
    m = min(a, b)
    f = lambda v: (lambda tau: (a + tau) ** (-p) * (b + tau) ** (-q) * (m + tau))(mp.e**v - m)
    v0 = mp.log(m + t)
    # Past v = log(max(α, β)) + 60/A the rest is a pure power tail that exp-sinh handles.
    pts = pieces(v0, max(v0, mp.log(max(a, b) + t)) + min(60, 60 / (p + q - 1)) + 1, p + q - 1)
    scale = 1 / f(v0)
    val, err = mp.quad(lambda v: f(v) * scale, pts + [mp.inf], error=True)
    if abs(err) > mp.mpf(10) ** (-25) * abs(val):
        raise RuntimeError(f"tail quadrature error {err} for {val}")
    return val / scale


def reference(case):
    mp.mp.dps = DPS
    r, a, s, b = (mp.mpf(case[k]) for k in ("r", "alpha", "s", "beta"))
    x = case["x"]
    tx = mp.mpf(case["tx"])
    T = mp.mpf(case["T"])
    p = r + x
    E = (a + T) ** (-p) * (b + T) ** (-s)
    if tx < T:
        J, Jr, Ja, Js, Jb = integrals(r, a, s, b, x, tx, T)
        Ja *= p
        Jb *= s + 1
    else:
        J = Jr = Ja = Js = Jb = mp.mpf(0)
    # Cross-check J against the ₂F₁ closed form (independent code path in mpmath).
    Itx = tail_hyp2f1(p, s + 1, a, b, tx)
    IT = tail_hyp2f1(p, s + 1, a, b, T)
    Jf = Itx - IT
    if J != 0 or Jf != 0:
        scale = max(abs(J), abs(E) / max(s, mp.mpf(10) ** -30) * mp.mpf(10) ** -5)
        if abs(J - Jf) > mp.mpf(10) ** (-20) * scale:
            raise RuntimeError(f"J mismatch {case}: quad {J} vs 2F1 {Jf}")
    # The tail integrals themselves, checked against quadrature to infinity.
    for t, It in ((tx, Itx), (T, IT)):
        Iq = tail_quad(p, s + 1, a, b, t)
        if abs(Iq - It) > mp.mpf(10) ** (-20) * abs(It):
            raise RuntimeError(f"I mismatch {case} at t={t}: quad {Iq} vs 2F1 {It}")
    L2 = E + s * J
    ll = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(a) + s * mp.log(b) + mp.log(L2)
    g = [
        mp.digamma(r + x) - mp.digamma(r) + mp.log(a) + (-mp.log(a + T) * E + s * Jr) / L2,
        r / a + (-p * E / (a + T) + s * Ja) / L2,
        mp.log(b) + (-mp.log(b + T) * E + J + s * Js) / L2,
        s / b + (-s * E / (b + T) + s * Jb) / L2,
    ]
    alive = E / L2
    h = mp.mpf(case["horizon"])
    k = s - 1
    if k == 0:
        tail = mp.log((b + T + h) / (b + T))
    else:
        tail = (1 - ((b + T) / (b + T + h)) ** k) / k
    ey = alive * p * (b + T) / (a + T) * tail
    out = dict(case)
    out.update(
        ll=float(ll),
        grad=[float(v) for v in g],
        alive=float(alive),
        expected=float(ey),
        logItx=float(mp.log(Itx)),
        logIT=float(mp.log(IT)),
    )
    return out


def log_uniform(rng, lo, hi):
    return float(mp.e ** (rng.uniform(float(mp.log(lo)), float(mp.log(hi)))))


def cases():
    rng = random.Random(20250611)
    out = []

    def add(r, a, s, b, x, tx, T, kind, horizon=None):
        if x == 0:
            tx = 0.0
        tx = min(tx, T)
        out.append(
            dict(
                kind=kind,
                r=r,
                alpha=a,
                s=s,
                beta=b,
                x=x,
                tx=tx,
                T=T,
                horizon=horizon if horizon is not None else rng.choice([1.0, 39.0, 520.0]),
            )
        )

    xs = [0, 0, 1, 1, 2, 3, 5, 8, 13, 30, 60, 100, 200, 300]
    # Random over the whole box.
    for _ in range(260):
        T = rng.choice([0.0, log_uniform(rng, 1e-2, 1000.0), float(rng.randint(1, 1000)) / 7])
        x = rng.choice(xs)
        tx = 0.0 if x == 0 else rng.choice([T, T * rng.random(), T * rng.random() ** 4])
        add(
            log_uniform(rng, 1e-3, 50),
            log_uniform(rng, 1e-3, 1e6),
            log_uniform(rng, 1e-3, 50),
            log_uniform(rng, 1e-3, 1e6),
            x,
            tx,
            T,
            "random",
        )
    # z → 1: the smaller rate tiny, the larger huge, t small (z = 1 − 1e-9 at t = 0).
    for _ in range(80):
        small = log_uniform(rng, 1e-3, 1e-1)
        big = log_uniform(rng, 1e4, 1e6)
        T = rng.choice([0.0, 1e-3, 0.1, 1.0, log_uniform(rng, 1e-3, 1000.0)])
        x = rng.choice([0, 0, 1, 1, 2, 3, 5, 20, 300])
        tx = 0.0 if x == 0 else rng.choice([0.0, T * rng.random(), T])
        a, b = (small, big) if rng.random() < 0.5 else (big, small)
        r = rng.choice([log_uniform(rng, 1e-3, 50), 1.0, 1 - 1e-9, 0.5])
        s = rng.choice([log_uniform(rng, 1e-3, 50), 1e-3, 1.0, 1 + 1e-9, 2.0])
        add(r, a, s, b, x, tx, T, "z-near-1")
    # α = β exactly.
    for _ in range(25):
        a = log_uniform(rng, 1e-3, 1e6)
        T = log_uniform(rng, 1e-2, 1000.0)
        x = rng.choice(xs)
        add(log_uniform(rng, 1e-3, 50), a, log_uniform(rng, 1e-3, 50), a, x, T * rng.random(), T, "alpha=beta")
    # Near-integer r and s (the poles of the 1 − z transformation), at large z too.
    near = [1.0, 1 - 1e-9, 1 + 1e-9, 1 + 1e-6, 2.0, 2 - 1e-8, 3 + 1e-7, 1e-3, 0.999999]
    for _ in range(60):
        a = log_uniform(rng, 1e-3, 1e6)
        b = log_uniform(rng, 1e-3, 1e6)
        T = log_uniform(rng, 1e-2, 1000.0)
        x = rng.choice([0, 1, 1, 2, 3, 10])
        add(rng.choice(near), a, rng.choice(near), b, x, T * rng.random(), T, "near-integer")
    # Edge of a fit: s → 0, β → 1e5 (no churn), and the CDNOW estimates.
    for _ in range(30):
        T = float(rng.randint(0, 39 * 7)) / 7
        x = rng.choice([0, 1, 2, 5, 20, 100])
        add(log_uniform(rng, 0.1, 5), log_uniform(rng, 0.5, 50), 1e-4, 1e5, x, T * rng.random(), T, "no-churn-edge")
    for _ in range(25):
        T = float(rng.randint(0, 78 * 7)) / 7
        x = rng.choice([0, 1, 2, 3, 5, 10, 20])
        add(0.553, 10.578, 0.606, 11.669, x, float(rng.randint(0, int(T * 7))) / 7, T, "cdnow")
    return out


def main():
    todo = cases()
    with Pool(max(1, min(4, os.cpu_count() or 1))) as pool:
        rows = pool.map(reference, todo, chunksize=4)
    doc = {
        "generator": "scripts/reference/pareto_nbd_reference.py",
        "digits": DPS,
        "fields": "ll: row log-likelihood (weight 1); grad: dll/d(r, alpha, s, beta); alive: P(alive at T); "
        "expected: E[Y(horizon) | x, tx, T]; logItx, logIT: log of the tail integral "
        "int_t^inf (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau at t = tx and t = T",
        "rows": rows,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(rows)} rows to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
