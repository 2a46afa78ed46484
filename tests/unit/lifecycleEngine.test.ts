import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE_RULES, LIFECYCLE_STAGES } from '../../src/analysis/lifecycleRules';
import { EngineError } from '../../src/engine/errors';
import { DEFAULT_VALUE_OPTIONS, type LifecycleOptions } from '../../src/engine/types';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8 } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

const OPTIONS: LifecycleOptions = {
  rules: { ...DEFAULT_LIFECYCLE_RULES },
  period: 'month',
  cohortPeriod: 'month',
  flowFrom: null,
  flowTo: null,
};

/** 80 customers over 2023–2024 with known shapes: steady, lapsed, returning, one-time. */
function orders(): string {
  const rows = ['customer_id,order_date,amount'];
  const day = (d: number) => new Date(Date.UTC(2023, 0, 1 + d)).toISOString().slice(0, 10);
  for (let c = 0; c < 80; c++) {
    const kind = c % 4;
    const start = (c * 5) % 300;
    if (kind === 0) for (let k = 0; k < 12; k++) rows.push(`s${c},${day(start + k * 30)},50`);
    if (kind === 1) for (let k = 0; k < 3; k++) rows.push(`l${c},${day(start + k * 20)},40`);
    if (kind === 2) {
      rows.push(`r${c},${day(start)},30`, `r${c},${day(start + 15)},30`);
      rows.push(`r${c},${day(715)},30`);
    }
    if (kind === 3) rows.push(`o${c},${day(start + 400)},20`);
  }
  return rows.join('\n');
}

describe('lifecycle in the engine', () => {
  it('stages every customer once, agrees with its own history, and flows add up', async () => {
    const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: '2025-01-01',
      scheme: 'rfm11',
    });
    const life = await engine.lifecycle(loaded.datasetId, OPTIONS, 'rfm11');
    expect(life.usedPAlive).toBe(false);
    const stages = Object.fromEntries(life.stages.map((s) => [s.stage, s.customers]));
    expect(Object.values(stages).reduce((a, b) => a + b, 0)).toBe(result.summary.customers);
    for (const s of Object.keys(stages)) expect(LIFECYCLE_STAGES).toContain(s);
    // Customers who came back on 2024-12-16 after a long gap are won back.
    expect(stages.won_back).toBe(20);
    // The history's last period end is the as-of date's stage by the same rules.
    const lastEnd = life.history.at(-1)!.periodEnd;
    const last = Object.fromEntries(
      life.history
        .filter((h) => h.periodEnd === lastEnd && h.customers > 0)
        .map((h) => [h.stage, h.customers]),
    );
    expect(last).toEqual(stages);
    // Flows: everyone at the second date comes from somewhere (none = not acquired yet).
    const arriving = life.flows.transitions.reduce((n, t) => n + t.customers, 0);
    expect(arriving).toBe(result.summary.customers);
    // Cohorts: k = 0 holds the whole cohort; cohort sizes add up to the customers.
    const k0 = life.cohorts.filter((c) => c.k === 0);
    expect(k0.every((c) => c.customers === c.cohortSize && c.share === 1)).toBe(true);
    expect(k0.reduce((n, c) => n + c.cohortSize, 0)).toBe(result.summary.customers);
    expect(life.risk.map((r) => r.band)).toEqual(['low', 'medium', 'high', 'not_judged']);

    const bytes = await engine.exportCustomers(loaded.datasetId, { scheme: 'rfm11', locale: 'en' });
    const [header, ...lines] = new TextDecoder().decode(bytes.subarray(3)).trim().split('\n');
    const names = header!.split(',');
    expect(names).toEqual(
      expect.arrayContaining(['lifecycle_stage', 'lifecycle_phase', 'churn_risk']),
    );
    const stageAt = names.indexOf('lifecycle_stage');
    expect(lines.filter((l) => l.split(',')[stageAt] === 'won_back')).toHaveLength(20);
  });

  it('uses P(alive) once values are computed for the same as-of date', async () => {
    const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: '2025-01-01', scheme: 'rfm11' });
    const value = await engine.value(loaded.datasetId, DEFAULT_VALUE_OPTIONS);
    const life = await engine.lifecycle(loaded.datasetId, OPTIONS, 'rfm11');
    expect(life.usedPAlive).toBe(value.method === 'model');
  });

  it('keeps the same stages at the as-of date by week and by quarter, with quarterly cohorts', async () => {
    const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: '2025-01-01', scheme: 'rfm11' });
    const monthly = await engine.lifecycle(loaded.datasetId, OPTIONS, 'rfm11');
    for (const period of ['week', 'quarter'] as const) {
      const other = await engine.lifecycle(
        loaded.datasetId,
        { ...OPTIONS, period, cohortPeriod: 'quarter' },
        'rfm11',
      );
      expect(other.stages).toEqual(monthly.stages);
      const k0 = other.cohorts.filter((c) => c.k === 0);
      expect(k0.reduce((n, c) => n + c.cohortSize, 0)).toBe(80);
      expect(new Set(k0.map((c) => c.cohortStart.slice(5)))).toEqual(
        new Set(k0.map((c) => c.cohortStart.slice(5)).filter((d) => /^(01|04|07|10)-01$/.test(d))),
      );
    }
  });

  it('refuses rules out of range, naming them', async () => {
    const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' });
    const error = await engine
      .lifecycle(
        loaded.datasetId,
        { ...OPTIONS, rules: { ...OPTIONS.rules, newDays: 0 }, flowFrom: 'yesterday' },
        'rfm11',
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('invalid_lifecycle_rules');
    expect((error as EngineError).details.problems).toEqual(expect.arrayContaining(['flow']));
  });
});
