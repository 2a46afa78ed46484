// Writes large synthetic order files for the import/RFM benchmarks.
//
//   node scripts/generate-bench-data.mjs                  # bench/data/orders-1m.csv and orders-5m.csv
//   node scripts/generate-bench-data.mjs --only 1m        # just one preset
//   node scripts/generate-bench-data.mjs --rows 250000    # custom size -> orders-250k.csv
//   node scripts/generate-bench-data.mjs --out /tmp/data --force --seed 7
//   node scripts/generate-bench-data.mjs --only 1m --chinese  # + orders-1m-zh.csv and orders-1m-gbk.csv
//
// `--chinese` derives, from each file, the same rows with Chinese headers and a Chinese city column,
// once in UTF-8 and once in GBK: the pair measures what transcoding adds to a load.
// Layout: `customer_id,order_date,amount` (C000123,2024-03-05,45.67 ≈ 25 bytes a row), one
// customer per 10 rows on average. Every customer has at least one order; order counts are
// heavy-tailed (gamma-mixed geometric), each customer is active for an exponential lifetime, and
// amounts are lognormal around a per-customer mean. Rows come out in random order (as from an
// unsorted export) without holding them in memory: a Fenwick tree over the customers' remaining
// order counts draws a uniformly random remaining order slot for each row.
//
// Output is streamed (respecting backpressure) to a .partial file and renamed when complete; a
// small .meta.json beside it records what was written so reruns can skip finished files.

import { once } from 'node:events';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createRng } from './lib/prng.mjs';

// Bump when the output format or distributions change, so stale files are regenerated.
const VERSION = 1;
const PRESETS = { '1m': 1_000_000, '5m': 5_000_000 };
const ROWS_PER_CUSTOMER = 10;
const START = Date.UTC(2022, 0, 1);
const DAYS = 3 * 365 + 1; // 2022-01-01 .. 2024-12-31
const CHUNK_ROWS = 40_000; // ~1 MB of text per write

function parseArgs(argv) {
  const args = { out: null, rows: null, only: null, seed: 'bench', force: false, chinese: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--force') args.force = true;
    else if (flag === '--chinese') args.chinese = true;
    else if (['--out', '--rows', '--only', '--seed'].includes(flag) && i + 1 < argv.length) {
      args[flag.slice(2)] = argv[++i];
    } else throw new Error(`Unknown or incomplete argument: ${flag}`);
  }
  return args;
}

function label(rows) {
  if (rows % 1_000_000 === 0) return `${rows / 1_000_000}m`;
  if (rows % 1_000 === 0) return `${rows / 1_000}k`;
  return String(rows);
}

/** Per-customer order counts summing to exactly `rows`, plus activity window and spend level. */
function buildCustomers(rng, rows) {
  const count = Math.max(1, Math.round(rows / ROWS_PER_CUSTOMER));
  const orders = new Int32Array(count);
  const firstDay = new Uint16Array(count);
  const activeDays = new Uint16Array(count);
  const logMeanSpend = new Float32Array(count);
  const maxOrders = Math.max(1, Math.floor(rows / 100));
  let total = 0;
  for (let c = 0; c < count; c++) {
    const extra = rng.gamma(0.4, (ROWS_PER_CUSTOMER - 1) / 0.4);
    orders[c] = Math.min(maxOrders, 1 + Math.floor(rng.exponential(1 / Math.max(extra, 1e-6))));
    total += orders[c];
    // Arrivals grow over time (density rises towards the end of the period).
    firstDay[c] = Math.floor(DAYS * Math.pow(rng.uniform(), 0.8));
    const lifetime = Math.round(rng.exponential(1 / 400));
    activeDays[c] = Math.min(DAYS - 1 - firstDay[c], lifetime);
    logMeanSpend[c] = Math.log(rng.lognormal(Math.log(60), 0.6)) - 0.7 ** 2 / 2;
  }
  // Nudge random customers until the total is exact (the draw is only right on average).
  while (total < rows) {
    orders[rng.int(0, count - 1)]++;
    total++;
  }
  while (total > rows) {
    const c = rng.int(0, count - 1);
    if (orders[c] > 1) {
      orders[c]--;
      total--;
    }
  }
  return { count, orders, firstDay, activeDays, logMeanSpend };
}

/** Fenwick (binary indexed) tree over counts: draw-and-decrement a weighted index in O(log n). */
function createSlotTree(counts) {
  const n = counts.length;
  const tree = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    tree[i] += counts[i - 1];
    const parent = i + (i & -i);
    if (parent <= n) tree[parent] += tree[i];
  }
  let top = 1;
  while (top * 2 <= n) top *= 2;
  return function take(r) {
    let pos = 0;
    for (let step = top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= n && tree[next] <= r) {
        pos = next;
        r -= tree[next];
      }
    }
    for (let i = pos + 1; i <= n; i += i & -i) tree[i]--;
    return pos;
  };
}

