import fc from 'fast-check';
import { polygonContains } from 'd3-polygon';
import { scaleSymlog } from 'd3-scale';
import { describe, expect, it } from 'vitest';
import {
  axisDomain,
  axisTicks,
  binPoints,
  categoryCounts,
  countSelected,
  discSpans,
  median,
  packColour,
  quadrantCounts,
  quadrantOf,
  selectCategories,
  selectPolygon,
  selectRect,
  selectedPerBin,
} from '../../src/charts/valueMapSelect';

// Six points on a grid plus one that cannot be placed (NaN x).
const px = Float32Array.from([10, 20, 30, 10, 20, 30, NaN]);
const py = Float32Array.from([10, 10, 10, 40, 40, 40, 20]);
const N = px.length;

describe('rectangle selection', () => {
  it('selects exactly the points inside, edges included, whatever the corner order', () => {
    const out = new Uint8Array(N);
    expect(selectRect(px, py, N, { x0: 15, y0: 5, x1: 30, y1: 12 }, out)).toBe(2);
    expect([...out]).toEqual([0, 1, 1, 0, 0, 0, 0]);
    // Same rectangle from the other corner; 30 and 40 lie on the edges and count.
    expect(selectRect(px, py, N, { x0: 30, y0: 40, x1: 20, y1: 10 }, out)).toBe(4);
    expect([...out]).toEqual([0, 1, 1, 0, 1, 1, 0]);
  });

  it('clears points selected by an earlier call and never selects NaN positions', () => {
    const out = new Uint8Array(N).fill(1);
    expect(selectRect(px, py, N, { x0: -1e9, y0: -1e9, x1: 1e9, y1: 1e9 }, out)).toBe(6);
    expect(out[6]).toBe(0);
    expect(selectRect(px, py, N, { x0: 100, y0: 100, x1: 200, y1: 200 }, out)).toBe(0);
    expect(countSelected(out)).toBe(0);
  });
});

describe('lasso selection', () => {
  it('selects the points inside a triangle and nothing else', () => {
    const out = new Uint8Array(N).fill(1);
    // Triangle with corners left of (10,10), right of (30,10) and below (20,40).
    const triangle: [number, number][] = [
      [0, 5],
      [40, 5],
      [20, 50],
    ];
    expect(selectPolygon(px, py, N, triangle, out)).toBe(4);
    expect([...out]).toEqual([1, 1, 1, 0, 1, 0, 0]);
  });

  it('handles a concave (L-shaped) lasso', () => {
    const out = new Uint8Array(N);
    const ell: [number, number][] = [
      [5, 5],
      [35, 5],
      [35, 15],
      [15, 15],
      [15, 45],
      [5, 45],
    ];
    expect(selectPolygon(px, py, N, ell, out)).toBe(4);
    expect([...out]).toEqual([1, 1, 1, 1, 0, 0, 0]);
  });

  it('selects nothing with fewer than three vertices', () => {
    const out = new Uint8Array(N).fill(1);
    expect(
      selectPolygon(
        px,
        py,
        N,
        [
          [0, 0],
          [50, 50],
        ],
        out,
      ),
    ).toBe(0);
    expect(countSelected(out)).toBe(0);
  });

  it('agrees with d3-polygon on random points and polygons', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.array(fc.tuple(fc.integer({ min: -10, max: 110 }), fc.integer({ min: -10, max: 110 })), {
          minLength: 3,
          maxLength: 12,
        }),
        (points, polygon) => {
          const xs = Float32Array.from(points, (p) => p[0] + 0.5);
          const ys = Float32Array.from(points, (p) => p[1] + 0.5);
          const out = new Uint8Array(points.length);
          const count = selectPolygon(xs, ys, points.length, polygon, out);
          const expected = points.map((_, i) =>
            polygonContains(polygon, [xs[i]!, ys[i]!]) ? 1 : 0,
          );
          expect([...out]).toEqual(expected);
          expect(count).toBe(expected.reduce((a: number, b) => a + b, 0));
        },
      ),
    );
  });
});

describe('categories', () => {
  it('counts and selects by category code, ignoring -1', () => {
    const codes = Int8Array.from([0, 2, 2, -1, 1, 2]);
    expect(categoryCounts(codes, 6, 3)).toEqual([1, 1, 3]);
    const out = new Uint8Array(6);
    expect(selectCategories(codes, 6, new Set([0, 2]), out)).toBe(4);
    expect([...out]).toEqual([1, 1, 1, 0, 0, 1]);
  });
});

