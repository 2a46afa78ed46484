import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIFECYCLE_RULES,
  LIFECYCLE_STAGES,
  lifecycleRulesParams,
  lifecycleStageOf,
  type LifecycleRules,
} from '../../src/analysis/lifecycleRules';
import {
  cohortFromHistorySql,
  cohortSql,
  lifecycleRulesTableSql,
  populationIntervalSql,
  stageAtAsOfSql,
  stageCountsOverTimeSql,
  stageHistorySql,
  stageHistoryTablesSql,
  type LifecyclePeriod,
} from '../../src/analysis/lifecycleSql';
import { paramsTableSql } from '../../src/analysis/sql';
import type { SqlRunner } from '../../workers/sqlRunner';
import { startSql } from './helpers/engine';

const DAY = 86_400_000;
const BASE = Date.UTC(2022, 10, 1) / DAY; // 2022-11-01 as a day number
const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const dayOf = (ms: unknown) => Math.round((ms as number) / DAY);

function periodStart(period: LifecyclePeriod, day: number): number {
  const d = new Date(day * DAY);
  if (period === 'week') return day - ((d.getUTCDay() + 6) % 7);
  const month = period === 'month' ? d.getUTCMonth() : d.getUTCMonth() - (d.getUTCMonth() % 3);
  return Date.UTC(d.getUTCFullYear(), month, 1) / DAY;
}

function nextStart(period: LifecyclePeriod, start: number): number {
  if (period === 'week') return start + 7;
  const d = new Date(start * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (period === 'month' ? 1 : 3), 1) / DAY;
}

