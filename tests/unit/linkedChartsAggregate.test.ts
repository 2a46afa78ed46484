import { describe, expect, it } from 'vitest';
import {
  binOf,
  countSelected,
  histogramBins,
  rangeMask,
  rfmHeatmapCells,
  rfmMask,
  segmentMask,
  segmentTotals,
} from '../../src/explore/aggregate';
import type { CustomerPoints } from '../../src/explore/points';

/** Six hand-made customers over three segments (one customer has no segment). */
function points(withValue: boolean): CustomerPoints {
  const n = 6;
  return {
    datasetId: 1,
    asOf: '2024-06-30',
    n,
    ids: ['a', 'b', 'c', 'd', 'e', 'f'],
    recencyDays: Float64Array.from([5, 10, 40, 200, 300, 15]),
    frequency: Float64Array.from([9, 4, 2, 1, 1, 6]),
    monetary: Float64Array.from([900, 400, 100, 50, 20, 300]),
    rScore: Uint8Array.from([5, 5, 3, 1, 1, 5]),
    fScore: Uint8Array.from([5, 4, 2, 1, 1, 4]),
    mScore: Uint8Array.from([5, 4, 3, 2, 1, 4]),
    segment: Int8Array.from([0, 1, 1, 2, 2, -1]),
    segmentKeys: ['champions', 'loyal', 'lost'],
    value: withValue
      ? {
          historical: Float64Array.from([900, 400, 100, 50, 20, 300]),
          current: Float64Array.from([0, 0, 0, 0, 0, 0]),
          predicted: Float64Array.from([600, 100, 10, 0, 0, 50]),
          total: Float64Array.from([1500, 500, 110, 50, 20, 350]),
          pAlive: Float64Array.from([0.9, 0.8, 0.5, 0.1, 0.05, 0.7]),
          tier: Int8Array.from([0, 0, 1, 2, 2, 1]),
          tierKeys: ['high', 'mid', 'low'],
        }
      : null,
    stage: null,
    cluster: null,
  };
}

describe('segmentTotals', () => {
  it('sums customers, revenue and value per segment, all and selected', () => {
    const mask = Uint8Array.from([1, 0, 1, 1, 0, 1]);
    const t = segmentTotals(points(true), mask);
    expect(t.segments.map((s) => s.key)).toEqual(['champions', 'loyal', 'lost']);
    expect(t.segments.map((s) => s.all)).toEqual([
      { customers: 1, revenue: 900, value: 1500 },
      { customers: 2, revenue: 500, value: 610 },
      { customers: 2, revenue: 70, value: 70 },
    ]);
    expect(t.segments.map((s) => s.selected)).toEqual([
      { customers: 1, revenue: 900, value: 1500 },
      { customers: 1, revenue: 100, value: 110 },
      { customers: 1, revenue: 50, value: 50 },
    ]);
    // The customer without a segment counts in the totals only.
    expect(t.all).toEqual({ customers: 6, revenue: 1770, value: 2530 });
    expect(t.selected).toEqual({ customers: 4, revenue: 1350, value: 2010 });
  });

  it('has no selected figures without a mask and no value before the value step', () => {
    const t = segmentTotals(points(false), null);
    expect(t.selected).toBeNull();
    expect(t.segments[1]).toEqual({
      segment: 1,
      key: 'loyal',
      all: { customers: 2, revenue: 500, value: null },
      selected: null,
    });
    expect(t.all).toEqual({ customers: 6, revenue: 1770, value: null });
  });
});

