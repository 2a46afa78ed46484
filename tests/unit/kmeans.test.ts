import { describe, expect, it } from 'vitest';
import {
  chooseK,
  kmeans,
  kmeansPlusPlus,
  mulberry32,
  sampleRows,
  silhouette,
  type Matrix,
} from '../../src/models/kmeans';

function matrix(rows: number[][]): Matrix {
  return { data: Float64Array.from(rows.flat()), n: rows.length, d: rows[0]!.length };
}

/** `perBlob` points around each centre, jittered by a seeded stream within ±spread. */
function blobs(centres: number[][], perBlob: number, spread: number, seed = 1) {
  const random = mulberry32(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, b) => {
    for (let i = 0; i < perBlob; i++) {
      rows.push(c.map((x) => x + (random() * 2 - 1) * spread));
      truth.push(b);
    }
  });
  return { m: matrix(rows), truth };
}

/** Same partition, whatever the cluster numbers. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const map = new Map<number, number>();
  const back = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if ((map.get(x) ?? y) !== y || (back.get(y) ?? x) !== x) return false;
    map.set(x, y);
    back.set(y, x);
  }
  return true;
}

describe('mulberry32 and sampling', () => {
  it('is reproducible and uniform-ish in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(mulberry32(124)()).not.toBe(mulberry32(123)());
  });

  it('samples distinct rows, sorted, the same for the same seed', () => {
    const s = sampleRows(100, 10, 5);
    expect(new Set(s).size).toBe(10);
    expect([...s]).toEqual([...s].sort((x, y) => x - y));
    expect([...sampleRows(100, 10, 5)]).toEqual([...s]);
    expect([...sampleRows(4, 10, 5)]).toEqual([0, 1, 2, 3]);
  });
});

describe('k-means', () => {
  it('recovers well-separated blobs exactly, with the centroids at the blob means', () => {
    const centres = [
      [0, 0, 0],
      [10, 0, 0],
      [0, 10, 0],
      [0, 0, 10],
    ];
    const { m, truth } = blobs(centres, 50, 1);
    const fit = kmeans(m, 4, { seed: 3 });
    expect(fit.converged).toBe(true);
    expect(samePartition(fit.labels, truth)).toBe(true);
    expect([...fit.sizes].sort()).toEqual([50, 50, 50, 50]);
    // Each centroid is the mean of its rows; inertia is the sum of squared distances to them.
    let inertia = 0;
    for (let c = 0; c < 4; c++) {
      const members = [...fit.labels.keys()].filter((i) => fit.labels[i] === c);
      for (let j = 0; j < 3; j++) {
        const mean = members.reduce((s, i) => s + m.data[i * 3 + j]!, 0) / members.length;
        expect(fit.centroids[c * 3 + j]).toBeCloseTo(mean, 10);
      }
      for (const i of members)
        for (let j = 0; j < 3; j++)
          inertia += (m.data[i * 3 + j]! - fit.centroids[c * 3 + j]!) ** 2;
    }
    expect(fit.inertia).toBeCloseTo(inertia, 8);
  });

  it('is deterministic for a seed', () => {
    const { m } = blobs(
      [
        [0, 0],
        [3, 3],
        [6, 0],
      ],
      80,
      2.5,
      9,
    );
    const a = kmeans(m, 3, { seed: 11, restarts: 1 });
    const b = kmeans(m, 3, { seed: 11, restarts: 1 });
    expect([...b.labels]).toEqual([...a.labels]);
    expect([...b.centroids]).toEqual([...a.centroids]);
    expect(b.inertia).toBe(a.inertia);
    // k-means++ draws its first centre from the stream: another seed starts elsewhere.
    const c1 = kmeansPlusPlus(m, 3, mulberry32(11));
    const c2 = kmeansPlusPlus(m, 3, mulberry32(12));
    expect([...c1]).not.toEqual([...c2]);
  });

  it('solves a one-dimensional case by hand', () => {
    // {0, 1, 2} and {10, 11}: centroids 1 and 10.5; inertia 1 + 0 + 1 + 0.25 + 0.25 = 2.5.
    const fit = kmeans(matrix([[0], [1], [2], [10], [11]]), 2, { seed: 1 });
    const centroids = [...fit.centroids].sort((a, b) => a - b);
    expect(centroids).toEqual([1, 10.5]);
    expect(fit.inertia).toBeCloseTo(2.5, 12);
    expect(fit.labels[0]).toBe(fit.labels[2]);
    expect(fit.labels[3]).toBe(fit.labels[4]);
    expect(fit.labels[0]).not.toBe(fit.labels[3]);
  });

  it('copes with fewer distinct rows than k (no empty cluster, no NaN)', () => {
    const fit = kmeans(matrix([[1], [1], [1], [5], [5]]), 3, { seed: 2 });
    expect([...fit.sizes].every((s) => s > 0)).toBe(true);
    expect(Number.isFinite(fit.inertia)).toBe(true);
    expect(fit.inertia).toBe(0);
  });

  it('refuses k larger than the rows', () => {
    expect(() => kmeans(matrix([[1], [2]]), 3)).toThrow(/at least 3 rows/);
  });
});

describe('silhouette', () => {
  it('matches a hand-computed small case', () => {
    // Points 0, 1 (cluster 0) and 4, 6 (cluster 1).
    // 0: a = 1, b = (4 + 6)/2 = 5 → 4/5.  1: a = 1, b = (3 + 5)/2 = 4 → 3/4.
    // 4: a = 2, b = (4 + 3)/2 = 3.5 → 1.5/3.5.  6: a = 2, b = (6 + 5)/2 = 5.5 → 3.5/5.5.
    const m = matrix([[0], [1], [4], [6]]);
    const expected = (4 / 5 + 3 / 4 + 1.5 / 3.5 + 3.5 / 5.5) / 4;
    expect(silhouette(m, Int32Array.from([0, 0, 1, 1]), 2)).toBeCloseTo(expected, 12);
  });

  it('scores a row alone in its cluster as 0', () => {
    // 0 alone: 0. 5: a = 1, b = 5 → 0.8. 6: a = 1, b = 6 → 5/6.
    const m = matrix([[0], [5], [6]]);
    expect(silhouette(m, Int32Array.from([0, 1, 1]), 2)).toBeCloseTo((0 + 0.8 + 5 / 6) / 3, 12);
  });

  it('on a sample is close to the exact value and reproducible', () => {
    const { m, truth } = blobs(
      [
        [0, 0],
        [4, 0],
      ],
      600,
      2,
      4,
    );
    const labels = Int32Array.from(truth);
    const exact = silhouette(m, labels, 2, { sampleSize: 5000 });
    const sampled = silhouette(m, labels, 2, { sampleSize: 400, seed: 1 });
    expect(sampled).toBe(silhouette(m, labels, 2, { sampleSize: 400, seed: 1 }));
    expect(Math.abs(sampled - exact)).toBeLessThan(0.05);
  });
});

describe('choice of k', () => {
  const centres = [
    [0, 0],
    [12, 0],
    [0, 12],
    [12, 12],
    [6, 24],
  ];

  it('picks the number of separated blobs by silhouette, with inertia falling with k', () => {
    const { m, truth } = blobs(centres, 40, 1.5, 21);
    const { k, scores, fit } = chooseK(m);
    expect(k).toBe(5);
    expect(scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = Math.max(...scores.map((s) => s.silhouette));
    expect(scores.find((s) => s.k === 5)!.silhouette).toBe(best);
    expect(best).toBeGreaterThan(0.8);
    for (let i = 1; i < 4; i++)
      expect(scores[i]!.inertiaPerRow).toBeLessThan(scores[i - 1]!.inertiaPerRow);
    expect(samePartition(fit.labels, truth)).toBe(true);
  });

  it('keeps the analyst’s k, and fits on a sample when there are many rows', () => {
    const { m } = blobs(centres, 40, 1.5, 21);
    expect(chooseK(m, { fixedK: 3 }).fit.k).toBe(3);
    const big = blobs(centres, 400, 1.5, 22);
    const sampled = chooseK(big.m, { fitSample: 500, silhouetteSample: 300 });
    expect(sampled.k).toBe(5);
    expect(sampled.fit.labels.length).toBe(2000);
    expect(samePartition(sampled.fit.labels, big.truth)).toBe(true);
  });

  it('caps k below the number of rows', () => {
    const { scores } = chooseK(matrix([[0], [1], [5], [6]]));
    expect(scores.map((s) => s.k)).toEqual([2, 3]);
  });
});
