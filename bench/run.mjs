// `npm run bench`: load + RFM on 1M- and 5M-row order files, in headless Chromium against the
// production build (engine start, file → table, analysis, first page on screen, result to the main
// thread, peak memory), and the same SQL in native DuckDB on one thread as the baseline.
// Prints a table and writes bench/results/load-rfm.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, provisionChromium } from '../scripts/lib/chromium.mjs';
import { machine, medians, rendererRssMb, round, startPreview } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? '1m,5m').split(',');
const PORT = 4175;
/** A difference of a tenth of a second: more runs than the rest, as this VM's timings drift. */
const TRANSCODING_RUNS = Math.max(RUNS, 5);
const ROWS = { '1m': 1_000_000, '5m': 5_000_000 };

const sh = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
/**
 * One load in a fresh page. `warm`: wait for the background warm-up the app runs after its first
 * screen (an analyst takes longer than that to pick a file); cold: choose the file at once.
 */
async function browserRun(browser, file, rows, warm) {
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(`http://localhost:${PORT}/`);
  await page.waitForFunction(() => window.valuemap?.session.status === 'ready', null, {
    timeout: 120_000,
  });
  const engineStartMs = await page.evaluate(() => window.valuemap.session.engineInfo.startMs);
  const firstScreenMs = Date.now() - t0;
  if (warm) {
    await page.waitForFunction(() => window.valuemap.session.warmUpRounds !== null, null, {
      timeout: 120_000,
    });
  }
  const warmUpRounds = await page.evaluate(() => window.valuemap.session.warmUpRounds ?? 0);

  let peakMb = 0;
  const sampler = setInterval(
    () => (peakMb = Math.max(peakMb, rendererRssMb(browser.process?.()?.pid))),
    100,
  );
  await page.locator('[data-testid=file-input]').setInputFiles(file);
  await page.waitForFunction((n) => window.valuemap.session.lastTimings?.rows === n, rows, {
    timeout: 300_000,
  });
  const timings = await page.evaluate(() => ({ ...window.valuemap.session.lastTimings }));
  // Customer value runs next in the worker (SQL summary, model fits, classes): its own figure.
  await page.waitForFunction(
    () => ['ready', 'error'].includes(window.valuemap.session.valuation.status),
    null,
    { timeout: 600_000 },
  );
  const value = await page.evaluate(() => {
    const v = window.valuemap.session.valuation;
    return { ms: v.ms ?? null, status: v.status, fitMs: v.result?.fitMs ?? null };
  });
  // Then the lifecycle (stages, monthly history, flows, cohorts, risk) in the worker.
  await page.waitForFunction(
    () => ['ready', 'error'].includes(window.valuemap.session.lifecycle.status),
    null,
    { timeout: 600_000 },
  );
  const lifecycleMs = await page.evaluate(() => window.valuemap.session.lifecycle.ms ?? null);
  const transfer = await page.evaluate(async () => {
    const { session, engine } = window.valuemap;
    const id = session.current.loaded.datasetId;
    const t = performance.now();
    const bytes = await engine.run('customers', 'allCustomers', [id]);
    return { ms: performance.now() - t, bytes: bytes.length };
  });
  clearInterval(sampler);
  const statements = await page.evaluate(async () =>
    (await window.valuemap.engine.run('customers', 'statementLog', []))
      .filter((s) => s.ms >= 5)
      .map((s) => ({ ms: Math.round(s.ms), sql: s.sql.replace(/\s+/g, ' ').slice(0, 60) })),
  );
  const customers = Number(await page.getByTestId('customer-count').getAttribute('data-count'));
  await page.close();
  return {
    engineStartMs,
    firstScreenMs,
    readMs: timings.readMs,
    loadMs: timings.loadMs,
    analyseMs: timings.analyseMs,
    firstPageMs: timings.firstPageMs,
    fileToSegmentsMs: timings.totalMs,
    valueMs: value.ms,
    valueFitMs: value.fitMs,
    lifecycleMs,
    resultToMainMs: transfer.ms,
    resultBytes: transfer.bytes,
    peakRendererMb: peakMb,
    warmUpRounds,
    customers,
    statements,
  };
}

