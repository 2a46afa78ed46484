import { describe, expect, it } from 'vitest';
import { histogramLayout } from '../../src/charts/histogram';
import { sequential } from '../../src/charts/palettes';
import { rfmHeatmapLayout, type RfmHeatmapCell } from '../../src/charts/rfmHeatmap';
import { textWidth } from '../../src/charts/plot';
import { treemapLayout, type TreemapTile } from '../../src/charts/treemap';

const tile = (
  index: number,
  label: string,
  customers: number,
  revenue: number,
  selected: TreemapTile['selected'] = null,
): TreemapTile => ({ index, label, customers, revenue, selected });

describe('treemap layout', () => {
  const tiles = [
    tile(0, 'Champions', 60, 600, { customers: 30, revenue: 500 }),
    tile(1, 'Loyal', 30, -50, { customers: 0, revenue: 0 }),
    tile(2, 'Lost', 10, 150, { customers: 10, revenue: 150 }),
    tile(3, 'Empty', 0, 0, { customers: 0, revenue: 0 }),
  ];

  it('sizes tiles by customers, gives shares and the selected part of each tile', () => {
    const { rects } = treemapLayout(tiles, { measure: 'customers', width: 200, height: 100 });
    expect(rects.map((r) => r.tile.label)).toEqual(['Champions', 'Loyal', 'Lost']);
    expect(rects.map((r) => r.share)).toEqual([0.6, 0.3, 0.1]);
    expect(rects.map((r) => r.selectedShare)).toEqual([0.5, 0, 1]);
    const area = (i: number) => rects[i]!.width * rects[i]!.height;
    const total = area(0) + area(1) + area(2);
    // Areas follow the measure (within the 2px padding and rounding).
    expect(area(0) / total).toBeCloseTo(0.6, 1);
    expect(area(2) / total).toBeCloseTo(0.1, 1);
    for (const r of rects) {
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(200);
      expect(r.y + r.height).toBeLessThanOrEqual(100);
    }
    // Okabe–Ito by segment index, whatever the order on screen.
    expect(rects.map((r) => r.colour)).toEqual(['#E69F00', '#56B4E9', '#009E73']);
  });

  it('by revenue, a segment of net returns takes no area; shares are of the positive total', () => {
    const { rects } = treemapLayout(tiles, { measure: 'revenue', width: 200, height: 100 });
    expect(rects.map((r) => r.tile.label)).toEqual(['Champions', 'Lost']);
    expect(rects.map((r) => r.share)).toEqual([0.8, 0.2]);
    expect(rects[0]!.selectedShare).toBeCloseTo(500 / 600, 12);
  });

  it('hides labels that do not fit, keeps no selection figures without a selection', () => {
    const plain = [tile(0, 'Champions', 95, 0), tile(1, 'Potential Loyalist', 5, 0)];
    const { rects } = treemapLayout(plain, { measure: 'customers', width: 480, height: 360 });
    expect(rects.map((r) => r.showLabel)).toEqual([true, false]);
    expect(rects.map((r) => r.selectedShare)).toEqual([null, null]);
    expect(textWidth('Loyal')).toBe(35);
    expect(textWidth('冠军客户')).toBe(48);
  });
});

describe('histogram layout', () => {
  const format = { formatValue: String, formatCount: String, width: 480, height: 320 };

  it('places bars on a linear axis with the selection inside', () => {
    const layout = histogramLayout(
      { edges: [0, 10, 20], all: [4, 2], selected: [1, 0], log: false },
      format,
    );
    expect(layout.frame).toMatchObject({ left: 64, right: 464, top: 16, bottom: 272 });
    const [a, b] = layout.bars;
    expect(a).toMatchObject({ index: 0, lo: 0, hi: 10, x: 64.5, width: 199 });
    expect(a!.all).toEqual({ y: 16, height: 256, count: 4 });
    expect(a!.selected).toEqual({ y: 208, height: 64, count: 1 });
    expect(b).toMatchObject({ lo: 10, hi: 20, x: 264.5 });
    expect(b!.all).toEqual({ y: 144, height: 128, count: 2 });
    expect(layout.invert(264)).toBe(10);
    expect(layout.xTicks[0]).toEqual({ at: 64, label: '0' });
  });

  it('uses powers of ten as ticks on a log axis', () => {
    const layout = histogramLayout(
      { edges: [1, 10, 100, 1000], all: [1, 1, 1], selected: null, log: true },
      format,
    );
    expect(layout.xTicks.map((t) => t.label)).toEqual(['1', '10', '100', '1000']);
    expect(layout.xTicks.map((t) => Math.round(t.at * 1000) / 1000)).toEqual([
      64, 197.333, 330.667, 464,
    ]);
    expect(layout.bars.every((b) => b.selected === null)).toBe(true);
  });
});

describe('RFM heatmap layout', () => {
  const cells: RfmHeatmapCell[] = [
    { r: 5, f: 5, customers: 10, meanM: 300, selected: { customers: 3, meanM: 250 } },
    { r: 5, f: 4, customers: 4, meanM: 100, selected: { customers: 0, meanM: null } },
    { r: 1, f: 1, customers: 0, meanM: null, selected: { customers: 0, meanM: null } },
    { r: 1, f: 2, customers: 2, meanM: 200, selected: { customers: 2, meanM: 200 } },
  ];

  it('prints selected / all, shades by mean M between its extremes', () => {
    const { rects, min, max } = rfmHeatmapLayout(cells, { formatCount: String });
    expect([min, max]).toEqual([100, 300]);
    expect(rects.map((r) => r.text)).toEqual(['3 / 10', '0 / 4', '0 / 0', '2 / 2']);
    expect(rects.map((r) => r.selectedShare)).toEqual([0.3, 0, 0, 1]);
    expect(rects[0]!.fill).toBe(sequential(1));
    expect(rects[1]!.fill).toBe(sequential(0));
    expect(rects[3]!.fill).toBe(sequential(0.5));
    expect(rects[2]!.fill).toBe('var(--grid-empty, #f3f4f6)');
    // Light text on the dark (low) end of cividis, dark text on the pale top.
    expect(rects.map((r) => r.ink)).toEqual(['#111827', '#ffffff', '#111827', '#ffffff']);
    // R 5 at the top, F 5 at the right.
    expect(rects[0]!.y).toBeLessThan(rects[3]!.y);
    expect(rects[0]!.x).toBeGreaterThan(rects[1]!.x);
  });

  it('prints counts alone without a selection', () => {
    const plain = cells.map((c) => ({ ...c, selected: null }));
    const { rects } = rfmHeatmapLayout(plain, { formatCount: String });
    expect(rects.map((r) => r.text)).toEqual(['10', '4', '0', '2']);
    expect(rects.every((r) => r.selectedShare === null)).toBe(true);
  });
});
