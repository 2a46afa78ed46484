// Seeded pseudo-random numbers for the sample and benchmark generators.
// mulberry32 is tiny, fast and statistically fine for synthetic data (never use it for secrets);
// its 2^32 period is far more than the few tens of millions of draws a generator makes.

/** Hash any string (or number) into a 32-bit seed, so seeds can be readable labels. */
export function hashSeed(value) {
  let h = 0x811c9dc5;
  for (const ch of String(value)) {
    h = Math.imul(h ^ ch.codePointAt(0), 0x01000193);
  }
  // Extra avalanche so seeds differing in one character do not start correlated.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export function createRng(seed = 1) {
  let state = typeof seed === 'number' ? seed >>> 0 : hashSeed(seed);
  let spareNormal = null;

  /** Uniform in [0, 1). */
  function uniform() {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  const int = (lo, hi) => lo + Math.floor(uniform() * (hi - lo + 1));
  const between = (lo, hi) => lo + uniform() * (hi - lo);
  const bernoulli = (p) => uniform() < p;
  const pick = (items) => items[Math.floor(uniform() * items.length)];

  /** Returns a sampler for repeated weighted picks (cumulative table + binary search). */
  function weightedPicker(items, weights) {
    const cumulative = new Float64Array(weights.length);
    let total = 0;
    weights.forEach((w, i) => (cumulative[i] = total += w));
    return () => {
      const target = uniform() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid] > target) hi = mid;
        else lo = mid + 1;
      }
      return items[lo];
    };
  }

  const weightedPick = (items, weights) => weightedPicker(items, weights)();

  /** Standard normal via Box–Muller; the second value is cached for the next call. */
  function normal(mean = 0, sd = 1) {
    if (spareNormal !== null) {
      const z = spareNormal;
      spareNormal = null;
      return mean + sd * z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spareNormal = r * Math.sin(theta);
    return mean + sd * r * Math.cos(theta);
  }

  const lognormal = (mu, sigma) => Math.exp(mu + sigma * normal());
  const exponential = (rate) => -Math.log(1 - uniform()) / rate;

  /** Number of trials up to and including the first success (>= 1). */
  function geometric(p) {
    if (p >= 1) return 1;
    return 1 + Math.floor(Math.log(1 - uniform()) / Math.log(1 - p));
  }

  /** Gamma(shape, scale) by Marsaglia–Tsang; shape < 1 uses the usual power boost. */
  function gamma(shape, scale = 1) {
    if (shape < 1) return gamma(shape + 1, scale) * Math.pow(1 - uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x;
      let v;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x ** 4) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  function beta(a, b) {
    const x = gamma(a);
    return x / (x + gamma(b));
  }

  /** Fisher–Yates, in place. */
  function shuffle(items) {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /**
   * An independent generator derived from this one's seed and a label. Giving each concern
   * its own stream means tweaking one (say, the dirty rows) does not reshuffle all the others.
   */
  const fork = (label) => createRng(hashSeed(`${seed}/${label}`));

  return {
    uniform,
    int,
    between,
    bernoulli,
    pick,
    weightedPick,
    weightedPicker,
    normal,
    lognormal,
    exponential,
    geometric,
    gamma,
    beta,
    shuffle,
    fork,
  };
}
