import { beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_STAGES } from '../../src/analysis/lifecycleRules';
import { segmentKeysOf } from '../../src/analysis/segments';
import {
  decodeGroupOrders,
  decodePoints,
  maskWhere,
  selectedPositions,
} from '../../src/explore/decodePoints';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8, valueAndStages } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

/** 30 customers c00..c29: customer k buys k+1 times, 10 each time, every 20 days from 2024-01-01. */
function orders(): string {
  const rows = ['customer_id,order_date,amount'];
  for (let c = 0; c < 30; c++) {
    for (let k = 0; k <= c % 6; k++) {
      const day = new Date(Date.UTC(2024, 0, 1 + c * 3 + k * 20)).toISOString().slice(0, 10);
      rows.push(`c${String(c).padStart(2, '0')},${day},10`);
    }
  }
  return rows.join('\n');
}

const META = {
  asOf: '2025-01-01',
  segmentKeys: segmentKeysOf('rfm11'),
  tierKeys: ['high', 'mid', 'low'],
  stageKeys: LIFECYCLE_STAGES,
};

describe('customer points and the selection', () => {
  it('carry every customer in id order, with value and stage once computed', async () => {
    const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
    const id = loaded.datasetId;
    await engine.analyse(id, loaded.guess, { asOf: '2025-01-01', scheme: 'rfm11' });
    const bare = decodePoints(await engine.points(id, 'rfm11'), { datasetId: id, ...META });
    expect(bare.n).toBe(30);
    expect(bare.ids.slice(0, 3)).toEqual(['c00', 'c01', 'c02']);
    expect(bare.value).toBeNull();
    expect(bare.stage).toBeNull();
    // c05 bought 6 times, 60 in all.
    expect(bare.frequency[5]).toBe(6);
    expect(bare.monetary[5]).toBe(60);
    expect(bare.segmentKeys.slice(0, 11)).toEqual(segmentKeysOf('rfm11'));
    for (let i = 0; i < bare.n; i++) expect(bare.segment[i]).toBeGreaterThanOrEqual(0);

    await valueAndStages(engine, id);
    const full = decodePoints(await engine.points(id, 'rfm11'), { datasetId: id, ...META });
    expect(full.value).not.toBeNull();
    expect(full.stage).not.toBeNull();
    expect(full.value!.historical[5]).toBeCloseTo(60, 9);
    const tiers = new Set(full.value!.tier);
    for (const t of tiers) expect([0, 1, 2]).toContain(t);
    expect(full.stage!.keys.slice(0, LIFECYCLE_STAGES.length)).toEqual([...LIFECYCLE_STAGES]);

    // Select the customers who bought 6 times: c05, c11, c17, c23, c29.
    const mask = maskWhere(full.n, (i) => full.frequency[i] === 6);
    expect([...selectedPositions(mask)]).toEqual([5, 11, 17, 23, 29]);
    await engine.setSelection(id, selectedPositions(mask));
    const page = (selected: boolean) =>
      engine.customerPage(id, {
        scheme: 'rfm11',
        segment: null,
        sort: 'customer_id',
        descending: false,
        offset: 0,
        limit: 50,
        selected,
      });
    const { tableFromIPC } = await import('apache-arrow');
    const ids = (bytes: Uint8Array) =>
      tableFromIPC(bytes)
        .toArray()
        .map((r) => String(r.customer_id));
    expect(ids(await page(true))).toEqual(['c05', 'c11', 'c17', 'c23', 'c29']);
    expect(ids(await page(false))).toHaveLength(30);
    // Cleared, the flag lists everyone again.
    await engine.setSelection(id, null);
    expect(ids(await page(true))).toHaveLength(30);
  });

  it('give every customer its group of an attribute, in the points’ order', async () => {
    const rows = ['customer_id,order_date,amount,city'];
    const cities = ['上海', '北京', '上海', '广州', '上海', '北京'];
    cities.forEach((city, c) => rows.push(`k${c},2024-0${c + 1}-10,${10 + c},${city}`));
    const loaded = await engine.loadCsv(utf8(rows.join('\n')), 'cities.csv');
    const id = loaded.datasetId;
    await engine.analyse(id, loaded.guess, { asOf: '2025-01-01', scheme: 'rfm11' });
    const [city] = await engine.customerAttributes(id);
    expect(city!.name).toBe('city');
    const codes = decodeGroupOrders(await engine.attributeGroupOrders(id, city!));
    const breakdown = await engine.attributeBreakdown(id, city!, 'rfm11');
    // Groups by size: 上海 (3), 北京 (2), 广州 (1); customers k0..k5 in id order.
    expect(breakdown.groups.map((g) => [g.group, g.customers])).toEqual([
      ['上海', 3],
      ['北京', 2],
      ['广州', 1],
    ]);
    expect([...codes]).toEqual([0, 1, 0, 2, 0, 1]);
  });
});
