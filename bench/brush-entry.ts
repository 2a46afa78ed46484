// Page for bench/brush.mjs: the value map on synthetic customers, with hooks to time each redraw.
import { createValueMap, type ValueMapFrame, type ValueMapHandle } from '../src/charts/valueMap';
import { median } from '../src/charts/valueMapSelect';

/** mulberry32: seeded, so every run brushes the same customers. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Record {
  frame: ValueMapFrame;
  flushMs: number;
  /** Pointer event to redraw done (includes the wait for the animation frame). */
  latencyMs: number;
}

let handle: ValueMapHandle | null = null;
let records: Record[] = [];
let lastInput = 0;
let waiters: (() => void)[] = [];
window.addEventListener('mousemove', () => (lastInput = performance.now()), true);

function setup(n: number, binThreshold: number) {
  handle?.destroy();
  records = [];
  const random = rng(20240611);
  const normal = () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const size = new Float64Array(n);
  const colour = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    // Log-normal current value; predicted value correlated with it, as customer value is.
    const z = normal();
    x[i] = Math.exp(5 + 1.2 * z);
    y[i] = Math.exp(4.5 + 0.9 * z + 0.7 * normal());
    size[i] = x[i]! + y[i]!;
    colour[i] = Math.floor(random() * 11);
  }
  const container = document.getElementById('map')!;
  const canvasFlush = () => {
    const t = performance.now();
    container.querySelector('canvas')!.getContext('2d')!.getImageData(0, 0, 1, 1);
    return performance.now() - t;
  };
  const t0 = performance.now();
  handle = createValueMap(container, {
    label: 'Value map',
    summary: ({ n: count }) => `${count} synthetic customers`,
    binThreshold,
    onFrame: (frame) => {
      if (frame.cause !== 'brush' && frame.cause !== 'zoom') return;
      const flushMs = canvasFlush();
      records.push({ frame, flushMs, latencyMs: performance.now() - lastInput });
      const w = waiters;
      waiters = [];
      w.forEach((f) => f());
    },
  });
  handle.update({
    n,
    x,
    y,
    size,
    colour,
    categories: Array.from({ length: 11 }, (_, i) => ({ label: `Segment ${i + 1}` })),
    xLabel: 'Current value',
    yLabel: 'Potential value',
    xScale: 'log',
    yScale: 'log',
    xSplit: median(x),
    ySplit: median(y),
    quadrantLabels: ['Rising', 'Stars', 'Low', 'Fading'],
    tooltip: (i) => `Customer ${i}`,
  });
  const updateMs = performance.now() - t0;
  const plot = container.querySelector('.value-map-plot')!.getBoundingClientRect();
  const brush = container.querySelector('.brush .overlay')!.getBoundingClientRect();
  return {
    updateMs,
    binned: container.querySelector('canvas')!.dataset.binned === 'true',
    plot: { x: plot.x, y: plot.y, width: plot.width, height: plot.height },
    overlay: { x: brush.x, y: brush.y, width: brush.width, height: brush.height },
  };
}

/** Resolves after the next brush redraw (or at once when none is pending). */
function nextFrame(count: number) {
  if (records.length >= count) return Promise.resolve(records.length);
  return new Promise<number>((resolve) => {
    // A move that changes nothing may not redraw; never wait on it for long.
    setTimeout(() => resolve(records.length), 5000);
    waiters.push(() => resolve(records.length));
  });
}

function take() {
  const out = records;
  records = [];
  return out;
}

declare global {
  interface Window {
    brushBench: typeof api;
  }
}
const api = { setup, nextFrame, take, selected: () => document.querySelector('canvas') !== null };
window.brushBench = api;
