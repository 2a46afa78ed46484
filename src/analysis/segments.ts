/** The two segment schemes the analyst can choose between. */
export const SEGMENT_SCHEMES = ['rfm11', 'cn8'] as const;
export type SegmentScheme = (typeof SEGMENT_SCHEMES)[number];

/** 11 named segments on the (R, FM) grid; each entry lists its cells as R then FM score. */
export const RFM11_SEGMENTS = [
  { key: 'champions', cells: ['55', '54', '45'] },
  { key: 'loyal', cells: ['53', '44', '35', '34'] },
  { key: 'potential_loyalist', cells: ['52', '42', '33', '43'] },
  { key: 'new_customers', cells: ['51'] },
  { key: 'promising', cells: ['41', '31'] },
  { key: 'need_attention', cells: ['32', '23', '22'] },
  { key: 'about_to_sleep', cells: ['21'] },
  { key: 'at_risk', cells: ['25', '24', '13'] },
  { key: 'cant_lose_them', cells: ['15', '14'] },
  { key: 'hibernating', cells: ['12'] },
  { key: 'lost', cells: ['11'] },
] as const;
export type Rfm11Segment = (typeof RFM11_SEGMENTS)[number]['key'];

/**
 * The 8 classes Chinese analysts use: R, F and M each above (true) or below the customer mean.
 * R "above" means more recent than average, i.e. fewer days since the last purchase.
 */
export const CN8_CLASSES = [
  { key: 'important_value', r: true, f: true, m: true },
  { key: 'important_develop', r: true, f: false, m: true },
  { key: 'important_keep', r: false, f: true, m: true },
  { key: 'important_retain', r: false, f: false, m: true },
  { key: 'general_value', r: true, f: true, m: false },
  { key: 'general_develop', r: true, f: false, m: false },
  { key: 'general_keep', r: false, f: true, m: false },
  { key: 'general_retain', r: false, f: false, m: false },
] as const;
export type Cn8Class = (typeof CN8_CLASSES)[number]['key'];

export type SegmentKey = Rfm11Segment | Cn8Class;

export function segmentKeysOf(scheme: SegmentScheme): readonly SegmentKey[] {
  return scheme === 'rfm11' ? RFM11_SEGMENTS.map((s) => s.key) : CN8_CLASSES.map((c) => c.key);
}

export function rfm11SegmentOf(r: number, fm: number): Rfm11Segment {
  const cell = `${r}${fm}`;
  const segment = RFM11_SEGMENTS.find((s) => (s.cells as readonly string[]).includes(cell));
  if (!segment) throw new Error(`No segment for R=${r}, FM=${fm}`);
  return segment.key;
}

/** SQL CASE mapping integer R and FM scores to the 11-segment key. */
export function rfm11CaseSql(rScore: string, fmScore: string): string {
  const whens = RFM11_SEGMENTS.map(
    (s) => `WHEN ${rScore} * 10 + ${fmScore} IN (${s.cells.join(', ')}) THEN '${s.key}'`,
  );
  return `CASE ${whens.join(' ')} END`;
}

/** SQL CASE mapping three boolean "above the mean" expressions to the 8-class key. */
export function cn8CaseSql(rHigh: string, fHigh: string, mHigh: string): string {
  const whens = CN8_CLASSES.map(
    (c) =>
      `WHEN ${c.r ? '' : 'NOT '}${rHigh} AND ${c.f ? '' : 'NOT '}${fHigh} AND ${c.m ? '' : 'NOT '}${mHigh} THEN '${c.key}'`,
  );
  return `CASE ${whens.join(' ')} END`;
}

/**
 * Below this many days between the first purchase and the as-of date, recency scores compare
 * silences of days: "At risk", "Can't lose them" or "重要保持" then name customers who bought last
 * week. The same floor as the value models' minimum history.
 */
export const SHORT_RECENCY_HISTORY_DAYS = 60;

/** The days of history behind the recency scores when they are fewer than the floor, else null. */
export function shortRecencyHistory(firstDay: string | null, asOf: string): number | null {
  if (firstDay === null) return null;
  const days = Math.round((Date.parse(asOf) - Date.parse(firstDay)) / 86_400_000);
  return Number.isFinite(days) && days < SHORT_RECENCY_HISTORY_DAYS ? days : null;
}
