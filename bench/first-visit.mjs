// `npm run bench:first-visit`: what a colleague opening the link sees, in a fresh browser each run
// (new profile, no HTTP or code cache) against the production build served plainly: navigation →
// the sample's first screen (computed at build time) → the engine's own analysis on screen, and
// the JavaScript the page fetched before its first screen, by the requests it made (sizes gzip, as
// a static host serves them), and when the engine's worker script and DuckDB's wasm were
// requested. Prints a table and writes bench/results/first-visit.json.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, provisionChromium } from '../scripts/lib/chromium.mjs';
import { machine, medians, round, startPreview } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PORT = 4176;
const DUCKDB_RUNTIME = /duckdb|\.wasm$/;

if (!process.env.BENCH_NO_BUILD)
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const { path: executablePath } = await provisionChromium();
const stop = await startPreview(root, PORT);

const gzipBytes = (url) => {
  const file = path.join(root, 'dist', new URL(url).pathname);
  try {
    return gzipSync(readFileSync(file)).length;
  } catch {
    return 0;
  }
};

let browserVersion = '';

async function run(lang) {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  browserVersion = browser.version();
  try {
    const page = await browser.newPage();
    // The moment the first screen's numbers are in the page, on the same clock as the requests.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('[data-testid="customer-count"]')) return;
        window.__firstScreenAt = Date.now();
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    const requests = [];
    page.on('request', (r) => requests.push({ url: r.url(), at: Date.now() }));
    const t0 = Date.now();
    await page.goto(`http://localhost:${PORT}/?lang=${lang}`);
    await page.waitForFunction(() => window.__firstScreenAt !== undefined, null, {
      timeout: 60_000,
    });
    const firstScreenMs = (await page.evaluate(() => window.__firstScreenAt)) - t0;
    const preview = await page.getByTestId('first-screen').count();
    await page.waitForFunction(() => window.valuemap?.session.status === 'ready', null, {
      timeout: 120_000,
    });
    const analysedMs = Date.now() - t0;
    const engineStartMs = await page.evaluate(() => window.valuemap.session.engineInfo.startMs);
    const before = requests.filter((r) => r.at - t0 <= firstScreenMs && r.url.endsWith('.js'));
    const app = before.filter((r) => !DUCKDB_RUNTIME.test(r.url));
    const runtime = before.filter((r) => DUCKDB_RUNTIME.test(r.url));
    const kb = (list) => round(list.reduce((n, r) => n + gzipBytes(r.url), 0) / 1024, 1);
    const requestedAt = (pattern) => {
      const first = requests.find((r) => pattern.test(new URL(r.url).pathname));
      return first ? first.at - t0 : null;
    };
    return {
      firstScreenMs,
      fromPreview: preview > 0,
      analysedMs,
      engineStartMs: round(engineStartMs),
      // Navigation → the engine's worker script, and → DuckDB's wasm, requested.
      dbWorkerRequestedMs: requestedAt(/\/db\.worker-[\w-]+\.js$/),
      wasmRequestedMs: requestedAt(/\.wasm$/),
      appJsKbBeforeFirstScreen: kb(app),
      duckdbJsKbBeforeFirstScreen: kb(runtime),
      jsFilesBeforeFirstScreen: before.length,
    };
  } finally {
    await browser.close();
  }
}

const results = {};
try {
  for (const lang of ['en', 'zh-CN']) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run(lang));
    results[lang] = { median: medians(runs), runs };
    console.log(lang, results[lang].median);
  }
} finally {
  stop();
}
const out = {
  date: new Date().toISOString().slice(0, 10),
  machine: machine({ browser: `Chromium ${browserVersion}` }),
  runs: RUNS,
  results,
};
writeFileSync(
  path.join(root, 'bench/results/first-visit.json'),
  JSON.stringify(out, null, 2) + '\n',
);
console.log('wrote bench/results/first-visit.json');
