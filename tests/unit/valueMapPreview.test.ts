import { describe, expect, it } from 'vitest';
import { MAX_MARKS, SIZE_LEVELS } from '../../src/charts/valueMapPreview';
import { valueMapPreviewOf } from '../../src/charts/valueMapPreviewData';
import type { CustomerPoints } from '../../src/explore/points';

/** n customers: current value i, predicted 2i, total 3i; segment i mod 3, the first without. */
function points(n: number, predicted = true): CustomerPoints {
  const of = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    datasetId: 1,
    asOf: '2024-01-01',
    n,
    ids: Array.from({ length: n }, (_, i) => `c${i}`),
    recencyDays: of((i) => i),
    frequency: of((i) => 1 + (i % 5)),
    monetary: of((i) => 10 * (i + 1)),
    rScore: new Uint8Array(n),
    fScore: new Uint8Array(n),
    mScore: new Uint8Array(n),
    segment: Int8Array.from({ length: n }, (_, i) => (i === 0 ? -1 : i % 3)),
    segmentKeys: ['a', 'b', 'c'],
    value: {
      historical: of((i) => i),
      current: of((i) => i),
      predicted: predicted ? of((i) => 2 * i) : of(() => NaN),
      total: of((i) => 3 * i),
      pAlive: of(() => 0.5),
      tier: new Int8Array(n),
      tierKeys: ['high', 'mid', 'low'],
    },
    stage: null,
    cluster: null,
  };
}

const xs = (dx: number[]) => dx.reduce<number[]>((out, d) => [...out, (out.at(-1) ?? 0) + d], []);

describe('the value map stored for the first screen', () => {
  it('keeps every mark of a small map, placed on the plot, with all-customer counts', () => {
    const p = valueMapPreviewOf(points(101));
    expect(p.axes).toBe('value');
    expect(p.n).toBe(101);
    expect(p.marks.y).toHaveLength(101);
    const x = xs(p.marks.dx);
    // Sorted by x, inside the plot, the biggest total the largest mark.
    expect(x).toEqual([...x].sort((a, b) => a - b));
    expect(Math.min(...x, ...p.marks.y)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x, ...p.marks.y)).toBeLessThanOrEqual(1000);
    expect(Math.max(...p.marks.size)).toBe(SIZE_LEVELS);
    expect(p.segmentCounts).toEqual([33, 34, 33]);
    expect(p.none).toBe(1);
    // Medians 50 and 100: above both is "high" (top right), at the median is not.
    expect(p.quadrants).toEqual([0, 50, 51, 0]);
    expect(p.xSplit).toBeGreaterThan(0);
    expect(p.xSplit).toBeLessThan(1);
    expect(p.xTicks.map(([v]) => v)).toContain(0);
  });

  it('stores an even sample above MAX_MARKS, the counts still of everyone', () => {
    const n = MAX_MARKS * 3 + 7;
    const p = valueMapPreviewOf(points(n));
    expect(p.marks.y).toHaveLength(MAX_MARKS);
    expect(p.n).toBe(n);
    expect(p.segmentCounts.reduce((a, b) => a + b) + p.none).toBe(n);
    expect(p.quadrants.reduce((a, b) => a + b)).toBe(n);
  });

  it('opens on frequency × monetary when nothing was predicted', () => {
    const p = valueMapPreviewOf(points(20, false));
    expect(p.axes).toBe('fm');
    expect(p.marks.y).toHaveLength(20);
  });
});
