import { expect } from 'vitest';

/**
 * The identity the export documents (src/analysis/exportMetadata.ts VALUE_IDENTITY): predicted value
 * is spend × margin × discounted expected purchases, so it lies between margin × purchases × spend
 * discounted over the whole horizon and the same undiscounted; lifetime = historical + predicted.
 * Exported values are rounded (money to cents, purchases to 3 places), hence the tolerances.
 */
export function expectValueIdentity(
  rows: Record<string, string | undefined>[],
  o: { margin: number; monthlyDiscountRate: number; horizonMonths: number },
): void {
  const lowest = o.margin / Math.pow(1 + o.monthlyDiscountRate, o.horizonMonths);
  for (const r of rows) {
    const historical = Number(r.clv_historical);
    const total = Number(r.clv_total);
    if (r.clv_predicted === '') {
      expect(r.expected_purchases, r.customer_id).toBe('');
      expect(r.expected_avg_spend, r.customer_id).toBe('');
      expect(total).toBeCloseTo(historical, 1);
      continue;
    }
    const predicted = Number(r.clv_predicted);
    const purchases = Number(r.expected_purchases);
    const spend = Number(r.expected_avg_spend);
    const undiscounted = purchases * spend;
    // Purchases are rounded to 3 places and spend to cents before they reach the file.
    const slack = 0.011 + 0.0005 * spend + 0.005 * purchases + 1e-6 * undiscounted;
    // A customer whose returns exceed their purchases spends a negative amount per order.
    const [low, high] = [lowest * undiscounted, o.margin * undiscounted].sort((a, b) => a - b);
    expect(predicted, `${r.customer_id} above its bound`).toBeLessThanOrEqual(
      (high as number) + slack,
    );
    expect(predicted, `${r.customer_id} below its bound`).toBeGreaterThanOrEqual(
      (low as number) - slack,
    );
    expect(Math.abs(total - historical - predicted), r.customer_id).toBeLessThanOrEqual(0.011);
  }
}
