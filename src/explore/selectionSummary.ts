import type { CustomerPoints, SelectionMask } from './points';

export interface SelectionSummary {
  customers: number;
  customerShare: number;
  revenue: number;
  /** Share of all revenue (monetary); null when the total is not positive. */
  revenueShare: number | null;
  /** Share of total value (historical + predicted), once the value step ran. */
  valueShare: number | null;
}

function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** What the selection amounts to, against all customers: one pass over the points. */
export function summariseSelection(points: CustomerPoints, mask: SelectionMask): SelectionSummary {
  let customers = 0;
  let revenue = 0;
  let revenueAll = 0;
  let value = 0;
  let valueAll = 0;
  const total = points.value?.total ?? null;
  for (let i = 0; i < points.n; i++) {
    const m = points.monetary[i]!;
    const v = total ? total[i]! : 0;
    const safeV = Number.isFinite(v) ? v : 0;
    revenueAll += m;
    valueAll += safeV;
    if (mask[i]) {
      customers++;
      revenue += m;
      value += safeV;
    }
  }
  return {
    customers,
    customerShare: points.n ? customers / points.n : 0,
    revenue,
    revenueShare: share(revenue, revenueAll),
    valueShare: total ? share(value, valueAll) : null,
  };
}
