import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quintileScoresSql, quintileScores } from '../../src/analysis/scoring';
import { startSql } from './helpers/engine';

async function sqlScores(values: readonly number[]): Promise<number[]> {
  const sql = await sqlRunner;
  const rows = values.map((v, i) => `(${i}, ${v})`).join(', ');
  const result = await sql.rows<{ i: number; s: number }>(
    `WITH t(i, v) AS (VALUES ${rows}), scores AS (${quintileScoresSql('t', 'v', 'ASC')})
     SELECT i, score AS s FROM t JOIN scores ON scores.v = t.v ORDER BY i`,
  );
  return result.map((r) => r.s);
}
const sqlRunner = startSql();

describe('quintile scores', () => {
  it('splits distinct values into equal fifths', async () => {
    expect(await sqlScores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
    expect(await sqlScores([5, 4, 3, 2, 1])).toEqual([5, 4, 3, 2, 1]);
  });

  it('gives equal values equal scores: a tie group scores where it starts', async () => {
    // 6 of 10 customers bought once: all score 1; the next value starts at rank 7 → score 4.
    expect(await sqlScores([1, 1, 1, 1, 1, 1, 2, 2, 3, 9])).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    expect(await sqlScores([7, 7, 7])).toEqual([1, 1, 1]);
    expect(await sqlScores([42])).toEqual([1]);
  });

  it('places quintile edges exactly (n not a multiple of 5)', async () => {
    // n = 7: score = 1 + floor(5·(rank−1)/7) → ranks 1..7 give 1,1,2,3,3,4,5.
    expect(await sqlScores([1, 2, 3, 4, 5, 6, 7])).toEqual([1, 1, 2, 3, 3, 4, 5]);
  });

  it('matches the TypeScript statement of the rule and ignores row order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 60 }),
        async (values) => {
          const scores = await sqlScores(values);
          expect(scores).toEqual(quintileScores(values));
          const reversed = await sqlScores([...values].reverse());
          expect(reversed.reverse()).toEqual(scores);
          for (let i = 0; i < values.length; i++) {
            for (let j = 0; j < values.length; j++) {
              if ((values[i] as number) < (values[j] as number))
                expect(scores[i]).toBeLessThanOrEqual(scores[j] as number);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
