/**
 * Build time only (scripts/generate-first-screen.mjs): the value map the page opens with, reduced
 * to what it draws for the first screen's file (valueMapPreview.ts draws it). Not imported by the
 * page, so d3-scale's log and symlog scales stay out of the first screen's JavaScript.
 */
import { scaleLog, scaleSymlog } from 'd3-scale';
import type { CustomerPoints } from '../explore/points';
import { MAX_MARKS, SIZE_LEVELS, type ValueMapPreview } from './valueMapPreview';
import {
  axisDomain,
  axisTicks,
  categoryCounts,
  median,
  quadrantCounts,
  type AxisScale,
} from './valueMapSelect';

function unitScale(type: AxisScale, domain: [number, number]): (v: number) => number {
  const scale = type === 'log' ? scaleLog() : scaleSymlog();
  scale.domain(domain).range([0, 1]);
  return (v) => scale(v);
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The value map the page opens with, reduced to what it draws: the same axes, domains, ticks,
 * median lines, quadrant and legend counts as the chart computes from every customer, and
 * the marks placed on the plot (sampled above MAX_MARKS).
 */
export function valueMapPreviewOf(points: CustomerPoints): ValueMapPreview {
  const v = points.value;
  const predicts = v?.predicted.some((p) => Number.isFinite(p)) ?? false;
  const axes = predicts && v ? 'value' : 'fm';
  const [x, y, xType, yType]: [Float64Array, Float64Array, AxisScale, AxisScale] =
    axes === 'value' && v
      ? [v.current, v.predicted, 'symlog', 'symlog']
      : [points.frequency, points.monetary, 'log', 'symlog'];
  const size = v?.total ?? points.monetary;
  const n = points.n;
  const xDomain = axisDomain(x.subarray(0, n), xType);
  const yDomain = axisDomain(y.subarray(0, n), yType);
  const sx = unitScale(xType, xDomain);
  const sy = unitScale(yType, yDomain);
  const ticks = (type: AxisScale, [lo, hi]: [number, number], s: (v: number) => number) =>
    axisTicks(type, lo, hi, 6).map((t): [number, number] => [t, round3(s(t))]);
  const xMedian = median(x);
  const yMedian = median(y);
  const split = (m: number, s: (v: number) => number) => {
    if (!Number.isFinite(m)) return null;
    const at = s(m);
    return at >= 0 && at <= 1 ? round3(at) : null;
  };
  let sMax = 0;
  for (let i = 0; i < n; i++) if (size[i]! > sMax) sMax = size[i]!;
  const placed: [number, number, number, number][] = [];
  const shown = Math.min(n, MAX_MARKS);
  for (let k = 0; k < shown; k++) {
    const i = shown === n ? k : Math.floor((k * n) / shown);
    const xv = x[i]!;
    const yv = y[i]!;
    const placeable = (value: number, type: AxisScale) =>
      Number.isFinite(value) && !(type === 'log' && value <= 0);
    if (!placeable(xv, xType) || !placeable(yv, yType)) continue;
    const s = size[i]!;
    const level =
      sMax > 0 && Number.isFinite(s) && s > 0
        ? Math.round(Math.sqrt(Math.min(1, s / sMax)) * SIZE_LEVELS)
        : 0;
    placed.push([Math.round(sx(xv) * 1000), Math.round(sy(yv) * 1000), level, points.segment[i]!]);
  }
  placed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const marks: ValueMapPreview['marks'] = { dx: [], y: [], size: [], segment: [] };
  let last = 0;
  for (const [mx, my, level, code] of placed) {
    marks.dx.push(mx - last);
    last = mx;
    marks.y.push(my);
    marks.size.push(level);
    marks.segment.push(code);
  }
  const segmentCounts = categoryCounts(points.segment, n, points.segmentKeys.length);
  let none = 0;
  for (let i = 0; i < n; i++) if (points.segment[i]! < 0) none++;
  return {
    axes,
    n,
    xTicks: ticks(xType, xDomain, sx),
    yTicks: ticks(yType, yDomain, sy),
    xSplit: split(xMedian, sx),
    ySplit: split(yMedian, sy),
    quadrants:
      Number.isFinite(xMedian) && Number.isFinite(yMedian)
        ? quadrantCounts(x, y, n, xMedian, yMedian)
        : [0, 0, 0, 0],
    segmentKeys: [...points.segmentKeys],
    segmentCounts,
    none,
    marks,
  };
}