/** Period ends (last day, or as-of − 1 for the running period) from `first`'s period on. */
function periodEnds(period: LifecyclePeriod, first: number, asOf: number): number[] {
  const ends: number[] = [];
  for (let s = periodStart(period, first); s <= asOf - 1; s = nextStart(period, s))
    ends.push(Math.min(nextStart(period, s) - 1, asOf - 1));
  return ends;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

interface TxRow {
  customer: string;
  day: number;
  amount: number;
  excluded: boolean;
}

/** Bursts of purchases days apart, separated by long gaps: lapses and returns are common. */
const burst = fc
  .record({
    customer: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    start: fc.integer({ min: 0, max: 640 }),
    offsets: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
    amounts: fc.array(fc.constantFrom(-30, -5, 0, 5, 12, 40, 99.5), { minLength: 4, maxLength: 4 }),
    excluded: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map((b): TxRow[] =>
    b.offsets.map((o, i) => ({
      customer: b.customer,
      day: BASE + b.start + o,
      amount: b.amounts[i] as number,
      excluded: b.excluded && i === 0,
    })),
  );

const SHORT_RULES: LifecycleRules = {
  ...DEFAULT_LIFECYCLE_RULES,
  newDays: 30,
  churnDays: 150,
  wonBackDays: 45,
  loyalMinPurchases: 3,
  overdueFactor: 1.5,
};

let sql: SqlRunner;
let run = 0;
beforeAll(async () => {
  sql = await startSql();
});

async function load(rows: readonly TxRow[], asOf: number, rules: LifecycleRules) {
  run += 1;
  const src = { txTable: `ptx_${run}`, paramsTable: `pp_${run}`, rulesTable: `pr_${run}` };
  const values = rows
    .map(
      (r, i) =>
        `(${i + 1}, '${r.customer}', DATE '${isoOf(r.day)}', CAST(${r.amount} AS DECIMAL(18,4)), ` +
        `CAST(NULL AS VARCHAR), ${r.excluded ? "'duplicate_row'" : 'CAST(NULL AS VARCHAR)'})`,
    )
    .join(', ');
  await sql.run(`CREATE TABLE ${src.txTable} AS SELECT * FROM (VALUES ${values})
    AS v(source_row, customer_id, day, amount, order_id, excluded_reason)`);
  sql.runWithParams(paramsTableSql(src.paramsTable), [isoOf(asOf)]);
  sql.runWithParams(lifecycleRulesTableSql(src.rulesTable), lifecycleRulesParams(rules));
  return src;
}

const seen = new Map<string, number>();

describe('lifecycle stage history (property)', () => {
  it('one stage per customer per period end, as the reference rule says; counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(burst, { minLength: 1, maxLength: 14 }).map((b) => b.flat()),
        fc.integer({ min: 1, max: 700 }).map((d) => BASE + d),
        fc.constantFrom<LifecyclePeriod>('week', 'month', 'quarter'),
        fc.constantFrom(DEFAULT_LIFECYCLE_RULES, SHORT_RULES),
        async (rows, asOf, period, rules) => {
          const src = await load(rows, asOf, rules);
          const history = `${src.txTable}_hist`;
          await sql.run(stageHistorySql({ ...src, period, outTable: history }));
          // The spells the step keeps (its readers take them), checked against the rows above.
          const spells = `${src.txTable}_spells`;
          for (const statement of stageHistoryTablesSql({ ...src, period, outTable: spells }))
            await sql.run(statement);

          // The reference: purchase days and net revenue per customer, before the as-of date.
          const used = rows.filter((r) => !r.excluded && r.day < asOf);
          const days = new Map<string, number[]>();
          for (const r of used.filter((u) => u.amount > 0)) {
            const list = days.get(r.customer) ?? [];
            if (!list.includes(r.day)) list.push(r.day);
            days.set(r.customer, list);
          }
          for (const list of days.values()) list.sort((a, b) => a - b);
          const repeat = [...days.values()].filter((d) => d.length >= 2);
          const population = await sql.row<{ interval_days: number | null }>(
            populationIntervalSql(src),
          );
          if (days.size === 0) expect(population.interval_days).toBeNull();
          else {
            const expected = repeat.length
              ? median(
                  repeat.map((d) => ((d.at(-1) as number) - (d[0] as number)) / (d.length - 1)),
                )
              : rules.newDays;
            expect(population.interval_days).toBeCloseTo(expected, 9);
          }
          const interval = population.interval_days ?? rules.newDays;

          const got = await sql.rows<{
            customer_id: string;
            period_end: number;
            stage: string;
            revenue_in_period: number;
          }>(`SELECT customer_id, period_end, stage, revenue_in_period FROM ${history}
              ORDER BY customer_id, period_end`);
          const expected: [string, string, string][] = [];
          for (const [customer, purchaseDays] of [...days].sort(([a], [b]) => (a < b ? -1 : 1))) {
            for (const end of periodEnds(period, purchaseDays[0] as number, asOf)) {
              const stage = lifecycleStageOf(rules, {
                purchaseDays,
                reference: end + 1,
                populationInterval: interval,
              })!.stage;
              expected.push([customer, isoOf(end), stage]);
            }
          }
          expect(got.map((g) => [g.customer_id, isoOf(dayOf(g.period_end)), g.stage])).toEqual(
            expected,
          );
          for (const e of expected) seen.set(e[2], (seen.get(e[2]) ?? 0) + 1);

          // Revenue: every used row from the customer's first period on.
          for (const [customer, purchaseDays] of days) {
            const from = periodStart(period, purchaseDays[0] as number);
            const net = used
              .filter((u) => u.customer === customer && u.day >= from)
              .reduce((s, u) => s + u.amount, 0);
            const sum = got
              .filter((g) => g.customer_id === customer)
              .reduce((s, g) => s + g.revenue_in_period, 0);
            expect(sum).toBeCloseTo(net, 6);
          }

          // Counts per period end add up to the customers acquired by then.
          const counts = await sql.rows<{ period_end: number; customers: number }>(
            stageCountsOverTimeSql({ historyTable: spells }),
          );
          // Each period end's count and revenue per stage, as the rows give them.
          const fromRows = await sql.rows<{ period_end: number; customers: number }>(
            `SELECT e.period_end, s.stage, CAST(count(h.stage) AS INTEGER) AS customers,
               CAST(coalesce(sum(h.revenue_in_period), 0) AS DOUBLE) AS revenue
             FROM (SELECT DISTINCT period_end FROM ${history}) e
             CROSS JOIN (VALUES ${LIFECYCLE_STAGES.map((st) => `('${st}')`).join(', ')}) s(stage)
             LEFT JOIN ${history} h ON h.period_end = e.period_end AND h.stage = s.stage
             GROUP BY ALL`,
          );
          const key = (r: Record<string, unknown>) =>
            `${String(r.period_end)} ${String(r.stage)} ${String(r.customers)} ${Number(r.revenue).toFixed(6)}`;
          expect(counts.map(key).sort()).toEqual(fromRows.map(key).sort());
          const perEnd = new Map<number, number>();
          for (const c of counts)
            perEnd.set(dayOf(c.period_end), (perEnd.get(dayOf(c.period_end)) ?? 0) + c.customers);
          expect(counts.length).toBe(perEnd.size * LIFECYCLE_STAGES.length);
          for (const [end, n] of perEnd)
            expect(n).toBe([...days.values()].filter((d) => (d[0] as number) <= end).length);

          // The last period end is the stage at the as-of date (no P(alive)).
          const atAsOf = await sql.rows<{ customer_id: string; stage: string }>(
            stageAtAsOfSql({ ...src, valueTable: null }),
          );
          expect(atAsOf.map((r) => [r.customer_id, r.stage])).toEqual(
            [...days.keys()].sort().map((c) => [c, expected.filter(([e]) => e === c).at(-1)![2]]),
          );

          // Cohorts from the history equal cohorts from the rows.
          if (period !== 'week') {
            const direct = await sql.rows(cohortSql({ ...src, period }));
            const viaHistory = await sql.rows(
              cohortFromHistorySql({ historyTable: spells, period }),
            );
            expect(viaHistory.length).toBe(direct.length);
            viaHistory.forEach((row, i) => {
              const d = direct[i] as Record<string, number>;
              for (const [k, v] of Object.entries(row as Record<string, number>)) {
                if (typeof v === 'number' && !Number.isInteger(v)) expect(v).toBeCloseTo(d[k]!, 9);
                else expect(v).toEqual(d[k]);
              }
            });
          }
          for (const t of [
            history,
            spells,
            `${spells}_periods`,
            src.txTable,
            src.paramsTable,
            src.rulesTable,
          ])
            await sql.run(`DROP TABLE ${t}`);
        },
      ),
      { numRuns: 60 },
    );
    // The generator reaches every stage (bursts of purchases with long gaps between them).
    for (const stage of LIFECYCLE_STAGES)
      expect([stage, (seen.get(stage) ?? 0) > 0]).toEqual([stage, true]);
  }, 120_000);
});