describe('binning', () => {
  const area = { left: 0, top: 0, right: 40, bottom: 50 };

  it('puts points in 10-px bins with totals, dominant category and the maximum', () => {
    const colour = Int8Array.from([0, 1, 1, 0, 0, 1, 0]);
    const xs = Float32Array.from([1, 2, 3, 15, 39.9, 40, NaN]);
    const ys = Float32Array.from([1, 2, 3, 5, 49, 50, 5]);
    const b = binPoints(xs, ys, 7, area, 10, colour, 2);
    expect(b.cols).toBe(4);
    expect(b.rows).toBe(5);
    // (40, 50) lies on the frame's corner and joins the last bin rather than being lost.
    expect([...b.binOf]).toEqual([0, 0, 0, 1, 19, 19, -1]);
    expect(b.total[0]).toBe(3);
    expect(b.total[1]).toBe(1);
    expect(b.total[19]).toBe(2);
    expect(b.total.reduce((a, c) => a + c, 0)).toBe(6);
    expect(b.inside).toBe(6);
    expect(b.max).toBe(3);
    expect(b.dominant[0]).toBe(1); // two of category 1, one of 0
    expect(b.dominant[19]).toBe(0); // a tie goes to the lower code
    expect(b.dominant[2]).toBe(-1); // empty

    const mask = Uint8Array.from([1, 0, 1, 1, 0, 1, 1]);
    const sel = new Uint32Array(b.total.length);
    expect(selectedPerBin(b.binOf, mask, 7, sel)).toBe(2);
    expect(sel[0]).toBe(2);
    expect(sel[1]).toBe(1);
    expect(sel[19]).toBe(1);
    expect(sel.reduce((a, c) => a + c, 0)).toBe(4);
  });

  it('keeps every placeable point in view in exactly one bin', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.float({ min: -10, max: 60, noNaN: true }),
            fc.float({ min: -10, max: 60, noNaN: true }),
          ),
          {
            maxLength: 200,
          },
        ),
        (pts) => {
          const xs = Float32Array.from(pts, (p) => p[0]);
          const ys = Float32Array.from(pts, (p) => p[1]);
          const inView = pts.filter(([x, y]) => {
            const fx = Math.fround(x);
            const fy = Math.fround(y);
            return fx >= 0 && fx <= 40 && fy >= 0 && fy <= 50;
          }).length;
          const b = binPoints(xs, ys, pts.length, area, 7, new Int8Array(pts.length), 1);
          expect(b.total.reduce((a, c) => a + c, 0)).toBe(inView);
          expect(b.inside).toBe(inView);
        },
      ),
    );
  });
});

describe('domains, ticks and quadrants', () => {
  it('takes the median of the finite values without changing the input', () => {
    const v = Float64Array.from([5, 1, NaN, 3, Infinity, 2]);
    expect(median(v)).toBe(2.5);
    expect(median(Float64Array.from([7, 1, 3]))).toBe(3);
    expect(median(new Float64Array(0))).toBeNaN();
    expect(v[0]).toBe(5);
  });

  it('pads the linear domain by 3% and keeps a log domain positive', () => {
    expect(axisDomain(Float64Array.from([0, 100]), 'linear')).toEqual([-3, 103]);
    expect(axisDomain(Float64Array.from([4, 4]), 'linear')).toEqual([3.5, 4.5]);
    const [lo, hi] = axisDomain(Float64Array.from([0, -5, 1, 1000]), 'log');
    // Zero and negatives cannot sit on a log axis; 1..1000 padded by 3% of three decades.
    expect(lo).toBeCloseTo(1 / Math.pow(1000, 0.03), 12);
    expect(hi).toBeCloseTo(1000 * Math.pow(1000, 0.03), 9);
    // symlog from zero starts at zero rather than below it.
    const [s0, s1] = axisDomain(Float64Array.from([0, 99]), 'symlog');
    expect(s0).toBe(0);
    expect(s1).toBeCloseTo(Math.expm1(Math.log(100) * 1.03), 9);
  });

  it('gives 1-2-5 linear ticks and powers of ten on log and symlog axes', () => {
    expect(axisTicks('linear', 0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(axisTicks('linear', -0.3, 0.3, 6)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
    expect(axisTicks('log', 3, 20000, 6)).toEqual([10, 100, 1000, 10000]);
    expect(axisTicks('log', 1, 60, 6)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(axisTicks('symlog', 0, 5000, 6)).toEqual([0, 1, 10, 100, 1000]);
    expect(axisTicks('symlog', -200, 200, 6)).toEqual([-100, -10, -1, 0, 1, 10, 100]);
  });

  it('places symlog ticks where d3 maps them, in increasing order', () => {
    const s = scaleSymlog().domain([0, 5000]).range([0, 500]);
    const at = axisTicks('symlog', 0, 5000).map((v) => s(v));
    expect(at[0]).toBe(0);
    for (let i = 1; i < at.length; i++) expect(at[i]!).toBeGreaterThan(at[i - 1]!);
  });

  it('names quadrants top left, top right, bottom left, bottom right; a split value counts as low', () => {
    expect(quadrantOf(1, 9, 5, 5)).toBe(0);
    expect(quadrantOf(9, 9, 5, 5)).toBe(1);
    expect(quadrantOf(1, 1, 5, 5)).toBe(2);
    expect(quadrantOf(9, 1, 5, 5)).toBe(3);
    expect(quadrantOf(5, 5, 5, 5)).toBe(2);
    expect(quadrantOf(5.01, 5.01, 5, 5)).toBe(1);
    expect(quadrantOf(NaN, 5, 5, 5)).toBe(-1);
    const x = Float64Array.from([1, 9, 1, 9, 9, 5, NaN]);
    const y = Float64Array.from([9, 9, 1, 1, 1, 4, 1]);
    expect(quadrantCounts(x, y, 7, 5, 5)).toEqual([1, 1, 2, 2]);
  });
});

describe('raster helpers', () => {
  it('draws round discs: half-widths per row', () => {
    expect([...discSpans(0)]).toEqual([0]);
    expect([...discSpans(1)]).toEqual([1, 1, 1]);
    expect([...discSpans(2)]).toEqual([1, 2, 2, 2, 1]);
    expect([...discSpans(3)]).toEqual([1, 2, 3, 3, 3, 2, 1]);
  });

  it('packs a colour into an RGBA pixel', () => {
    const px32 = new Uint32Array([packColour('#0072B2', 1), packColour('#E69F00', 0.5)]);
    const bytes = new Uint8Array(px32.buffer);
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x72, 0xb2, 255]);
    expect([...bytes.subarray(4, 8)]).toEqual([0xe6, 0x9f, 0x00, 128]);
  });
});
