import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type IngestPolicy } from '../../src/analysis/policy';
import { qualityMetadata, qualityReportCsv } from '../../src/analysis/qualityCsv';
import { EngineError } from '../../src/engine/errors';
import type { AnalysisResult } from '../../src/engine/types';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine } from './helpers/engine';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/generated/${name}`, import.meta.url)));

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

const counts = (result: AnalysisResult) =>
  Object.fromEntries(result.quality.rules.map((r) => [r.rule, r.rows]));

/**
 * scripts/fixtures/policies.mjs, policy-orders.csv: 217 data rows (UCI layout, quantity × price).
 * Under the default policy, as of the default date (2011-03-11):
 *   duplicate_row 7 (70.00)   non_product 9 (5 POST, 2 DOT, M, BANK CHARGES: 128.00)
 *   cancellation_netted 6 (−30.00)   cancelled_order 1 (0.50, the positive line of C550001)
 *   zero_amount 4   return_netted 3 (−15.00)   missing_customer_id 8   invalid_date 2
 *   invalid_amount 2   id_normalised 40 (the 4 lines of each of 13001.0 … 13010.0)
 * Revenue = 1000 (160 lines) + 30 (rows differing only in Country) − 30 − 15 + 48 (March) = 1033;
 * orders = 80 January/February invoices + 6 March invoices = 86; 40 customers.
 */
describe('the policy end to end (policy-orders.csv)', () => {
  it('reports every rule with its known count, amount and effect', async () => {
    const loaded = await engine.loadCsv(fixture('policy-orders.csv'), 'policy-orders.csv');
    expect(loaded.guess).toMatchObject({ orderId: 0, product: 1, quantity: 3, unitPrice: 5 });
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    expect(result.asOf).toBe('2011-03-11');
    expect(result.quality.rowsRead).toBe(217);
    expect(counts(result)).toEqual({
      missing_customer_id: 8,
      invalid_date: 2,
      invalid_amount: 2,
      duplicate_row: 7,
      non_product: 9,
      cancelled_order: 1,
      zero_amount: 4,
      return_netted: 3,
      cancellation_netted: 6,
      id_normalised: 40,
    });
    // Listed in the documented order, each with its effect.
    expect(result.quality.rules.map((r) => [r.rule, r.effect])).toEqual([
      ['missing_customer_id', 'excluded'],
      ['invalid_date', 'excluded'],
      ['invalid_amount', 'excluded'],
      ['duplicate_row', 'excluded'],
      ['non_product', 'excluded'],
      ['cancelled_order', 'excluded'],
      ['zero_amount', 'excluded'],
      ['return_netted', 'netted'],
      ['cancellation_netted', 'netted'],
      ['id_normalised', 'normalised'],
    ]);
    const rule = (key: string) => result.quality.rules.find((r) => r.rule === key);
    expect(rule('duplicate_row')).toMatchObject({ amount: 70, customers: 7, share: 7 / 217 });
    expect(rule('non_product')).toMatchObject({ amount: 128, customers: 9 });
    expect(rule('non_product')?.samples.map((s) => s.productText)).toEqual([
      'POST',
      'POST',
      'POST',
      'POST',
      'POST',
    ]);
    expect(rule('cancellation_netted')).toMatchObject({ amount: -30, customers: 6 });
    expect(rule('cancelled_order')?.samples[0]).toMatchObject({
      orderText: 'C550001',
      amountText: '1 × 0.50',
    });
    expect(rule('return_netted')).toMatchObject({ amount: -15, customers: 3 });
    expect(rule('missing_customer_id')).toMatchObject({ amount: 40, customers: null });
    expect(rule('id_normalised')?.samples[0]?.customerText).toBe('13001.0');
    expect(rule('invalid_amount')).toMatchObject({ amount: null });
    expect(result.summary).toMatchObject({ customers: 40, orders: 86, revenue: 1033 });
  });

  it('counts rows after a chosen as-of date and reuses the typed rows', async () => {
    const loaded = await engine.loadCsv(fixture('policy-orders.csv'), 'policy-orders.csv');
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' });
    const typings = () =>
      engine.statementLog().filter((s) => s.sql.includes(`TABLE tx_${loaded.datasetId}`)).length;
    const before = typings();
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: '2011-03-01',
      scheme: 'rfm11',
    });
    expect(typings()).toBe(before);
    expect(result.quality.rules.find((r) => r.rule === 'after_as_of')).toMatchObject({
      effect: 'after_as_of',
      rows: 12,
      amount: 48,
      customers: null, // not counted: after the as-of date can be most of the file
    });
    expect(result.quality.rules.at(-1)?.rule).toBe('after_as_of');
    expect(result.summary).toMatchObject({ revenue: 985, orders: 80, rowsAfterAsOf: 12 });
    expect(result.defaultAsOf).toBe('2011-03-11');
  });

  it('re-types when the policy changes, and applies the new rules', async () => {
    const loaded = await engine.loadCsv(fixture('policy-orders.csv'), 'policy-orders.csv');
    const analyse = (policy: IngestPolicy) =>
      engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11', policy });
    await analyse(DEFAULT_POLICY);
    const typings = () =>
      engine.statementLog().filter((s) => s.sql.includes(`TABLE tx_${loaded.datasetId}`)).length;
    const before = typings();
    // Returns and cancellations left out: spend is gross (1000 + 30 + 48).
    const gross = await analyse({ ...DEFAULT_POLICY, returns: 'exclude' });
    expect(typings()).toBe(before + 1);
    expect(counts(gross)).toMatchObject({ cancelled_order: 7, return: 3 });
    expect(counts(gross)).not.toHaveProperty('return_netted');
    expect(gross.summary.revenue).toBe(1078);
    // Every rule off: duplicates, postage and zero lines count; C lines are ordinary returns.
    const off = await analyse({
      removeDuplicates: false,
      returns: 'net',
      cancelledOrderPrefix: '',
      excludeZeroAmount: false,
      nonProductCodes: [],
    });
    expect(counts(off)).toEqual({
      missing_customer_id: 8,
      invalid_date: 2,
      invalid_amount: 2,
      return_netted: 9,
      zero_amount_kept: 4,
      id_normalised: 40,
    });
    expect(off.summary.revenue).toBe(1033 + 70 + 128 + 0.5);
    expect(off.quality.policy.nonProductCodes).toEqual([]);
  });

  it('refuses a malformed policy with the problems named', async () => {
    const loaded = await engine.loadCsv(fixture('policy-orders.csv'), 'policy-orders.csv');
    const error = await engine
      .analyse(loaded.datasetId, loaded.guess, {
        asOf: null,
        scheme: 'rfm11',
        policy: { ...DEFAULT_POLICY, cancelledOrderPrefix: 'C'.repeat(30) },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('invalid_policy');
    expect((error as EngineError).details.problems).toEqual(['prefix_too_long']);
  });

  it('writes the report as CSV in the user’s language and its counts as export metadata', async () => {
    const loaded = await engine.loadCsv(fixture('policy-orders.csv'), 'policy-orders.csv');
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    const csv = qualityReportCsv(result.quality, 'zh-CN');
    expect(csv.startsWith('\uFEFFrule_key,规则,影响,行数,占读取行数,金额,客户数,示例 1,')).toBe(
      true,
    );
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + result.quality.rules.length);
    expect(lines.find((l) => l.startsWith('non_product,'))).toMatch(
      /^non_product,非商品行（运费、手续费、调整等）,未使用,9,0\.041475,128,9,第 \d+ 行数据: 13017 · /,
    );
    const meta = qualityMetadata(result.quality);
    expect(meta.rows_read).toBe(217);
    expect(meta.policy).toMatchObject({ remove_duplicates: true, cancelled_order_prefix: 'C' });
    expect(meta.rules.find((r) => r.rule === 'duplicate_row')).toEqual({
      rule: 'duplicate_row',
      effect: 'excluded',
      rows: 7,
      share: Number((7 / 217).toFixed(6)),
      amount: 70,
      customers: 7,
    });
    expect(JSON.parse(JSON.stringify(meta))).toEqual(meta);
  });
});

/**
 * policy-orders-zh.csv: 36 data rows. 商品名称 is guessed as the product column; 运费 ×5 (50.00),
 * 手续费 ×3 (6.00) and 优惠券 ×2 (−10.00) are non-product; 4 exact repeats; 2 refunds (RF…, −99.00
 * each) net. Revenue = 20 × 99 − 2 × 99 = 1782; 20 orders, 20 customers.
 */
describe('the policy on a Chinese export (policy-orders-zh.csv)', () => {
  it('recognises the product column and the Chinese fee lines', async () => {
    const loaded = await engine.loadCsv(fixture('policy-orders-zh.csv'), 'policy-orders-zh.csv');
    expect(loaded.guess).toMatchObject({
      orderId: 0,
      customerId: 1,
      orderDate: 2,
      product: 3,
      amount: 4,
    });
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'cn8',
    });
    expect(counts(result)).toEqual({ duplicate_row: 4, non_product: 10, return_netted: 2 });
    expect(result.quality.rules.find((r) => r.rule === 'non_product')?.amount).toBe(46);
    expect(result.summary).toMatchObject({ customers: 20, orders: 20, revenue: 1782 });
  });

  it('keeps masked ids apart as written and says masking may merge customers', async () => {
    const csv = [
      '会员卡号,日期,金额',
      '*******528,2024-01-03,10',
      '*******528,2024-02-03,12',
      '*******529,2024-01-05,20',
      '138****5678,2024-01-07,30',
      'M001,2024-01-09,40',
    ].join('\n');
    const loaded = await engine.loadCsv(new TextEncoder().encode(csv), 'masked.csv');
    expect(loaded.guess.customerId).toBe(0);
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    expect(result.summary.customers).toBe(4);
    expect(result.quality.rules.find((r) => r.rule === 'id_masked')).toMatchObject({
      effect: 'masked',
      rows: 4,
      customers: 3,
    });
  });
});
