import { describe, expect, it } from 'vitest';
import { linePath } from '../../src/charts/plot';
import { trackingPlotLayout, type TrackingPlotOptions } from '../../src/charts/trackingPlot';
import {
  conditionalExpectationLayout,
  type ConditionalExpectationOptions,
} from '../../src/charts/conditionalExpectationPlot';

/** The geometry of the holdout charts, checked without a DOM (drawing is left to the e2e tests). */

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const points = (path: string) =>
  [...path.matchAll(/([ML])(-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({
    cmd: m[1],
    x: Number(m[2]),
    y: Number(m[3]),
  }));

describe('linePath', () => {
  it('moves, draws, and breaks at null points', () => {
    expect(linePath([])).toBe('');
    expect(linePath([[0, 1], [2.345, 3], null, [4, 5], [6, 7]])).toBe('M0,1L2.35,3M4,5L6,7');
  });
});

describe('tracking plot layout', () => {
  const options: TrackingPlotOptions = {
    labels: {
      title: 'T',
      description: 'D',
      xTitle: 'x',
      yTitle: 'y',
      actual: 'Actual',
      predicted: 'Model',
      split: 'Holdout',
    },
    width: 600,
    height: 300,
    formatNumber: (v) => `n${v}`,
    formatDate: (d) => d.toISOString().slice(0, 10),
  };
  const data = {
    split: day('2024-01-15'),
    points: [
      { date: day('2024-01-01'), actual: 0, predicted: 0 },
      { date: day('2024-01-08'), actual: 10, predicted: 12 },
      { date: day('2024-01-15'), actual: 25, predicted: 24 },
      { date: day('2024-01-22'), actual: 40, predicted: 35 },
      { date: day('2024-01-29'), actual: 50, predicted: 47 },
    ],
  };

  it('maps dates to x and cumulative counts to y, the split between the ends', () => {
    const l = trackingPlotLayout(data, options);
    const actual = points(l.actualPath);
    const predicted = points(l.predictedPath);
    expect(actual.length).toBe(5);
    expect(predicted.length).toBe(5);
    expect(actual[0]).toEqual({ cmd: 'M', x: l.frame.left, y: l.frame.bottom });
    expect(actual.at(-1)?.x).toBe(l.frame.right);
    // y grows upwards: a larger count is higher on the page.
    for (let i = 1; i < actual.length; i++) {
      expect(actual[i]!.x).toBeGreaterThan(actual[i - 1]!.x);
      expect(actual[i]!.y).toBeLessThan(actual[i - 1]!.y);
    }
    expect(l.splitX).toBeCloseTo(l.frame.left + (l.frame.right - l.frame.left) / 2, 6);
    expect(l.frame).toMatchObject({ width: 600, height: 300 });
    // Ticks use the given formatters and lie inside the plot.
    expect(l.yTicks[0]?.label).toBe('n0');
    expect(l.xTicks.length).toBeGreaterThan(1);
    for (const t of l.xTicks) {
      expect(t.label).toMatch(/^2024-01-\d\d$/);
      expect(t.at).toBeGreaterThanOrEqual(l.frame.left);
      expect(t.at).toBeLessThanOrEqual(l.frame.right);
    }
  });

  it('has no split line when the split is outside the dates, and copes with no points', () => {
    expect(trackingPlotLayout({ ...data, split: day('2025-01-01') }, options).splitX).toBeNull();
    const empty = trackingPlotLayout({ split: day('2024-01-15'), points: [] }, options);
    expect(empty.actualPath).toBe('');
    expect(empty.yTicks.length).toBeGreaterThan(0);
  });
});

describe('conditional expectation plot layout', () => {
  const options: ConditionalExpectationOptions = {
    labels: {
      title: 'T',
      description: 'D',
      xTitle: 'x',
      yTitle: 'y',
      actual: 'Actual',
      predicted: 'Model',
      customers: 'Customers',
    },
    formatNumber: (v) => String(Math.round(v * 100) / 100),
  };
  const bins = [
    { frequency: 0, open: false, customers: 1411, actual: 0.24, predicted: 0.23 },
    { frequency: 1, open: false, customers: 439, actual: 0.7, predicted: 0.52 },
    { frequency: 2, open: false, customers: 0, actual: null, predicted: null },
    { frequency: 3, open: true, customers: 64, actual: 6.36, predicted: 6.16 },
  ];

  it('labels the bins, the last one open, and breaks the lines at an empty bin', () => {
    const l = conditionalExpectationLayout(bins, options);
    expect(l.xTicks.map((t) => t.label)).toEqual(['0', '1', '2', '3+']);
    expect(l.counts.map((t) => t.label)).toEqual(['1411', '439', '0', '64']);
    const xs = l.xTicks.map((t) => t.at);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(points(l.actualPath).map((p) => p.cmd)).toEqual(['M', 'L', 'M']);
    expect(l.actualMarkers.length).toBe(3);
    expect(l.predictedMarkers.length).toBe(3);
    expect(l.actualMarkers[0]?.text).toBe('0: Actual 0.24 · Customers 1411');
    expect(l.predictedMarkers[2]?.text).toBe('3+: Model 6.16 · Customers 64');
    // The highest value is near the top of the plot, zero at the bottom.
    expect(l.actualMarkers[2]!.y).toBeLessThan(l.actualMarkers[0]!.y);
    expect(l.yTicks[0]).toEqual({ at: l.frame.bottom, label: '0' });
  });
});
