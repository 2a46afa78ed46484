// The JavaScript size budget (issue 6), measured on the built app after `vite build`.
//
// "App JavaScript" is what a visitor downloads before the first analysed screen: the page's entry
// chunk and everything it imports statically, plus each worker's entry chunk and its static
// imports. Chunks reached only through import() are lazy and listed apart; the wasm files are
// apart too, and so is DuckDB-WASM's own JS (chunks named duckdb-wasm-*, split off in
// vite.config.ts): it is the emscripten glue that loads and drives the wasm, generated with it,
// so "the wasm apart" (issue 6) sets it apart as well. It is reported on its own, and the total
// with it is printed beside the budget so that nobody mistakes what the budget leaves out.
// Sizes are of each file as served: raw bytes and gzip (zlib level 6, a static host's usual).
//
//   node scripts/bundle-size.mjs [--dir dist] [--out bench/results/bundle.json] [--no-write]
//                                [--modules] [--warn-only]
//
// --modules attributes each initial chunk's bytes to packages and source folders when the build
// has sourcemaps (`vite build --sourcemap`). Over the budget the script exits non-zero, so the
// build (and CI, which builds for the end-to-end tests) fails; --warn-only makes it a warning.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 250;
const KB = 1000; // as Vite prints sizes
const DUCKDB_CHUNK = /^duckdb-wasm-/;

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dir = option('--dir', 'dist');
const out = option('--out', 'bench/results/bundle.json');
const write = !args.includes('--no-write');
const strict = !args.includes('--warn-only');

function fail(message) {
  console.error(`bundle-size: ${message}`);
  process.exit(2);
}

function filesUnder(root) {
  return readdirSync(root, { recursive: true })
    .map((f) => String(f).split('\\').join('/'))
    .filter((f) => statSync(join(root, f)).isFile());
}

