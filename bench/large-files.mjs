// `npm run bench:large`: how large a file a browser tab can take. Loads the first 10M, 20M and 40M
// rows (≈ 0.26, 0.52 and 1.04 GB) of bench/data/orders-40m.csv in headless Chromium against the
// production build, each in a fresh page, and records the outcome (analysed, a clear error, or a
// crashed tab), the times and the renderer's peak memory. BENCH_UNCHECKED=1 turns the app's memory
// estimate off, to see where the tab really fails and so calibrate src/ingest/memory.ts.
// Writes bench/results/large-files.json (or large-files-unchecked.json).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, provisionChromium } from '../scripts/lib/chromium.mjs';
import { machine, rendererRssMb, round, startPreview } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const PORT = 4176;
const UNCHECKED = process.env.BENCH_UNCHECKED === '1';
const ROWS = (process.env.BENCH_LARGE_ROWS ?? '10000000,20000000,40000000').split(',').map(Number);
const data = (rows) => `${root}bench/data/orders-${rows / 1_000_000}m.csv`;

const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

// 1. Inputs: the 40M-row file, and its first rows for the smaller sizes.
if (!existsSync(data(40_000_000))) {
  sh('node', ['scripts/generate-bench-data.mjs', '--rows', '40000000']);
}
for (const rows of ROWS) {
  if (!existsSync(data(rows))) {
    sh('sh', ['-c', `head -n ${rows + 1} '${data(40_000_000)}' > '${data(rows)}'`]);
  }
}
sh('npm', ['run', '--silent', 'build']);

async function loadOnce(browser, rows) {
  const page = await browser.newPage();
  let crashed = false;
  page.on('crash', () => (crashed = true));
  await page.goto(`http://localhost:${PORT}/`);
  await page.waitForFunction(() => window.valuemap?.session.warmUpRounds !== null, null, {
    timeout: 180_000,
  });
  await page.evaluate((check) => (window.valuemap.session.memoryCheck = check), !UNCHECKED);
  let peakMb = 0;
  const sampler = setInterval(
    () => (peakMb = Math.max(peakMb, rendererRssMb(browser.process?.()?.pid))),
    200,
  );
  const t0 = Date.now();
  await page.locator('[data-testid=file-input]').setInputFiles(data(rows));
  let outcome;
  try {
    outcome = await page
      .waitForFunction(
        (n) => {
          const s = window.valuemap.session;
          if (s.lastTimings?.rows === n) return { kind: 'analysed', timings: { ...s.lastTimings } };
          if (s.status === 'error')
            return { kind: 'error', code: s.error?.code, details: s.error?.details };
          return null;
        },
        rows,
        { timeout: 900_000, polling: 500 },
      )
      .then((h) => h.jsonValue());
  } catch (e) {
    outcome = { kind: crashed ? 'crashed' : 'failed', message: String(e).split('\n')[0] };
  }
  clearInterval(sampler);
  await page.close().catch(() => {});
  return {
    rows,
    bytes: statSync(data(rows)).size,
    wallMs: Date.now() - t0,
    peakRendererMb: round(peakMb),
    ...outcome,
  };
}

// 2. Runs.
const { path: executablePath } = await provisionChromium();
const stopPreview = await startPreview(root, PORT);
const results = [];
let chromiumVersion = '';
try {
  for (const rows of ROWS) {
    // A fresh browser each time: a tab that ran out of memory must not weigh on the next.
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    chromiumVersion = browser.version();
    const result = await loadOnce(browser, rows);
    console.log(
      JSON.stringify({ ...result, timings: undefined, details: undefined }),
      result.timings ?? result.details ?? '',
    );
    results.push(result);
    await browser.close();
  }
} finally {
  stopPreview();
}

const report = {
  date: new Date().toISOString(),
  machine: machine({ chromium: chromiumVersion }),
  memoryCheck: !UNCHECKED,
  notes:
    'Each size in a fresh browser, chosen with the file input after the warm-up. kind: analysed (segments on screen), error (the app stopped with a message, e.g. file_too_large), crashed (the tab died). peakRendererMb: resident memory of the renderer processes, sampled every 200 ms.',
  results,
};
mkdirSync(`${root}bench/results`, { recursive: true });
const out = `bench/results/large-files${UNCHECKED ? '-unchecked' : ''}.json`;
writeFileSync(`${root}${out}`, `${JSON.stringify(report, null, 2)}\n`);
console.log(`written: ${out}`);