function nativeRuns(file) {
  const out = execFileSync('node', ['bench/native/dist/native.mjs', file, String(RUNS)], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

// 1. Inputs and builds.
sh('node', [
  'scripts/generate-bench-data.mjs',
  ...(SIZES.length === 1 ? ['--only', SIZES[0]] : []),
  '--chinese',
]);
sh('npm', ['run', '--silent', 'build']);
if (!existsSync(`${root}bench/native/node_modules/@duckdb/node-api`)) {
  sh('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund'], {
    cwd: `${root}bench/native`,
  });
}
// Bundled beside its node_modules, so Node resolves @duckdb/node-api from bench/native.
sh('npx', [
  'rolldown',
  'bench/native/native.ts',
  '--file',
  'bench/native/dist/native.mjs',
  '--format',
  'esm',
  '--platform',
  'node',
  '--external',
  '@duckdb/node-api',
]);

// 2. Browser runs against the production build, served plainly.
const { path: executablePath } = await provisionChromium();
const stopPreview = await startPreview(root, PORT);
const results = { browser: {}, native: {} };
try {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const chromiumVersion = browser.version();
  for (const size of SIZES) {
    const file = `${root}bench/data/orders-${size}.csv`;
    const show = (v) => JSON.stringify(v, (k, x) => (typeof x === 'number' ? round(x) : x));
    const cold = await browserRun(browser, file, ROWS[size], false);
    console.log(`browser ${size} cold:`, show(cold));
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await browserRun(browser, file, ROWS[size], true));
      console.log(`browser ${size} run ${i + 1}:`, show(runs.at(-1)));
    }
    results.browser[size] = { runs, median: medians(runs), cold };
    const native = nativeRuns(file);
    console.log(
      `native ${size}:`,
      JSON.stringify(
        native.map((r) => ({
          load: round(r.loadMs),
          analyse: round(r.analyseMs),
          bareLoad: round(r.bareLoadMs),
          bareRfm: round(r.bareRfmMs),
        })),
      ),
    );
    results.native[size] = { runs: native, median: medians(native) };
  }
  // The same 1M rows with a Chinese column, as UTF-8 and as GBK: what transcoding adds to a load.
  // The two alternate, so that drift in this VM's speed weighs on both alike.
  const variants = ['zh', 'gbk'];
  const transcodingRuns = { zh: [], gbk: [] };
  for (let i = 0; i < TRANSCODING_RUNS; i++) {
    for (const variant of variants) {
      const file = `${root}bench/data/orders-1m-${variant}.csv`;
      const run = await browserRun(browser, file, ROWS['1m'], true);
      transcodingRuns[variant].push(run);
      console.log(`browser 1m-${variant} run ${i + 1}: load ${round(run.loadMs)} ms`);
    }
  }
  results.transcoding = Object.fromEntries(
    variants.map((v) => [v, { runs: transcodingRuns[v], median: medians(transcodingRuns[v]) }]),
  );
  await browser.close();
  results.chromium = chromiumVersion;
} finally {
  stopPreview();
}

