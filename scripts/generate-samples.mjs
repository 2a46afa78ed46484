// Writes the built-in sample order exports to public/samples/ (plus index.json describing them).
//
//   node scripts/generate-samples.mjs          # no-op when outputs match this generator's hash
//   node scripts/generate-samples.mjs --force  # always regenerate
//
// Both files are synthetic but shaped like real exports: customers arrive throughout the period,
// each with a gamma-distributed purchase rate and a chance of churning after every purchase
// (BG/NBD-style), so most buy once or twice and a few buy dozens of times; order values are
// lognormal around a per-customer mean; festivals and the Christmas season raise the volume.
//
// Deliberately dirty rows, so the import path has something to report (counts are exact and are
// repeated in index.json as "dirty"):
//   retail-zh.csv (UTF-8 with BOM, CRLF line endings, like an Excel export)
//     emptyCustomerId 40  guest orders with an empty 客户ID
//     refunds         15  negative 实付金额 (order id RF…) refunding an earlier order of the same customer
//     badDate          5  unparsable 下单时间 ('2024-13-45 10:23:00', '未知', …)
//     badAmount        5  unparsable 实付金额 ('N/A', '待定', …)
//   online-retail-en.csv (UTF-8 without BOM, LF line endings, UCI "Online Retail" layout)
//     emptyCustomerId 200  invoice lines without a CustomerID (whole guest invoices)
//     cancellations    30  lines of C-prefixed invoices with negative Quantity
//     badDate           3  unparsable InvoiceDate

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRng } from './lib/prng.mjs';

const DAY_MS = 86_400_000;
const MAX_TOTAL_BYTES = 5_000_000;

export const SAMPLES = [
  {
    name: 'retail-zh',
    file: 'retail-zh.csv',
    title_en: 'Chinese online retailer — orders 2023-01 to 2025-06',
    title_zh: '国内电商零售订单（2023-01 至 2025-06）',
    seed: 'retail-zh/v1',
    dirty: { emptyCustomerId: 40, refunds: 15, badDate: 5, badAmount: 5 },
  },
  {
    name: 'online-retail-en',
    file: 'online-retail-en.csv',
    title_en: 'UK online gift retailer — invoice lines 2010-12 to 2012-11',
    title_zh: '英国在线礼品零售商发票明细（2010-12 至 2012-11）',
    seed: 'online-retail-en/v1',
    dirty: { emptyCustomerId: 200, cancellations: 30, badDate: 3 },
  },
];

