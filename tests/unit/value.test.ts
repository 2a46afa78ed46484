import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/analysis/policy';
import { EngineError } from '../../src/engine/errors';
import { DEFAULT_VALUE_OPTIONS, type ValueOptions } from '../../src/engine/types';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8 } from './helpers/engine';
import { sharedPath } from './helpers/shared';
import { expectValueIdentity } from './helpers/valueIdentity';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

async function analysed(csv: string, asOf: string | null = null) {
  const loaded = await engine.loadCsv(utf8(csv), 'orders.csv');
  const result = await engine.analyse(loaded.datasetId, loaded.guess, {
    asOf,
    scheme: 'rfm11',
    // Exact duplicates are real repeat purchases in these logs.
    policy: { ...DEFAULT_POLICY, removeDuplicates: false },
  });
  return result.datasetId;
}

function exportRows(bytes: Uint8Array): Record<string, string>[] {
  const [header, ...lines] = new TextDecoder().decode(bytes.subarray(3)).trim().split('\n');
  const names = (header as string).split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

const cdnow = sharedPath('datasets/cdnow/CDNOW_sample.txt');

describe.runIf(cdnow !== null)('customer value on CDNOW (SQL summary, fits, export)', () => {
  const weeks: ValueOptions = { ...DEFAULT_VALUE_OPTIONS, unit: 'weeks' };
  let datasetId: number;
  /** Customers whose calibration purchases were all $0: ValueMap does not count those as purchases. */
  let freeOnly: number;
  beforeAll(async () => {
    const rows = readFileSync(cdnow!, 'utf8')
      .trim()
      .split(/\r?\n/)
      .map((l) => l.trim().split(/\s+/))
      .map(([id, , day, , dollars]) => ({ id: id!, day: day!, dollars: Number(dollars) }));
    const calibration = rows.filter((r) => r.day <= '19970930');
    const paid = new Set(calibration.filter((r) => r.dollars > 0).map((r) => r.id));
    freeOnly = new Set(calibration.filter((r) => !paid.has(r.id)).map((r) => r.id)).size;
    const csv = [
      'customer_id,order_date,amount',
      ...rows.map((r) => `${r.id},${r.day},${r.dollars}`),
    ].join('\n');
    // Calibration through 1997-09-30: the as-of date is the day after.
    datasetId = await analysed(csv, '1997-10-01');
  }, 60_000);

  it('fits the three models close to the published estimates and picks BG/NBD', async () => {
    const value = await engine.value(datasetId, weeks);
    const fit = (m: string) => value.fits.find((f) => f.model === m)!;
    // The published fits count 8 free ($0) transactions as purchases; ValueMap does not, which
    // leaves out the customers whose only purchases were free (src/models tests reproduce the
    // published figures exactly from the raw log). The estimates move by under 1%.
    expect(freeOnly).toBeGreaterThan(0);
    expect(fit('bgnbd').n).toBe(2357 - freeOnly);
    const near = (got: number | undefined, published: number) =>
      expect(Math.abs(got! / published - 1)).toBeLessThan(0.01);
    const bg = fit('bgnbd').params;
    near(bg.r, 0.243);
    near(bg.alpha, 4.414);
    near(bg.a, 0.793);
    near(bg.b, 2.426);
    const pn = fit('paretonbd').params;
    near(pn.r, 0.553);
    near(pn.alpha, 10.578);
    near(pn.s, 0.606);
    near(pn.beta, 11.669);
    const gg = fit('gammagamma');
    expect(gg.n).toBe(946);
    near(gg.params.p, 6.25);
    near(gg.params.q, 3.74);
    near(gg.params.gamma, 15.44);
    for (const f of value.fits) expect(f.converged).toBe(true);
    expect(value.method).toBe('model');
    expect(value.purchaseModel).toBe('bgnbd');
    expect(value.spendModel).toBe(true);
    const scores = Object.fromEntries(value.scores.map((s) => [s.model, s]));
    expect(scores.bgnbd!.bic).toBeLessThan(scores.paretonbd!.bic);
    expect(value.problems).toEqual([]);
  });

  it('values every customer: tiers by total value, classes, and the export columns', async () => {
    const value = await engine.value(datasetId, weeks);
    const n = 2357 - freeOnly;
    const high = Math.ceil(n * 0.2);
    const mid = Math.ceil(n * 0.5) - high;
    const tiers = Object.fromEntries(value.groups.value_tier.map((g) => [g.group, g.customers]));
    expect(tiers).toEqual({ high, mid, low: n - high - mid });
    const top = value.groups.value_tier.find((g) => g.group === 'high')!;
    expect(top.valueShare).toBeGreaterThan(0.5);
    expect(value.totals.total).toBeCloseTo(
      value.totals.historical + (value.totals.predicted ?? NaN),
      6,
    );
    const oneTime = value.groups.behaviour.find((g) => g.group === 'one_time')!;
    expect(oneTime.customers).toBe(n - 946);
    expect(value.facts.repeatRate).toBeCloseTo(946 / n, 6);
    // The Pareto curve agrees with the "top 20% bring Y%" figure, and value is concentrated.
    expect(value.lorenz).toHaveLength(100);
    expect(value.lorenz[19]!.share).toBeCloseTo(value.facts.topShareRevenue!, 9);
    expect(value.lorenz[99]!.share).toBeCloseTo(1, 9);
    expect(value.gini).toBeGreaterThan(0.5);
    expect(value.gini).toBeLessThan(1);

    const bytes = await engine.exportCustomers(datasetId, { scheme: 'rfm11', locale: 'en' });
    const rows = exportRows(bytes);
    expect(rows).toHaveLength(n);
    for (const c of [
      'clv_historical',
      'value_current',
      'clv_predicted',
      'p_alive',
      'expected_purchases',
      'expected_avg_spend',
      'value_tier',
    ])
      expect(rows[0]).toHaveProperty(c);
    for (const r of rows) {
      expect(Number(r.p_alive)).toBeGreaterThanOrEqual(0);
      expect(Number(r.p_alive)).toBeLessThanOrEqual(1);
      expect(Number(r.clv_predicted)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe.runIf(cdnow !== null)('calibration/holdout on CDNOW (39 + 39 weeks)', () => {
  it("fits before the split and tracks the holdout within the published model's error", async () => {
    const rows = readFileSync(cdnow!, 'utf8')
      .trim()
      .split(/\r?\n/)
      .map((l) => l.trim().split(/\s+/));
    const csv = ['customer_id,order_date,amount', ...rows.map((r) => `${r[0]},${r[2]},${r[4]}`)];
    const id = await analysed(csv.join('\n'));
    const result = await engine.holdout(id, {
      splitDate: '1997-10-01',
      unit: 'weeks',
      purchaseModel: 'bgnbd',
    });
    expect(result.end).toBe('1998-07-01');
    expect(result.model.model).toBe('bgnbd');
    expect(result.customers).toBeGreaterThan(2340);
    // BG/NBD under-predicts CDNOW's second 39 weeks by about 12% (BTYD's CDNOW walk-through).
    expect(result.errors.aggregatePercentError!).toBeGreaterThan(-16);
    expect(result.errors.aggregatePercentError!).toBeLessThan(-8);
    expect(result.errors.correlation!).toBeGreaterThan(0.5);
    const bins = result.bins.map((b) => b.customers);
    expect(bins.reduce((a, b) => a + b, 0)).toBe(result.customers);
    // The tracking curve runs from the first purchases through the 39 holdout weeks.
    const last = result.tracking.at(-1)!;
    expect(last.endOffset).toBe(273);
    expect(Math.abs(last.cumulativeExpected / last.cumulativeActual - 1)).toBeLessThan(0.08);
  });

  it('refuses a split too close to either end of the data', async () => {
    const id = await analysed(
      'customer_id,order_date,amount\na,2024-01-01,10\na,2024-03-01,10\nb,2024-02-01,5\n',
    );
    const error = await engine
      .holdout(id, { splitDate: '2024-02-25', unit: 'weeks', purchaseModel: 'auto' })
      .catch((e: unknown) => e);
    expect((error as EngineError).code).toBe('invalid_split');
    expect((error as EngineError).details).toMatchObject({
      first: '2024-01-01',
      last: '2024-03-02',
    });
  });
});

describe('customer value when the data cannot support a model', () => {
  it('predicts nothing on too short a history, and says what is missing', async () => {
    const csv = [
      'customer_id,order_date,amount',
      'a,2024-01-01,100',
      'a,2024-02-01,50',
      'b,2024-01-15,80',
      'c,2024-02-10,30',
      'd,2024-02-20,60',
    ].join('\n');
    const id = await analysed(csv);
    const value = await engine.value(id, DEFAULT_VALUE_OPTIONS);
    expect(value.method).toBe('none');
    expect(value.purchaseModel).toBeNull();
    // 50 days of data; a's purchases were 31 days apart, so predictions need 4 × 31 = 124 days.
    expect(value.problems).toEqual([
      { reason: 'too_few_customers', have: 4, need: 50 },
      { reason: 'too_few_repeat_customers', have: 1, need: 20 },
      { reason: 'history_too_short', haveDays: 50, needDays: 124 },
    ]);
    expect(value.totals.historical).toBeCloseTo(320, 6);
    expect(value.totals.predicted).toBeNull();
    expect(value.totals.total).toBeCloseTo(320, 6);
    const rows = exportRows(await engine.exportCustomers(id, { scheme: 'rfm11', locale: 'en' }));
    expect(rows.find((r) => r.customer_id === 'a')).toMatchObject({
      clv_historical: '150.0',
      clv_predicted: '',
      clv_total: '150.0',
      expected_purchases: '',
      expected_avg_spend: '',
      p_alive: '',
    });
    // Tiers rank lifetime value, which is historical value alone here.
    expect(Object.fromEntries(value.groups.value_tier.map((g) => [g.group, g.customers]))).toEqual({
      high: 1,
      mid: 1,
      low: 2,
    });
  });

  it('falls back to the labelled heuristic, each customer valued at their own order value', async () => {
    // Eight months, a few customers: too few for a model, long enough to extrapolate a rate.
    const csv = [
      'customer_id,order_date,amount',
      'a,2024-01-01,100',
      'a,2024-02-01,50',
      'b,2024-01-15,80',
      'c,2024-02-10,30',
      'd,2024-02-20,60',
      'e,2024-08-20,10',
    ].join('\n');
    const id = await analysed(csv);
    const value = await engine.value(id, DEFAULT_VALUE_OPTIONS);
    expect(value.method).toBe('heuristic');
    expect(value.problems.map((p) => p.reason)).toEqual([
      'too_few_customers',
      'too_few_repeat_customers',
    ]);
    const rows = exportRows(await engine.exportCustomers(id, { scheme: 'rfm11', locale: 'en' }));
    // One-time buyers are no longer all given one population value: each spends what they did.
    const spend = Object.fromEntries(rows.map((r) => [r.customer_id, r.expected_avg_spend]));
    expect(spend).toEqual({ a: '75.0', b: '80.0', c: '30.0', d: '60.0', e: '10.0' });
    expectValueIdentity(rows, { ...DEFAULT_VALUE_OPTIONS, margin: value.margin.value });
    expect(rows.every((r) => r.p_alive === '')).toBe(true);
  });

  it('refuses settings out of range, naming them', async () => {
    const id = await analysed('customer_id,order_date,amount\na,2024-01-01,10\n');
    const error = await engine
      .value(id, { ...DEFAULT_VALUE_OPTIONS, margin: 0, tiers: { high: 0.8, mid: 0.5 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('invalid_value_options');
    expect((error as EngineError).details.problems).toEqual(['margin', 'tiers']);
  });
});
