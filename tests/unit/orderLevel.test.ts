import { beforeAll, describe, expect, it } from 'vitest';
import {
  provinceOfAddressExpr,
  refundColumn,
  regionSource,
} from '../../src/analysis/orderLevelSql';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine } from './helpers/engine';

const encode = (s: string) => new TextEncoder().encode(s);

/** A Tmall-like order report: one row per order, no customer column, refunds in their own column. */
const REPORT = [
  '订单编号,总金额,买家实际支付金额,收货地址,订单创建时间,订单付款时间,退款金额',
  'T001,100.00,99.90,浙江省 杭州市 西湖区,2024-03-01 10:00:00,2024-03-01 10:05:00,0',
  'T002,60.00,60.00,上海市浦东新区世纪大道,2024-03-01 11:00:00,2024-03-01 11:01:00,60.00',
  'T003,35.50,35.50,浙江省 宁波市 鄞州区,2024-03-02 09:00:00,2024-03-02 09:02:00,0',
  'T004,80.00,80.00,广西壮族自治区 南宁市,2024-03-03 20:00:00,2024-03-03 20:01:00,0',
  'T005,20.00,20.00,海外 地址,2024-03-03 21:00:00,2024-03-03 21:01:00,0',
  'T006,12.00,12.00,浙江省 杭州市,not a date,,0',
  '',
].join('\n');

describe('order-level columns', () => {
  it('finds a place (a region column before an address) and a refund column by name', () => {
    expect(regionSource(['订单编号', '收货地址', '省份'])).toEqual({ index: 2, address: false });
    expect(regionSource(['订单编号', '收货地址'])).toEqual({ index: 1, address: true });
    expect(regionSource(['order_id', 'State', 'amount'])).toEqual({ index: 1, address: false });
    expect(regionSource(['order_id', 'amount'])).toBeNull();
    expect(refundColumn(['订单编号', '退款金额'])).toBe(1);
    expect(refundColumn(['order', 'Refund Amount'])).toBe(1);
    expect(refundColumn(['order', 'amount'])).toBeNull();
  });
});

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

describe('order-level figures without a customer column', () => {
  it('reads a province from the start of a Chinese address, else none', async () => {
    const rows = await engine.sql.rows<{ p: string | null }>(
      `SELECT ${provinceOfAddressExpr('a')} AS p FROM (VALUES ('浙江省 杭州市'), ('上海市浦东新区'),
        ('广西壮族自治区 南宁市'), ('香港特别行政区 九龙'), ('123 Main St'), (''), (NULL)) t(a)`,
    );
    expect(rows.map((r) => r.p)).toEqual([
      '浙江省',
      '上海市',
      '广西壮族自治区',
      '香港特别行政区',
      null,
      null,
      null,
    ]);
  });

  it('gives revenue by day and province and the share refunded; unreadable rows counted', async () => {
    const loaded = await engine.loadCsv(encode(REPORT), '订单报表.csv');
    expect(loaded.guess.customerId).toBeNull();
    const mapping = { ...loaded.guess, orderDate: 4, amount: 2, orderId: 0 };
    const r = await engine.orderLevel(loaded.datasetId, mapping, null);
    expect(r.totals).toMatchObject({
      rows: 6,
      used: 5,
      orders: 5,
      refund_orders: 1,
      first_day: '2024-03-01',
      last_day: '2024-03-03',
    });
    expect(r.totals.revenue).toBeCloseTo(295.4, 9);
    expect(r.totals.refunds).toBeCloseTo(60, 9);
    expect(r.byDay.map((d) => [d.day, d.orders])).toEqual([
      ['2024-03-01', 2],
      ['2024-03-02', 1],
      ['2024-03-03', 2],
    ]);
    expect(r.byDay[0]!.revenue).toBeCloseTo(159.9, 9);
    expect(r).toMatchObject({
      regionColumn: '收货地址',
      regionFromAddress: true,
      refundColumn: '退款金额',
    });
    expect(r.byRegion.map((g) => [g.region, g.other, g.orders])).toEqual([
      ['浙江省', false, 2],
      ['广西壮族自治区', false, 1],
      ['上海市', false, 1],
      [null, false, 1],
    ]);
    expect(r.byRegion.reduce((n, g) => n + (g.share ?? 0), 0)).toBeCloseTo(1, 12);
  });

  it('folds places past the top into one row', async () => {
    const lines = ['order,date,amount,province'];
    for (let i = 0; i < 40; i++) lines.push(`O${i},2024-01-0${1 + (i % 9)},${10 + i},P${i % 20}`);
    const loaded = await engine.loadCsv(encode(lines.join('\n')), 'orders.csv');
    const r = await engine.orderLevel(
      loaded.datasetId,
      { ...loaded.guess, customerId: null },
      null,
    );
    expect(r.byRegion).toHaveLength(13);
    expect(r.byRegion.at(-1)).toMatchObject({ region: null, other: true, orders: 16 });
    expect(r.refundColumn).toBeNull();
  });
});