if (!existsSync(join(dir, 'index.html'))) fail(`no ${dir}/index.html: run vite build first`);
const files = filesUnder(dir);
const jsFiles = new Set(files.filter((f) => f.endsWith('.js')));
const text = new Map([...jsFiles].map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

/** Files a chunk refers to, resolved against its folder; only files of the build count. */
function references(file, pattern) {
  const found = new Set();
  for (const m of text.get(file).matchAll(pattern)) {
    const target = posix.normalize(posix.join(posix.dirname(file), m[1]));
    if (jsFiles.has(target) && target !== file) found.add(target);
  }
  return found;
}
const STATIC = /(?:\bfrom|\bimport)\s*["'`](\.{1,2}\/[^"'`]+?\.js)["'`]/g;
const DYNAMIC = /\bimport\(\s*["'`](\.{1,2}\/[^"'`]+?\.js)["'`]\s*\)/g;
// Vite emits a worker as `new Worker(new URL("name.js", import.meta.url))` (maybe nested).
const WORKER = /new URL\(\s*["'`]((?:\.{0,2}\/)?[^"'`]+?\.js)["'`]\s*,\s*import\.meta\.url/g;
const graph = new Map(
  [...jsFiles].map((f) => [
    f,
    {
      statics: references(f, STATIC),
      dynamics: references(f, DYNAMIC),
      workers: new Set(
        [...text.get(f).matchAll(WORKER)]
          .map((m) => posix.normalize(posix.join(posix.dirname(f), m[1].replace(/^\//, ''))))
          .filter((t) => jsFiles.has(t)),
      ),
    },
  ]),
);

function staticClosure(roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const f = stack.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...graph.get(f).statics);
  }
  return seen;
}

const html = readFileSync(join(dir, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+\.js)"/g)]
  .map((m) => posix.normalize(m[1].replace(/^\.?\//, '')))
  .filter((f) => jsFiles.has(f));
if (!entries.length) fail('no module script in index.html');

// Initial sets per context, then the lazy ones: import() from anything reachable, closed statically.
const load = new Map(); // file → { context, kind }
const mainInitial = staticClosure(entries);
for (const f of mainInitial) load.set(f, { context: 'main', kind: 'initial' });
// The compute worker (models, k-means) is started by the first fit, after the segments are on
// screen (src/engine/computeClient.ts): its code is loaded on demand, not for the first screen.
const DEFERRED_WORKER = /(^|\/)compute\.worker-[\w-]+\.js$/;
const referenced = new Set([...mainInitial].flatMap((f) => [...graph.get(f).workers]));
if (!referenced.size) console.warn('bundle-size: warning: no worker referenced by the page');
const workerEntries = new Set([...referenced].filter((f) => !DEFERRED_WORKER.test(f)));
const workerInitial = staticClosure(workerEntries);
for (const f of workerInitial)
  if (!load.has(f)) load.set(f, { context: 'worker', kind: 'initial' });
for (const [context, initial] of [
  ['main', mainInitial],
  ['worker', workerInitial],
]) {
  const reached = new Set(initial);
  const queue = [...initial];
  while (queue.length) {
    const f = queue.pop();
    const next = [...graph.get(f).dynamics, ...graph.get(f).workers];
    for (const g of staticClosure(next)) {
      if (reached.has(g)) continue;
      reached.add(g);
      queue.push(g);
      if (!load.has(g)) load.set(g, { context, kind: 'lazy' });
    }
  }
}

const gzip = (buf) => gzipSync(buf, { level: 6 }).length;
const chunks = [...jsFiles]
  .map((file) => {
    const bytes = Buffer.from(text.get(file));
    const name = posix.basename(file).replace(/-[\w-]{8}\.js$/, '');
    const { context, kind } = load.get(file) ?? { context: null, kind: 'unreferenced' };
    return {
      file,
      name,
      context,
      load: kind,
      duckdbRuntime: DUCKDB_CHUNK.test(name),
      raw: bytes.length,
      gzip: gzip(bytes),
    };
  })
  .sort(
    (a, b) =>
      ['initial', 'lazy', 'unreferenced'].indexOf(a.load) -
        ['initial', 'lazy', 'unreferenced'].indexOf(b.load) ||
      String(a.context).localeCompare(String(b.context)) ||
      b.gzip - a.gzip,
  );

const otherAssets = files
  .filter((f) => /\.(wasm|css)$/.test(f))
  .map((file) => {
    const bytes = readFileSync(join(dir, file));
    return { file, raw: bytes.length, gzip: gzip(bytes) };
  });

const sum = (list) => ({
  raw: list.reduce((s, c) => s + c.raw, 0),
  gzip: list.reduce((s, c) => s + c.gzip, 0),
});
const initial = chunks.filter((c) => c.load === 'initial');
const totals = {
  initial: sum(initial),
  initialMain: sum(initial.filter((c) => c.context === 'main')),
  initialWorker: sum(initial.filter((c) => c.context === 'worker')),
  initialDuckdbRuntime: sum(initial.filter((c) => c.duckdbRuntime)),
  initialWithoutDuckdbRuntime: sum(initial.filter((c) => !c.duckdbRuntime)),
  lazy: sum(chunks.filter((c) => c.load === 'lazy')),
  wasm: sum(otherAssets.filter((a) => a.file.endsWith('.wasm'))),
  css: sum(otherAssets.filter((a) => a.file.endsWith('.css'))),
};
const budgeted = totals.initialWithoutDuckdbRuntime;
const withinBudget = budgeted.gzip <= BUDGET_KB * KB;

// --- report ---------------------------------------------------------------------------------
const kb = (n) => (Number.isNaN(n) ? '—' : (n / KB).toFixed(1)).padStart(8);
const row = (label, raw, gz, extra = '') =>
  console.log(`${label.padEnd(46)}${kb(raw)} kB${kb(gz)} kB  ${extra}`);
console.log(`\nJavaScript of ${dir}/ (kB = 1000 bytes; gzip level 6)`);
console.log(`${'chunk'.padEnd(46)}${'raw'.padStart(11)}${'gzip'.padStart(11)}  load`);
for (const c of chunks) {
  const tag = [c.load, c.context, c.duckdbRuntime ? 'DuckDB-WASM runtime' : '']
    .filter(Boolean)
    .join(', ');
  row(posix.basename(c.file), c.raw, c.gzip, tag);
}
for (const a of otherAssets) row(posix.basename(a.file), a.raw, a.gzip, 'not JS');
console.log('');
row('app JS, initial (main + worker)', totals.initial.raw, totals.initial.gzip);
row('  main thread', totals.initialMain.raw, totals.initialMain.gzip);
row('  worker', totals.initialWorker.raw, totals.initialWorker.gzip);
row(
  '  of which DuckDB-WASM JS runtime',
  totals.initialDuckdbRuntime.raw,
  totals.initialDuckdbRuntime.gzip,
);
row(
  '  without the DuckDB-WASM JS runtime',
  totals.initialWithoutDuckdbRuntime.raw,
  totals.initialWithoutDuckdbRuntime.gzip,
  'the budget',
);
row('lazy JS (loaded on demand)', totals.lazy.raw, totals.lazy.gzip);
row('wasm (all bundles; a browser loads one)', totals.wasm.raw, totals.wasm.gzip);

const verdict =
  `${withinBudget ? 'within budget' : 'OVER BUDGET'}: ${(budgeted.gzip / KB).toFixed(1)} kB ` +
  `${withinBudget ? '≤' : '>'} ${BUDGET_KB} kB gzip (with DuckDB-WASM's JS runtime: ` +
  `${(totals.initial.gzip / KB).toFixed(1)} kB)`;
console.log(`\nApp JavaScript budget (issue 6): ${verdict}`);

// --- where the bytes come from (needs sourcemaps) -------------------------------------------
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Generated segments of a v3 sourcemap as [line, column, sourceIndex | -1], in order. */
function segments(mappings) {
  const result = [];
  let source = 0;
  mappings.split(';').forEach((line, lineIndex) => {
    let column = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length > 1) source += values[1];
      result.push([lineIndex, column, values.length > 1 ? source : -1]);
    }
  });
  return result;
}
function groupOf(source) {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1];
  if (source.startsWith('\0') || source.includes('\u0000')) return source.replace(/\0/g, '');
  const clean = source.replace(/^(\.\.\/)+/, '').replace(/^.*?\/(src|workers)\//, '$1/');
  return clean.split('/').slice(0, 2).join('/');
}
function attribute(chunk) {
  const mapFile = join(dir, `${chunk.file}.map`);
  if (!existsSync(mapFile)) return null;
  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  const lines = text.get(chunk.file).split('\n');
  const parts = new Map();
  const add = (key, s) => parts.set(key, (parts.get(key) ?? '') + s);
  const segs = segments(map.mappings);
  let covered = 0;
  segs.forEach(([line, column, source], i) => {
    const next = segs[i + 1];
    const end = next && next[0] === line ? next[1] : lines[line].length;
    const piece = lines[line].slice(column, end);
    covered += piece.length;
    add(source >= 0 ? groupOf(map.sources[source]) : '(generated)', piece);
  });
  const rest = chunk.raw - covered;
  const rows = [...parts].map(([key, s]) => ({ key, raw: s.length, gzip: gzip(Buffer.from(s)) }));
  if (rest > 0) rows.push({ key: '(no sourcemap)', raw: rest, gzip: NaN });
  return rows.sort((a, b) => b.raw - a.raw);
}
if (args.includes('--modules')) {
  for (const c of initial) {
    const rows = attribute(c);
    console.log(
      `\n${c.file} by source (gzip of each part alone; parts compress less than the whole)`,
    );
    if (!rows) console.log('  no sourcemap: build with `vite build --sourcemap`');
    for (const r of rows?.slice(0, 25) ?? []) row(`  ${r.key}`, r.raw, r.gzip);
  }
}

if (write) {
  const vite = JSON.parse(readFileSync('node_modules/vite/package.json', 'utf8')).version;
  mkdirSync(dirname(out), { recursive: true });
  const result = {
    date: new Date().toISOString(),
    vite,
    budget: {
      limitKbGzip: BUDGET_KB,
      kb: KB,
      gzipLevel: 6,
      counts:
        'initial app JavaScript: the page entry and its static imports, plus each worker entry and its static imports; ' +
        "lazy chunks, wasm, DuckDB-WASM's JS runtime (the wasm's emscripten glue) and CSS apart; the runtime is reported on its own",
      withinBudget,
    },
    totals,
    chunks: chunks.map(({ file, context, load, duckdbRuntime, raw, gzip }) => ({
      file: posix.basename(file),
      context,
      load,
      duckdbRuntime,
      raw,
      gzip,
    })),
    otherAssets: otherAssets.map((a) => ({ ...a, file: posix.basename(a.file) })),
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written: ${out}`);
}

// What vite.config.ts arranges, checked so that it cannot silently undo itself.
if (!initial.some((c) => c.duckdbRuntime)) {
  console.warn(
    "bundle-size: warning: no duckdb-wasm-* chunk in the first download: DuckDB-WASM's JS is " +
      'inside another chunk, and the figures without it are wrong',
  );
}
const bothGlues = initial.filter((c) => /^duckdb-wasm-mvp/.test(c.name));
if (bothGlues.length) {
  console.error(
    `bundle-size: the mvp glue (${bothGlues.map((c) => c.file).join(', ')}) is in the first ` +
      'download: every visitor would fetch both DuckDB-WASM glues (see duckdbSingleGlue)',
  );
  process.exit(1);
}

if (!withinBudget) {
  if (strict) process.exit(1);
  console.warn('bundle-size: warning: over the JavaScript budget (--warn-only: not failing)');
}
