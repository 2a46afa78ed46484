import { describe, expect, it } from 'vitest';
import { cellLabel, cohortHeatmapLayout } from '../../src/charts/cohortHeatmap';
import { lorenzLayout } from '../../src/charts/lorenzCurve';
import { stageAreaLayout } from '../../src/charts/stageArea';
import { stageSankeyLayout } from '../../src/charts/stageSankey';

const format = {
  labels: { title: 't', description: 'd', xTitle: 'x', yTitle: 'y' },
  formatNumber: String,
  formatDate: (d: Date) => d.toISOString().slice(0, 7),
};

describe('chart geometry', () => {
  it('stacks the stage bands to the period totals and names the thick ones', () => {
    const periods = [new Date('2024-01-31'), new Date('2024-02-29'), new Date('2024-03-31')];
    const layout = stageAreaLayout(
      {
        periods,
        series: [
          { key: 'new', label: 'New', values: [10, 5, 0] },
          { key: 'active', label: 'Active', values: [0, 10, 20] },
          { key: 'churned', label: 'Churned', values: [0, 0, 0.2] },
        ],
      },
      format,
    );
    expect(layout.bands.map((b) => b.key)).toEqual(['new', 'active', 'churned']);
    expect(layout.bands.every((b) => b.path.startsWith('M'))).toBe(true);
    // Active holds 20 of 20.2 at the end: named; churned (0.2) and new (0) are too thin.
    expect(layout.bands.map((b) => b.labelAt !== null)).toEqual([false, true, false]);
  });

  it('draws a single period as one stacked bar with its date, not an empty area', () => {
    const layout = stageAreaLayout(
      {
        periods: [new Date('2024-06-30')],
        series: [
          { key: 'new', label: 'New', values: [30] },
          { key: 'active', label: 'Active', values: [70] },
        ],
      },
      format,
    );
    const widths = layout.bands.map((b) => {
      const xs = [...b.path.matchAll(/[MH](-?[\d.]+)/g)].map((m) => Number(m[1]));
      return Math.max(...xs) - Math.min(...xs);
    });
    expect(widths.every((w) => w > 100)).toBe(true);
    expect(layout.xTicks.map((t) => t.label)).toEqual(['2024-06']);
    expect(layout.bands.map((b) => b.labelAt !== null)).toEqual([true, true]);
  });

  it('sizes Sankey nodes by customers on each side and keeps the stage order', () => {
    const layout = stageSankeyLayout(
      [
        { from: 'new', to: 'active', customers: 30 },
        { from: 'new', to: 'churned', customers: 10 },
        { from: 'none', to: 'new', customers: 5 },
        { from: 'active', to: 'active', customers: 0 },
      ],
      ['none', 'new', 'active', 'churned'],
      {},
    );
    const node = (id: string) => layout.nodes.find((n) => n.id === id)!;
    expect(node('from:new').customers).toBe(40);
    expect(node('to:active').customers).toBe(30);
    expect(layout.nodes.some((n) => n.id === 'from:active')).toBe(false); // no empty flows
    expect(node('from:none').y0).toBeLessThan(node('from:new').y0);
    expect(node('to:new').y0).toBeLessThan(node('to:active').y0);
    expect(layout.bands).toHaveLength(3);
  });

  it('prints a cohort cell’s share only as wide as the cell allows, never overlapping', () => {
    const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
    expect(cellLabel(0.105, 60, 11, percent)).toBe('10.5%');
    // 29 px wide at 9 px: "10.5%" needs 27 px of glyphs plus room, "11%" fits.
    expect(cellLabel(0.106, 28, 9, percent)).toBe('11%');
    expect(cellLabel(1, 20, 9, percent)).toBe('');
    for (let width = 10; width < 80; width += 3) {
      const label = cellLabel(0.1234, width, 9, percent);
      expect(label.length * 9 * 0.6).toBeLessThanOrEqual(width - 2);
    }
  });

  it('lays the cohort triangle out cell by cell, leaving the future empty', () => {
    const layout = cohortHeatmapLayout(
      [
        { label: '2024-01', size: 10, values: [1, 0.5, 0.3] },
        { label: '2024-02', size: 8, values: [1, 0.25, null] },
      ],
      [1, 0.39, 0.3],
    );
    expect(layout.columns).toBe(3);
    expect(layout.cells).toHaveLength(3 + 2 + 3);
    const top = layout.cells.find((c) => c.row === 0 && c.k === 0)!;
    const low = layout.cells.find((c) => c.row === 1 && c.k === 1)!;
    expect(top.dark).toBe(true);
    expect(low.dark).toBe(false);
  });

  it('marks the Pareto curve at the chosen share of customers', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({
      customers: (i + 1) / 100,
      value: Math.min(1, Math.sqrt((i + 1) / 100)),
    }));
    const layout = lorenzLayout(points, {
      labels: { title: 't', description: 'd', xTitle: 'x', yTitle: 'y', mark: 'm' },
      mark: 0.2,
      formatPercent: String,
    });
    expect(layout.markAt!.value).toBeCloseTo(Math.sqrt(0.2), 12);
    expect(layout.curve.startsWith('M')).toBe(true);
    expect(layout.markAt!.y).toBeLessThan(layout.frame.bottom);
  });
});
