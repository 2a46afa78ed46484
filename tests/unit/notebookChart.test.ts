import { describe, expect, it } from 'vitest';
import { categoryTicks, chartPoints } from '../../src/charts/cellChart';
import { textWidth } from '../../src/charts/plot';

describe('chart cell data', () => {
  it('keeps rows with an x and a numeric y, and counts the others', () => {
    const out = chartPoints(
      { x: [1, 2, null, 4, 5], y: [10, null, 30, 'n/a', 50], colour: null, xKind: 'number' },
      'Other',
      100,
    );
    expect(out).toEqual({
      points: [
        { x: 1, y: 10, group: 0 },
        { x: 5, y: 50, group: 0 },
      ],
      groups: [''],
      skipped: 3,
    });
  });

  it('reads dates as UTC times and caps the points drawn', () => {
    const out = chartPoints(
      {
        x: ['2024-01-02', '2024-01-03 12:00:00', 'soon'],
        y: [1, 2, 3],
        colour: null,
        xKind: 'date',
      },
      'Other',
      1,
    );
    expect(out.points).toEqual([{ x: Date.UTC(2024, 0, 2), y: 1, group: 0 }]);
    expect(out.skipped).toBe(2);
  });

  it('colours the seven largest groups apart (most frequent first) and pools the rest', () => {
    const colour = ['a', 'b', 'b', 'c', 'c', 'c', 'd', 'e', 'f', 'g', 'h', null];
    const out = chartPoints(
      { x: colour.map((_, i) => i), y: colour.map(() => 1), colour, xKind: 'number' },
      'Other',
      100,
    );
    expect(out.groups).toEqual(['c', 'b', 'a', 'd', 'e', 'f', 'Other']);
    expect(out.points.filter((p) => p.group === 6).length).toBe(3); // g, h and the empty one
    expect(out.points[3]).toEqual({ x: 3, y: 1, group: 0 });
  });

  it('labels categories so that no two labels collide, long ones cut short', () => {
    const segments = ['冠军客户', '忠诚客户', '潜力忠诚客户', '有流失风险客户', '不能失去的客户'];
    for (const [count, width] of [
      [11, 600],
      [30, 600],
      [200, 900],
      [5, 300],
    ] as const) {
      const domain = Array.from({ length: count }, (_, i) => `${segments[i % 5]}${i}`);
      const band = width / count;
      const ticks = categoryTicks(domain, (v) => (domain.indexOf(v) + 0.5) * band, width, String);
      expect(ticks.length).toBeGreaterThan(0);
      for (let i = 1; i < ticks.length; i++) {
        const [a, b] = [ticks[i - 1]!, ticks[i]!];
        expect(b.at - a.at).toBeGreaterThanOrEqual((textWidth(a.label) + textWidth(b.label)) / 2);
      }
    }
    const long = categoryTicks(['a very long category name indeed'], () => 10, 600, String);
    expect(long[0]?.label).toBe('a very long…');
  });
});
