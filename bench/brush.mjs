// `npm run bench:brush`: brushing the value map in headless Chromium. Builds bench/brush-page.html
// (which imports src/charts/valueMap.ts) with Vite into a temporary directory, serves it through
// Playwright's request routing (no port), draws 100k (and 1M) synthetic customers and drives ~100
// rectangle-brush moves with real mouse events on the brush overlay. Each update (selection +
// redraw + canvas flush) is timed inside the page. Prints median / p95 / max and writes
// bench/results/brush.json.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS, findChromium } from '../scripts/lib/chromium.mjs';
import { machine, round } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const MOVES = Number(process.env.BRUSH_MOVES ?? 100);
const ZOOMS = 10;
const TARGET_MS = 16;
const CASES = [
  { name: '100k', n: 100_000, dpr: 1, binThreshold: 50_000 },
  { name: '100k-dpr2', n: 100_000, dpr: 2, binThreshold: 50_000 },
  { name: '100k-points', n: 100_000, dpr: 1, binThreshold: Infinity },
  { name: '1m', n: 1_000_000, dpr: 1, binThreshold: 50_000 },
];
const only = process.env.BRUSH_CASES?.split(',');

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const stats = (xs) => ({
  median: round(quantile(xs, 0.5), 2),
  p95: round(quantile(xs, 0.95), 2),
  max: round(Math.max(...xs), 2),
});

// 1. Build the page.
const outDir = mkdtempSync(join(tmpdir(), 'valuemap-brush-'));
await build({
  root,
  configFile: false,
  base: './',
  logLevel: 'warn',
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: join(root, 'bench/brush-page.html') },
  },
});
const pagePath = join(outDir, 'bench/brush-page.html');
if (!existsSync(pagePath)) throw new Error(`build did not produce ${pagePath}`);

// 2. Brush in Chromium.
const executablePath = await findChromium();
if (!executablePath)
  throw new Error('No Chromium found; set CHROMIUM_PATH (see scripts/lib/chromium.mjs).');
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const results = {};
try {
  for (const c of CASES.filter((c) => !only || only.includes(c.name))) {
    const context = await browser.newContext({
      viewport: { width: 1000, height: 700 },
      deviceScaleFactor: c.dpr,
    });
    const page = await context.newPage();
    await page.route('http://bench.local/**', (route) => {
      const path = join(outDir, new URL(route.request().url()).pathname);
      route.fulfill({
        body: readFileSync(path),
        contentType: TYPES[extname(path)] ?? 'application/octet-stream',
      });
    });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto('http://bench.local/bench/brush-page.html');
    await page.waitForFunction(() => window.brushBench !== undefined);
    const setup = await page.evaluate(
      ([n, t]) => window.brushBench.setup(n, t === null ? Infinity : t),
      [c.n, Number.isFinite(c.binThreshold) ? c.binThreshold : null],
    );
    const o = setup.overlay;
    // A brush that starts near the top left and sweeps: grows, then slides across the plot,
    // so the selection runs from a few customers to most of them.
    const x0 = o.x + o.width * 0.1;
    const y0 = o.y + o.height * 0.1;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (let i = 1; i <= MOVES; i++) {
      const f = i / MOVES;
      const x = x0 + o.width * (0.05 + 0.8 * f);
      const y = y0 + o.height * (0.05 + 0.8 * Math.abs(Math.sin(f * Math.PI * 1.5)));
      await page.mouse.move(x, y);
      await page.evaluate((count) => window.brushBench.nextFrame(count), i);
    }
    if (process.env.BRUSH_SCREENSHOTS)
      await page.screenshot({ path: join(process.env.BRUSH_SCREENSHOTS, `brush-${c.name}.png`) });
    await page.mouse.up();
    // Then zoom in with the wheel: each step re-projects (and re-bins) every customer.
    await page.mouse.move(o.x + o.width * 0.5, o.y + o.height * 0.5);
    for (let i = 1; i <= ZOOMS; i++) {
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -120);
      await page.keyboard.up('Control');
      await page.evaluate((count) => window.brushBench.nextFrame(count), MOVES + 1 + i);
    }
    const all = await page.evaluate(() => window.brushBench.take());
    const records = all.filter((r) => r.frame.cause === 'brush');
    const zooms = all.filter((r) => r.frame.cause === 'zoom');
    const update = records.map((r) => r.frame.selectMs + r.frame.drawMs + r.flushMs);
    const result = {
      n: c.n,
      devicePixelRatio: c.dpr,
      binned: setup.binned,
      plotCssPx: [round(setup.plot.width), round(setup.plot.height)],
      updates: records.length,
      firstDrawMs: round(setup.updateMs, 1),
      updateMs: stats(update),
      selectMs: stats(records.map((r) => r.frame.selectMs)),
      drawMs: stats(records.map((r) => r.frame.drawMs + r.flushMs)),
      inputToFrameMs: stats(records.map((r) => r.latencyMs)),
      selected: {
        min: Math.min(...records.map((r) => r.frame.selected)),
        max: Math.max(...records.map((r) => r.frame.selected)),
      },
      zoomStepMs: stats(zooms.map((r) => r.frame.selectMs + r.frame.drawMs + r.flushMs)),
      withinTarget: quantile(update, 0.95) <= TARGET_MS,
    };
    results[c.name] = result;
    console.log(
      `${c.name.padEnd(12)} ${result.binned ? 'bins  ' : 'points'} update median ${result.updateMs.median} ms, ` +
        `p95 ${result.updateMs.p95} ms, max ${result.updateMs.max} ms ` +
        `(select ${result.selectMs.median}, draw ${result.drawMs.median}; ${records.length} updates, ` +
        `selected ${result.selected.min}–${result.selected.max}; first draw ${result.firstDrawMs} ms; ` +
        `zoom step median ${result.zoomStepMs.median} ms)`,
    );
    await context.close();
  }
  const report = {
    date: new Date().toISOString(),
    machine: machine({ chromium: browser.version() }),
    targetMs: TARGET_MS,
    moves: MOVES,
    notes:
      'Per brush update, timed in the page: selection (one pass over the precomputed pixel positions; in bin mode plus one pass counting selected customers per bin) + redraw (rasterise into ImageData, putImageData) + a 1-pixel getImageData that flushes the canvas. Real mouse events on the d3-brush overlay; each update runs in the animation frame after the move. inputToFrame = mousemove to redraw done, including the wait for that frame. zoomStep = one wheel step after the brushing: re-project every customer (and re-bin), redraw axes and marks. Headless Chromium, software rendering (--disable-gpu). Synthetic customers: log-normal current and predicted value, 11 categories, viewport 1000×700.',
    cases: results,
  };
  writeFileSync(join(root, 'bench/results/brush.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log('wrote bench/results/brush.json');
} finally {
  await browser.close();
  rmSync(outDir, { recursive: true, force: true });
}