// 3. Report.
const report = {
  date: new Date().toISOString(),
  machine: machine({
    chromium: results.chromium,
    duckdbWasm: JSON.parse(
      readFileSync(`${root}node_modules/@duckdb/duckdb-wasm/package.json`, 'utf8'),
    ).version,
  }),
  runsPerSize: RUNS,
  notes:
    "Medians of warm runs (the file chosen after the app finished its background warm-up), plus one cold run (file chosen as soon as the first screen is up). Browser figures come from the app itself (session.lastTimings): read = fetching a sample (0 for a chosen file, which the worker reads in place); load = worker: detect format and encoding, transcode or validate UTF-8, register, read_csv, profile; analyse = typing, RFM, summaries, segments, grid; firstPage = first customer page fetched and painted; fileToSegments = file chosen to segments on screen; value = segments on screen to customer value ready (model summary in SQL, fits, predictions, classes; valueFit = the fits and predictions alone); lifecycle = value ready to lifecycle ready (stages at the as-of date, monthly stage history, counts over time, flows, cohorts, churn risk, behaviour change, stage × segment). Native = the same SQL builders in @duckdb/node-api, threads=1; nativeBare (bareLoadMs, bareRfmMs) = the file read typed by DuckDB's own sniffer and a plain RFM (max date, distinct purchase days, sum, quintiles), threads=1, in the same run: the floor issue 16 measures file→segments against (ratio.fileToSegmentsOverBare, warm; coldFileToSegmentsOverBare, first visit).",
  sizes: Object.fromEntries(
    SIZES.map((size) => {
      const b = results.browser[size].median;
      const n = results.native[size].median;
      return [
        size,
        {
          browser: b,
          browserCold: results.browser[size].cold,
          native: n,
          ratio: {
            load: round(b.loadMs / n.loadMs, 2),
            analyse: round(b.analyseMs / n.analyseMs, 2),
            // Issue 16's yardstick: file chosen → segments on screen over the bare typed load + RFM.
            fileToSegmentsOverBare: round(b.fileToSegmentsMs / (n.bareLoadMs + n.bareRfmMs), 2),
            coldFileToSegmentsOverBare: round(
              results.browser[size].cold.fileToSegmentsMs / (n.bareLoadMs + n.bareRfmMs),
              2,
            ),
          },
          runs: { browser: results.browser[size].runs, native: results.native[size].runs },
        },
      ];
    }),
  ),
};
const utf8Load = results.transcoding.zh.median;
const gbkLoad = results.transcoding.gbk.median;
const transcoding = {
  date: report.date,
  machine: report.machine,
  runs: TRANSCODING_RUNS,
  notes:
    'The 1M-row benchmark file with Chinese headers and a Chinese city column (bench/data/orders-1m-zh.csv, 32 MB), and the same text in GBK (orders-1m-gbk.csv, 30 MB). load = worker: detect, transcode (GBK only), read_csv, profile. Target: GBK load at most 1.3 × UTF-8 load.',
  utf8: utf8Load,
  gbk: gbkLoad,
  gbkOverUtf8: {
    load: round(gbkLoad.loadMs / utf8Load.loadMs, 2),
    fileToSegments: round(gbkLoad.fileToSegmentsMs / utf8Load.fileToSegmentsMs, 2),
  },
  runDetails: results.transcoding,
};
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/load-rfm.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${root}bench/results/transcoding.json`, `${JSON.stringify(transcoding, null, 2)}\n`);

console.log(
  `\nValueMap load + RFM — ${report.machine.cpu}, ${report.machine.cores} cores, Chromium ${report.machine.chromium}`,
);
console.log(
  'size | engine start | file→table | analysis | first page | file→segments (cold) | value (fit) | lifecycle | result→main | peak MB | native load / analysis | ratio | native bare load + RFM | file→segments ÷ bare (cold)',
);
for (const [size, s] of Object.entries(report.sizes)) {
  const b = s.browser;
  console.log(
    `${size} | ${b.engineStartMs} ms | ${b.loadMs} ms | ${b.analyseMs} ms | ${b.firstPageMs} ms | ${b.fileToSegmentsMs} ms (${round(s.browserCold.fileToSegmentsMs)}) | ${b.valueMs} ms (${b.valueFitMs} ms) | ${b.lifecycleMs} ms | ${b.resultToMainMs} ms (${round(b.resultBytes / 2 ** 20, 1)} MB) | ${round(b.peakRendererMb)} | ${s.native.loadMs} / ${s.native.analyseMs} ms | ${s.ratio.load}× / ${s.ratio.analyse}× | ${s.native.bareLoadMs} + ${s.native.bareRfmMs} ms | ${s.ratio.fileToSegmentsOverBare}× (${s.ratio.coldFileToSegmentsOverBare}×)`,
  );
}
console.log(
  `\n1M rows, Chinese column: UTF-8 load ${utf8Load.loadMs} ms, GBK load ${gbkLoad.loadMs} ms (${transcoding.gbkOverUtf8.load}×); file→segments ${utf8Load.fileToSegmentsMs} / ${gbkLoad.fileToSegmentsMs} ms`,
);
console.log('\nwritten: bench/results/load-rfm.json, bench/results/transcoding.json');