/** Returns the CSV text of a sample (the zh sample starts with a BOM character). */
export function generateSample(name, seed) {
  const sample = SAMPLES.find((s) => s.name === name);
  if (!sample) throw new Error(`Unknown sample "${name}"`);
  const rng = createRng(seed ?? sample.seed);
  return name === 'retail-zh' ? retailZh(rng, sample.dirty) : onlineRetailEn(rng, sample.dirty);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const pad = (n, width = 2) => String(n).padStart(width, '0');

function csvField(value) {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const csvLine = (fields) => fields.map(csvField).join(',');

/** Cents as a fixed two-decimal string, without floating-point surprises. */
function formatCents(cents) {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${pad(abs % 100)}`;
}

/**
 * One customer's purchase days (fractional days since the period start). After the first
 * purchase the customer churns with probability `dropout`; otherwise the next purchase follows
 * a Poisson process at `ratePerDay`, thinned by the day's seasonal intensity.
 */
function purchaseDays(rng, { arrival, ratePerDay, dropout, intensity, peak, maxOrders }) {
  const days = [arrival];
  let t = arrival;
  while (days.length < maxOrders && !rng.bernoulli(dropout)) {
    do t += rng.exponential(ratePerDay * peak);
    while (t < intensity.length && rng.uniform() * peak > intensity[Math.floor(t)]);
    if (t >= intensity.length) break;
    days.push(t);
  }
  return days;
}

/** Per-day seasonal intensity over [start, end) plus a picker of arrival days weighted by it. */
function seasonality(rng, start, end, multiplier, growth) {
  const days = Math.round((end - start) / DAY_MS);
  const intensity = new Float64Array(days);
  for (let d = 0; d < days; d++) intensity[d] = multiplier(new Date(start + d * DAY_MS));
  const peak = Math.max(...intensity);
  const indices = Array.from(intensity, (_, d) => d);
  const pickArrivalDay = rng.weightedPicker(
    indices,
    indices.map((d) => intensity[d] * (1 + (growth * d) / days)),
  );
  return { days, intensity, peak, pickArrivalDay };
}

/** `count` distinct random items that pass `accept`. */
function distinctSample(rng, items, count, accept = () => true) {
  const chosen = new Set();
  while (chosen.size < count) {
    const item = rng.pick(items);
    if (accept(item)) chosen.add(item);
  }
  return [...chosen];
}

// ---------------------------------------------------------------------------------------------
// retail-zh: one row per order

const ZH_START = Date.UTC(2023, 0, 1);
const ZH_END = Date.UTC(2025, 6, 1);
const ZH_CUSTOMERS = 21_000;
const ZH_HEADER = ['订单编号', '客户ID', '下单时间', '实付金额', '城市', '渠道', '年龄', '性别'];

// Relative weights; first-tier cities dominate online orders.
const ZH_CITIES = {
  上海: 14,
  北京: 13,
  广州: 10,
  深圳: 10,
  杭州: 9,
  成都: 9,
  武汉: 7,
  南京: 7,
  重庆: 7,
  西安: 5,
  苏州: 5,
  天津: 4,
};
const ZH_CHANNELS = { 天猫: 32, 京东: 24, 小程序: 18, 门店: 14, 抖音: 12 };
// Online shoppers peak late morning and late evening; stores only trade 10:00–21:59.
const ZH_ONLINE_HOURS = [
  3, 1.5, 0.8, 0.4, 0.3, 0.3, 0.6, 1.5, 3, 5, 6.5, 6, 5, 5, 5.5, 5.5, 5, 5, 5.5, 6.5, 8, 8.5, 7.5,
  5,
];
const ZH_STORE_HOURS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 6, 7, 6, 6, 6, 6, 6, 7, 8, 7, 4, 0, 0];
// Spring Festival (first day); shoppers and couriers are away around it.
const ZH_NEW_YEAR = [Date.UTC(2023, 0, 22), Date.UTC(2024, 1, 10), Date.UTC(2025, 0, 29)];

function zhDayMultiplier(date) {
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  const nearNewYear = ZH_NEW_YEAR.some((d) => date - d >= -5 * DAY_MS && date - d <= 7 * DAY_MS);
  let m = date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 1.1 : 1;
  if (nearNewYear) m *= 0.45;
  // 618 and 双11 each have a run-up of promotions before the big day; 双12 is a smaller echo.
  if (month === 6 && day === 18) m *= 4;
  else if (month === 6 && day < 18) m *= 1.35;
  if (month === 11 && day === 11) m *= 6;
  else if ((month === 10 && day >= 24) || (month === 11 && day < 11)) m *= 1.4;
  if (month === 12 && day === 12) m *= 2;
  return m;
}

function formatZhTime(ms) {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const ymd = (ms) => formatZhTime(ms).slice(0, 10).replaceAll('-', '');

function retailZh(rng, dirty) {
  const season = seasonality(rng.fork('season'), ZH_START, ZH_END, zhDayMultiplier, 0.3);
  const customerRng = rng.fork('customers');
  const orderRng = rng.fork('orders');
  const pickCity = customerRng.weightedPicker(Object.keys(ZH_CITIES), Object.values(ZH_CITIES));
  const pickChannel = customerRng.weightedPicker(
    Object.keys(ZH_CHANNELS),
    Object.values(ZH_CHANNELS),
  );
  const hourIndex = ZH_ONLINE_HOURS.map((_, h) => h);
  const pickOnlineHour = orderRng.weightedPicker(hourIndex, ZH_ONLINE_HOURS);
  const pickStoreHour = orderRng.weightedPicker(hourIndex, ZH_STORE_HOURS);

  function newCustomer(id) {
    let age;
    do age = Math.round(customerRng.normal(33, 10));
    while (age < 18 || age > 70);
    return {
      id,
      city: pickCity(),
      channel: pickChannel(),
      age,
      gender: customerRng.bernoulli(0.6) ? '女' : '男',
      meanSpend: customerRng.lognormal(Math.log(160), 0.55),
    };
  }

  /** A moment on day `dayFloat`, with a time of day that suits the channel and the festival. */
  function orderTime(dayFloat, channel) {
    const dayStart = ZH_START + Math.floor(dayFloat) * DAY_MS;
    const date = new Date(dayStart);
    const singlesDay = date.getUTCMonth() === 10 && date.getUTCDate() === 11;
    let hour = channel === '门店' ? pickStoreHour() : pickOnlineHour();
    if (singlesDay && channel !== '门店' && orderRng.bernoulli(0.35)) hour = 0; // the midnight rush
    return dayStart + hour * 3_600_000 + orderRng.int(0, 3_599) * 1000;
  }

  function orderCents(customer, ms) {
    const date = new Date(ms);
    const festival = zhDayMultiplier(date) >= 4 ? 1.2 : 1; // bigger baskets on 618 / 双11
    const sigma = 0.6;
    const value = orderRng.lognormal(
      Math.log(customer.meanSpend * festival) - sigma ** 2 / 2,
      sigma,
    );
    return Math.max(100, Math.round(value * 100));
  }

  // Ids follow sign-up order, as a real shop's sequential customer numbers would.
  const arrivals = Array.from({ length: ZH_CUSTOMERS }, () => season.pickArrivalDay());
  arrivals.sort((a, b) => a - b);

  const rows = [];
  arrivals.forEach((arrivalDay, i) => {
    const customer = newCustomer(`C${pad(i + 1, 6)}`);
    const days = purchaseDays(orderRng, {
      arrival: arrivalDay,
      ratePerDay: orderRng.gamma(0.5, 2.5 / 0.5) / 365,
      dropout: orderRng.beta(1.1, 2),
      intensity: season.intensity,
      peak: season.peak,
      maxOrders: 120,
    });
    for (const day of days) {
      const ms = orderTime(day, customer.channel);
      rows.push({ ms, prefix: 'SO', customer, cents: orderCents(customer, ms) });
    }
  });

  const dirtyRng = rng.fork('dirty');
  const customerOrders = rows.slice();
  const extra = [];

  // Guests check out without an account; give them plausible attributes but no id.
  for (let i = 0; i < dirty.emptyCustomerId; i++) {
    const guest = { ...newCustomer(''), channel: dirtyRng.pick(['天猫', '京东', '抖音']) };
    const ms = orderTime(season.pickArrivalDay() + 0.5, guest.channel);
    extra.push({ ms, prefix: 'SO', customer: guest, cents: orderCents(guest, ms) });
  }

  const refunded = distinctSample(
    dirtyRng,
    customerOrders,
    dirty.refunds,
    (order) => order.ms + 15 * DAY_MS < ZH_END,
  );
  for (const order of refunded) {
    // Refunds are processed by staff, so during office hours a few days after the order.
    const day = Math.floor((order.ms - ZH_START) / DAY_MS) + dirtyRng.int(1, 14);
    const ms = ZH_START + day * DAY_MS + dirtyRng.int(9 * 3_600, 19 * 3_600) * 1000;
    const share = dirtyRng.bernoulli(0.7) ? 1 : dirtyRng.between(0.2, 0.8);
    extra.push({ ...order, ms, prefix: 'RF', cents: -Math.round(order.cents * share) });
  }

  // Broken values sit on otherwise ordinary extra orders of existing customers.
  const badDates = [
    '2024-13-45 10:23:00',
    '未知',
    '0000-00-00 00:00:00',
    '2023-02-30 25:61:00',
    '####',
  ];
  const badAmounts = ['N/A', '待定', '#VALUE!', '—', '12.3.4'];
  if (badDates.length !== dirty.badDate || badAmounts.length !== dirty.badAmount) {
    throw new Error('retail-zh: dirty counts and broken value lists disagree');
  }
  const donors = distinctSample(dirtyRng, customerOrders, dirty.badDate + dirty.badAmount);
  donors.forEach((order, i) => {
    const ms = Math.min(order.ms + dirtyRng.int(1, 7_200) * 1000, ZH_END - 1000);
    const row = { ...order, ms };
    if (i < badDates.length) row.timeText = badDates[i];
    else row.centsText = badAmounts[i - badDates.length];
    extra.push(row);
  });

  const all = rows.concat(extra).sort((a, b) => a.ms - b.ms);
  const sequence = new Map();
  const lines = [csvLine(ZH_HEADER)];
  for (const row of all) {
    const key = row.prefix + ymd(row.ms);
    const n = (sequence.get(key) ?? 0) + 1;
    sequence.set(key, n);
    const { customer } = row;
    lines.push(
      csvLine([
        key + pad(n, 5),
        customer.id,
        row.timeText ?? formatZhTime(row.ms),
        row.centsText ?? formatCents(row.cents),
        customer.city,
        customer.channel,
        customer.age,
        customer.gender,
      ]),
    );
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------
// online-retail-en: one row per invoice line, UCI "Online Retail" layout

const EN_START = Date.UTC(2010, 11, 1);
const EN_END = Date.UTC(2012, 11, 1);
const EN_CUSTOMERS = 4_000;
const EN_FIRST_CUSTOMER_ID = 12_346;
const EN_FIRST_INVOICE = 536_365;
const EN_HEADER = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];

// [StockCode, Description, UnitPrice in pence, popularity]
const EN_PRODUCTS = [
  ['85123A', 'WHITE HANGING HEART T-LIGHT HOLDER', 255, 10],
  ['71053', 'WHITE METAL LANTERN', 339, 4],
  ['84406B', 'CREAM CUPID HEARTS COAT HANGER', 275, 3],
  ['84029G', 'KNITTED UNION FLAG HOT WATER BOTTLE', 339, 4],
  ['84029E', 'RED WOOLLY HOTTIE WHITE HEART.', 339, 4],
  ['22752', 'SET 7 BABUSHKA NESTING BOXES', 765, 3],
  ['21730', 'GLASS STAR FROSTED T-LIGHT HOLDER', 425, 3],
  ['22633', 'HAND WARMER UNION JACK', 185, 5],
  ['22632', 'HAND WARMER RED POLKA DOT', 185, 4],
  ['84879', 'ASSORTED COLOUR BIRD ORNAMENT', 169, 8],
  ['22745', "POPPY'S PLAYHOUSE BEDROOM", 210, 3],
  ['22748', "POPPY'S PLAYHOUSE KITCHEN", 210, 3],
  ['22749', 'FELTCRAFT PRINCESS CHARLOTTE DOLL', 375, 3],
  ['22310', 'IVORY KNITTED MUG COSY', 165, 3],
  ['84969', 'BOX OF 6 ASSORTED COLOUR TEASPOONS', 425, 2],
  ['22623', 'BOX OF VINTAGE JIGSAW BLOCKS', 495, 4],
  ['22622', 'BOX OF VINTAGE ALPHABET BLOCKS', 995, 3],
  ['21754', 'HOME BUILDING BLOCK WORD', 595, 3],
  ['21755', 'LOVE BUILDING BLOCK WORD', 595, 3],
  ['21777', 'RECIPE BOX WITH METAL HEART', 795, 2],
  ['48187', 'DOORMAT NEW ENGLAND', 795, 3],
  ['22960', 'JAM MAKING SET WITH JARS', 425, 5],
  ['22913', 'RED COAT RACK PARIS FASHION', 495, 2],
  ['22423', 'REGENCY CAKESTAND 3 TIER', 1275, 8],
  ['47566', 'PARTY BUNTING', 495, 7],
  ['85099B', 'JUMBO BAG RED RETROSPOT', 195, 9],
  ['20725', 'LUNCH BAG RED RETROSPOT', 165, 7],
  ['84077', 'WORLD WAR 2 GLIDERS ASSTD DESIGNS', 29, 4],
  ['22197', 'SMALL POPCORN HOLDER', 85, 5],
  ['21212', 'PACK OF 72 RETROSPOT CAKE CASES', 55, 7],
  ['23084', 'RABBIT NIGHT LIGHT', 208, 5],
  ['22086', "PAPER CHAIN KIT 50'S CHRISTMAS", 295, 6],
  ['22720', 'SET OF 3 CAKE TINS, PANTRY DESIGN', 495, 5],
  ['22727', 'ALARM CLOCK BAKELIKE RED', 375, 4],
  ['22386', 'JUMBO BAG PINK POLKADOT', 195, 5],
  ['20727', 'LUNCH BAG  BLACK SKULL.', 165, 4],
];
const EN_POSTAGE = ['POST', 'POSTAGE', 1800];

const EN_COUNTRIES = [
  ['United Kingdom', 880],
  ['Germany', 25],
  ['France', 22],
  ['Spain', 8],
  ['Belgium', 7],
  ['Switzerland', 6],
  ['Portugal', 6],
  ['Italy', 4],
  ['EIRE', 3],
  ['Netherlands', 3],
  ['Norway', 3],
  ['Australia', 3],
  ['Finland', 3],
  ['Channel Islands', 2],
  ['Sweden', 2],
  ['Denmark', 2],
  ['Japan', 2],
  ['Austria', 2],
];
const EN_QUANTITIES = [1, 2, 3, 4, 6, 8, 10, 12, 24, 48];
const EN_QUANTITY_WEIGHTS = [10, 12, 6, 6, 12, 4, 4, 14, 6, 2];
// Office hours, busiest around midday.
const EN_HOURS = [
  0, 0, 0, 0, 0, 0, 0, 1, 5, 10, 14, 15, 16, 14, 12, 10, 6, 3, 1, 0.5, 0.3, 0, 0, 0,
];

function enDayMultiplier(date) {
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  // The shop never ships on Saturdays and closes over Christmas, like the UCI data.
  if (date.getUTCDay() === 6) return 0;
  if ((month === 12 && day >= 23) || (month === 1 && day <= 3)) return 0;
  if (month >= 9 && month <= 11) return 1 + (month - 8) * 0.3; // Christmas stock-up
  if (month === 12) return 1.2;
  return 1;
}

/** UCI style: M/D/YYYY H:MM without zero padding on month, day or hour. */
function formatEnTime(ms) {
  const d = new Date(ms);
  const date = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
  return `${date} ${d.getUTCHours()}:${pad(d.getUTCMinutes())}`;
}

/** Excel-exported prices drop trailing zeros: 2.1, 18, 0.29. */
const formatPrice = (pence) => String(pence / 100);

function onlineRetailEn(rng, dirty) {
  const season = seasonality(rng.fork('season'), EN_START, EN_END, enDayMultiplier, 0.2);
  const customerRng = rng.fork('customers');
  const orderRng = rng.fork('orders');
  const pickCountry = customerRng.weightedPicker(
    EN_COUNTRIES.map(([c]) => c),
    EN_COUNTRIES.map(([, w]) => w),
  );
  const pickProduct = orderRng.weightedPicker(
    EN_PRODUCTS,
    EN_PRODUCTS.map((p) => p[3]),
  );
  const pickQuantity = orderRng.weightedPicker(EN_QUANTITIES, EN_QUANTITY_WEIGHTS);
  const pickHour = orderRng.weightedPicker(
    EN_HOURS.map((_, h) => h),
    EN_HOURS,
  );

  function invoiceTime(dayFloat) {
    const dayStart = EN_START + Math.floor(dayFloat) * DAY_MS;
    return dayStart + pickHour() * 3_600_000 + orderRng.int(0, 59) * 60_000;
  }

  /** Distinct products; bulk quantities get the cheaper wholesale price, as in the real data. */
  function invoiceLines(customer, count) {
    const products = new Set();
    while (products.size < Math.min(count, EN_PRODUCTS.length)) products.add(pickProduct());
    const lines = [...products].map(([code, description, pence]) => {
      const quantity = pickQuantity() * customer.packs;
      const price = quantity >= 24 ? Math.round(pence * 0.85) : pence;
      return { code, description, quantity, price };
    });
    if (customer.country !== 'United Kingdom' && orderRng.bernoulli(0.7)) {
      const [code, description, price] = EN_POSTAGE;
      lines.push({ code, description, quantity: orderRng.int(1, 3), price });
    }
    return lines;
  }

  // Ids are not in sign-up order in the UCI data, so hand them out shuffled.
  const ids = customerRng.shuffle(
    Array.from({ length: EN_CUSTOMERS }, (_, i) => EN_FIRST_CUSTOMER_ID + i),
  );
  const invoices = [];
  ids.forEach((id) => {
    const customer = {
      id: String(id),
      country: pickCountry(),
      packs: customerRng.geometric(0.75), // wholesalers order several packs at a time
      linesPerInvoice: 1 + customerRng.lognormal(Math.log(1.3), 0.5),
    };
    const days = purchaseDays(orderRng, {
      arrival: season.pickArrivalDay() + 0.5,
      ratePerDay: orderRng.gamma(0.6, 2.5 / 0.6) / 365,
      dropout: orderRng.beta(1.2, 3),
      intensity: season.intensity,
      peak: season.peak,
      maxOrders: 80,
    });
    for (const day of days) {
      const count = 1 + Math.floor(orderRng.exponential(1 / (customer.linesPerInvoice - 1)));
      invoices.push({ ms: invoiceTime(day), customer, lines: invoiceLines(customer, count) });
    }
  });

  const dirtyRng = rng.fork('dirty');
  const customerInvoices = invoices.slice();
  const extra = [];

  // Guest invoices tend to be large; trim the last one so the line count is exact.
  const guest = { id: '', country: 'United Kingdom', packs: 1 };
  for (let remaining = dirty.emptyCustomerId; remaining > 0;) {
    const lines = invoiceLines(guest, dirtyRng.int(5, 25)).slice(0, remaining);
    extra.push({ ms: invoiceTime(season.pickArrivalDay() + 0.5), customer: guest, lines });
    remaining -= lines.length;
  }

  // A cancellation gets its own C-prefixed invoice number, a little after the original.
  const cancelled = distinctSample(
    dirtyRng,
    customerInvoices,
    dirty.cancellations,
    (invoice) => invoice.ms + 31 * DAY_MS < EN_END,
  );
  for (const invoice of cancelled) {
    const line = dirtyRng.pick(invoice.lines);
    const quantity = dirtyRng.bernoulli(0.7) ? line.quantity : dirtyRng.int(1, line.quantity);
    let day;
    do day = Math.floor((invoice.ms - EN_START) / DAY_MS) + dirtyRng.int(1, 30);
    while (season.intensity[day] === 0); // only on trading days
    extra.push({
      ms: invoiceTime(day),
      customer: invoice.customer,
      lines: [{ ...line, quantity: -quantity }],
      cancellation: true,
    });
  }

  const badDates = ['13/45/2011 8:26', '00/00/0000 0:00', '#VALUE!'];
  if (badDates.length !== dirty.badDate) throw new Error('online-retail-en: bad date count');
  distinctSample(dirtyRng, customerInvoices, dirty.badDate).forEach((invoice, i) => {
    const line = dirtyRng.pick(invoice.lines);
    const ms = invoice.ms + dirtyRng.int(1, 600) * 60_000;
    extra.push({ ms, customer: invoice.customer, lines: [line], timeText: badDates[i] });
  });

  const all = invoices.concat(extra).sort((a, b) => a.ms - b.ms);
  const out = [csvLine(EN_HEADER)];
  all.forEach((invoice, i) => {
    const number = `${invoice.cancellation ? 'C' : ''}${EN_FIRST_INVOICE + i}`;
    const time = invoice.timeText ?? formatEnTime(invoice.ms);
    const { id, country } = invoice.customer;
    for (const { code, description, quantity, price } of invoice.lines) {
      out.push(
        csvLine([number, code, description, quantity, time, formatPrice(price), id, country]),
      );
    }
  });
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// CLI

const scriptsDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(scriptsDir, '../public/samples');
const versionFile = path.join(outDir, '.generator-version');

/** Any edit to this file or the PRNG changes the hash, which invalidates the cached output. */
function generatorVersion() {
  const hash = createHash('sha256');
  for (const file of ['generate-samples.mjs', 'lib/prng.mjs']) {
    hash.update(readFileSync(path.join(scriptsDir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

function isUpToDate(version) {
  const files = [
    versionFile,
    path.join(outDir, 'index.json'),
    ...SAMPLES.map((s) => path.join(outDir, s.file)),
  ];
  return files.every((f) => existsSync(f)) && readFileSync(versionFile, 'utf8').trim() === version;
}

const formatSize = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

/** Writes the samples to public/samples unless they are current (`--force` rewrites them). */
export function generateSamples(argv = []) {
  const version = generatorVersion();
  if (!argv.includes('--force') && isUpToDate(version)) {
    console.log(
      `samples: up to date in ${path.relative(process.cwd(), outDir) || '.'} (${version})`,
    );
    return;
  }
  const outputs = SAMPLES.map((sample) => ({
    sample,
    buffer: Buffer.from(generateSample(sample.name), 'utf8'),
  }));
  // The samples ship with the app, so keep them small enough to download and import quickly.
  const total = outputs.reduce((sum, { buffer }) => sum + buffer.length, 0);
  if (total > MAX_TOTAL_BYTES) throw new Error(`samples total ${formatSize(total)} exceeds 5 MB`);

  mkdirSync(outDir, { recursive: true });
  const index = [];
  for (const { sample, buffer } of outputs) {
    const file = path.join(outDir, sample.file);
    writeFileSync(file, buffer);
    const rows = buffer.toString('utf8').trimEnd().split('\n').length - 1;
    const { name, title_en, title_zh, dirty } = sample;
    index.push({ name, file: sample.file, title_en, title_zh, rows, bytes: buffer.length, dirty });
    const where = path.relative(process.cwd(), file);
    console.log(`samples: wrote ${where} (${formatSize(buffer.length)}, ${rows} rows)`);
  }
  writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  writeFileSync(versionFile, version + '\n');
  console.log(`samples: wrote index.json; total ${formatSize(total)} (${version})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  generateSamples(process.argv.slice(2));
}
