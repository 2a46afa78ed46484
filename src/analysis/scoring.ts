/**
 * Quintile scores 1–5: for each distinct value of `column` in `table`, its score (`v`, `score`).
 * Ascending: the largest values score 5; descending: the smallest do.
 *
 * score = 1 + ⌊5 · (rank − 1) / n⌋, where rank is the 1-based rank of the value with ties sharing
 * the lowest rank (rank − 1 = how many customers come before the value). Equal values always get
 * equal scores, and the result depends only on the values — not on row order, thread count or
 * engine build (NTILE splits ties arbitrarily). Computed per distinct value and joined back: much
 * cheaper than a window sort over every customer's full row.
 */
export function quintileScoresSql(
  table: string,
  column: string,
  direction: 'ASC' | 'DESC',
): string {
  return `SELECT ${column} AS v,
    CAST(1 + floor(5 * (sum(count(*)) OVER (ORDER BY ${column} ${direction}) - count(*)) / sum(count(*)) OVER ()) AS INTEGER) AS score
  FROM ${table} GROUP BY 1`;
}

/** The same rule in TypeScript, for tests and for checking the SQL against hand-made data. */
export function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((v) => 1 + Math.floor((5 * sorted.indexOf(v)) / n));
}
