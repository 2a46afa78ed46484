/**
 * A 1–5 quintile score for the value in `orderBy` (ascending: the largest values score 5).
 *
 * score = 1 + ⌊5 · (rank − 1) / n⌋, where rank is the 1-based rank with ties sharing the lowest
 * rank. Equal values always get equal scores, and the result depends only on the values — not on
 * row order, thread count or engine build (NTILE splits ties arbitrarily).
 */
export function quintileScoreSql(orderBy: string): string {
  return `CAST(1 + floor(5 * (rank() OVER (ORDER BY ${orderBy}) - 1) / count(*) OVER ()) AS INTEGER)`;
}

/** The same rule in TypeScript, for tests and for checking the SQL against hand-made data. */
export function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((v) => 1 + Math.floor((5 * sorted.indexOf(v)) / n));
}