const pad2 = (n) => (n < 10 ? `0${n}` : String(n));

async function writeFile(file, rows, seed) {
  const rng = createRng(`${seed}/${rows}`);
  const customers = buildCustomers(rng.fork('customers'), rows);
  const { orders, firstDay, activeDays, logMeanSpend } = customers;
  const take = createSlotTree(orders);
  const dates = Array.from({ length: DAYS }, (_, d) =>
    new Date(START + d * 86_400_000).toISOString().slice(0, 10),
  );
  const ids = Array.from(
    { length: customers.count },
    (_, c) => `C${String(c + 1).padStart(6, '0')}`,
  );

  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const rowRng = rng.fork('rows');
  let chunk = 'customer_id,order_date,amount\n';
  for (let written = 0; written < rows; written++) {
    const c = take(Math.floor(rowRng.uniform() * (rows - written)));
    const day = firstDay[c] + Math.floor(rowRng.uniform() * (activeDays[c] + 1));
    const cents = Math.max(50, Math.round(100 * Math.exp(logMeanSpend[c] + 0.7 * rowRng.normal())));
    chunk += `${ids[c]},${dates[day]},${Math.floor(cents / 100)}.${pad2(cents % 100)}\n`;
    if ((written + 1) % CHUNK_ROWS === 0) {
      // Backpressure: let the stream drain instead of buffering the whole file in memory.
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
  renameSync(partial, file);
  return { rows, customers: customers.count, bytes: statSync(file).size };
}

const CITIES = ['上海', '北京', '广州', '深圳', '杭州', '成都', '重庆', '武汉', '南京', '西安'];

/** The same rows with Chinese headers and a city column, as UTF-8 and as GBK (GB18030). */
async function writeChineseVariants(source, seed) {
  const iconv = (await import('iconv-lite')).default;
  const rng = createRng(`${seed}/chinese`);
  const text = readFileSync(source, 'utf8');
  const lines = text.split('\n');
  const out = ['客户ID,下单日期,订单金额,城市'];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]) out.push(`${lines[i]},${CITIES[Math.floor(rng.uniform() * CITIES.length)]}`);
  }
  const zh = out.join('\n') + '\n';
  const base = source.replace(/\.csv$/, '');
  writeFileSync(`${base}-zh.csv`, zh);
  writeFileSync(`${base}-gbk.csv`, iconv.encode(zh, 'gb18030'));
  return [`${base}-zh.csv`, `${base}-gbk.csv`];
}

function metaPath(file) {
  return path.join(path.dirname(file), `.${path.basename(file, '.csv')}.meta.json`);
}

function isComplete(file, rows, seed) {
  if (!existsSync(file) || !existsSync(metaPath(file))) return false;
  try {
    const meta = JSON.parse(readFileSync(metaPath(file), 'utf8'));
    const same = meta.version === VERSION && meta.rows === rows && meta.seed === seed;
    return same && statSync(file).size === meta.bytes;
  } catch {
    return false;
  }
}

async function main(argv) {
  const args = parseArgs(argv);
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = args.out ? path.resolve(args.out) : path.join(repoRoot, 'bench/data');

  let jobs;
  if (args.rows !== null) {
    const rows = Number(args.rows);
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer`);
    jobs = [rows];
  } else if (args.only !== null) {
    if (!(args.only in PRESETS)) throw new Error(`--only must be one of ${Object.keys(PRESETS)}`);
    jobs = [PRESETS[args.only]];
  } else {
    jobs = Object.values(PRESETS);
  }

  mkdirSync(outDir, { recursive: true });
  for (const rows of jobs) {
    const file = path.join(outDir, `orders-${label(rows)}.csv`);
    const shown = path.relative(process.cwd(), file);
    // The Chinese variants follow their source: written when missing, forced, or the source changed.
    const chinese = async (sourceChanged) => {
      if (!args.chinese) return;
      if (!sourceChanged && !args.force && existsSync(file.replace(/\.csv$/, '-gbk.csv'))) return;
      const files = await writeChineseVariants(file, args.seed);
      console.log(
        `bench-data: wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`,
      );
    };
    if (!args.force && isComplete(file, rows, args.seed)) {
      console.log(`bench-data: ${shown} is up to date (${statSync(file).size} bytes)`);
      await chinese(false);
      continue;
    }
    const started = performance.now();
    const result = await writeFile(file, rows, args.seed);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    writeFileSync(
      metaPath(file),
      JSON.stringify({ version: VERSION, seed: args.seed, ...result }) + '\n',
    );
    const mb = (result.bytes / 1e6).toFixed(1);
    console.log(
      `bench-data: wrote ${shown} (${rows} rows, ${result.customers} customers, ${mb} MB) in ${seconds}s`,
    );
    await chinese(true);
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`bench-data: ${error.message}`);
  process.exit(1);
});