describe('histogramBins', () => {
  it('bins linearly from min to max, the maximum in the last bin', () => {
    const values = Float64Array.from([0, 1, 2, 2.5, 5, 7.5, 10, Number.NaN]);
    const mask = Uint8Array.from([0, 1, 0, 1, 1, 0, 1, 1]);
    const h = histogramBins(values, mask, { bins: 4, log: false });
    expect(h.edges).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(h.all).toEqual([3, 1, 1, 2]);
    expect(h.selected).toEqual([1, 1, 1, 1]);
    expect(h.excluded).toEqual({ all: 1, selected: 1 });
  });

  it('bins by equal ratios on a log scale and leaves out values ≤ 0', () => {
    const values = Float64Array.from([1, 5, 10, 99, 100, 1000, 0, -3]);
    const h = histogramBins(values, null, { bins: 3, log: true });
    expect(h.edges[0]).toBe(1);
    expect(h.edges[3]).toBe(1000);
    expect(h.edges[1]).toBeCloseTo(10, 10);
    expect(h.edges[2]).toBeCloseTo(100, 10);
    // 10 and 100 sit exactly on edges: they open the next bin, as the masks do.
    expect(h.all).toEqual([2, 2, 2]);
    expect(h.selected).toBeNull();
    expect(h.excluded).toEqual({ all: 2, selected: null });
  });

  it('a bar’s mask holds exactly the customers the bar counts', () => {
    const values = Float64Array.from(
      Array.from({ length: 1000 }, (_, i) => Math.round(Math.exp((i % 97) / 9) * 100) / 100),
    );
    for (const log of [false, true]) {
      const h = histogramBins(values, null, { bins: 17, log });
      for (let b = 0; b < 17; b++) {
        const mask = rangeMask(values, h.edges[b]!, h.edges[b + 1]!, b === 16);
        expect(countSelected(mask)).toBe(h.all[b]);
      }
      expect(h.all.reduce((a, c) => a + c, 0)).toBe(1000);
    }
  });

  it('gives one bin to a single repeated value', () => {
    const h = histogramBins(Float64Array.from([3, 3, 3]), null, { bins: 2, log: false });
    expect(h.edges).toEqual([3, 3.5, 4]);
    expect(h.all).toEqual([3, 0]);
    expect(binOf(h.edges, 3, false)).toBe(0);
  });
});

describe('rfmHeatmapCells', () => {
  it('counts customers and mean monetary per R × F cell, R 5 first', () => {
    const mask = Uint8Array.from([0, 1, 0, 1, 1, 0]);
    const cells = rfmHeatmapCells(points(false), mask);
    expect(cells).toHaveLength(25);
    expect(cells.slice(0, 5).map((c) => [c.r, c.f])).toEqual([
      [5, 1],
      [5, 2],
      [5, 3],
      [5, 4],
      [5, 5],
    ]);
    const at = (r: number, f: number) => cells.find((c) => c.r === r && c.f === f);
    expect(at(5, 4)).toEqual({
      r: 5,
      f: 4,
      customers: 2,
      meanM: 350,
      selected: { customers: 1, meanM: 400 },
    });
    expect(at(5, 5)).toEqual({
      r: 5,
      f: 5,
      customers: 1,
      meanM: 900,
      selected: { customers: 0, meanM: null },
    });
    expect(at(1, 1)).toEqual({
      r: 1,
      f: 1,
      customers: 2,
      meanM: 35,
      selected: { customers: 2, meanM: 35 },
    });
    expect(at(3, 2)?.customers).toBe(1);
    expect(at(2, 2)).toEqual({
      r: 2,
      f: 2,
      customers: 0,
      meanM: null,
      selected: { customers: 0, meanM: null },
    });
    expect(cells.reduce((n, c) => n + c.customers, 0)).toBe(6);
  });
});

describe('masks', () => {
  it('selects a segment, an R × F cell, a value range', () => {
    const p = points(true);
    expect([...segmentMask(p, 1)]).toEqual([0, 1, 1, 0, 0, 0]);
    expect([...rfmMask(p, 5, 4)]).toEqual([0, 1, 0, 0, 0, 1]);
    expect([...rangeMask(p.monetary, 100, 400)]).toEqual([0, 0, 1, 0, 0, 1]);
    expect([...rangeMask(p.monetary, 100, 400, true)]).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it('aggregates 100k customers quickly', () => {
    const n = 100_000;
    const p = points(true);
    const big: CustomerPoints = {
      ...p,
      n,
      ids: [],
      monetary: Float64Array.from({ length: n }, (_, i) => (i * 7919) % 5000),
      rScore: Uint8Array.from({ length: n }, (_, i) => (i % 5) + 1),
      fScore: Uint8Array.from({ length: n }, (_, i) => ((i >> 3) % 5) + 1),
      segment: Int8Array.from({ length: n }, (_, i) => i % 3),
      value: p.value && { ...p.value, total: Float64Array.from({ length: n }, (_, i) => i) },
    };
    const mask = Uint8Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const start = performance.now();
    const t = segmentTotals(big, mask);
    const h = histogramBins(big.value!.total, mask, { bins: 40, log: true });
    const cells = rfmHeatmapCells(big, mask);
    const ms = performance.now() - start;
    expect(t.all.customers).toBe(n);
    expect(t.selected?.customers).toBe(n / 4);
    expect(h.all.reduce((a, c) => a + c, 0) + h.excluded.all).toBe(n);
    expect(h.excluded.all).toBe(1); // the value 0
    expect(cells.reduce((a, c) => a + c.customers, 0)).toBe(n);
    expect(ms).toBeLessThan(200);
  });
});
