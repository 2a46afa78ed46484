import { describe, expect, it } from 'vitest';
import { giniSql, lorenzCurveSql } from '../../src/analysis/lorenzSql';
import { startSql } from './helpers/engine';

const sqlRunner = startSql();

async function withValues(values: number[]) {
  const sql = await sqlRunner;
  const rows = values.map((v, i) => `('c${String(i).padStart(3, '0')}', ${v})`).join(', ');
  await sql.run(
    `CREATE OR REPLACE TABLE vals AS SELECT * FROM (VALUES ${rows}) AS t(customer_id, v)`,
  );
  const curve = await sql.rows<{ pct: number; customers: number; value_share: number | null }>(
    lorenzCurveSql('vals', 'v'),
  );
  const { gini } = await sql.row<{ gini: number | null }>(giniSql('vals', 'v'));
  return { curve, gini };
}

describe('Lorenz curve and Gini', () => {
  it('one customer with everything: the top quarter holds it all', async () => {
    const { curve, gini } = await withValues([0, 0, 0, 10]);
    expect(gini).toBeCloseTo(0.75, 12);
    expect(curve).toHaveLength(100);
    expect(curve[24]).toEqual({ pct: 25, customers: 1, value_share: 1 });
    expect(curve[0]!.value_share).toBe(1);
  });

  it('equal customers: no concentration, the curve is the diagonal', async () => {
    const { curve, gini } = await withValues(Array.from({ length: 10 }, () => 7));
    expect(gini).toBeCloseTo(0, 12);
    for (const p of curve) expect(p.value_share).toBeCloseTo(p.customers / 10, 12);
  });

  it('known figures: 1..5, refunds as zero, nothing earned', async () => {
    // x = 1..5: G = 2·(1+4+9+16+25)/(5·15) − 6/5 = 110/75 − 1.2 = 4/15.
    expect((await withValues([3, 1, 5, 2, 4])).gini).toBeCloseTo(4 / 15, 12);
    expect((await withValues([-5, 0, 0, 10])).gini).toBeCloseTo(0.75, 12);
    const none = await withValues([0, -1]);
    expect(none.gini).toBeNull();
    expect(none.curve[99]!.value_share).toBeNull();
  });
});
