import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIFECYCLE_RULES,
  LIFECYCLE_PHASES,
  LIFECYCLE_RULE_SPECS,
  LIFECYCLE_STAGES,
  PHASE_LABELS,
  STAGE_LABELS,
  STAGE_PHASE,
  lifecycleRulesParams,
  lifecycleStageOf,
  validateLifecycleRules,
} from '../../src/analysis/lifecycleRules';
import { lifecycleRulesTableSql } from '../../src/analysis/lifecycleSql';

describe('lifecycle rules', () => {
  it('defaults when nothing is given, and keeps valid values', () => {
    expect(validateLifecycleRules(undefined)).toEqual({
      rules: DEFAULT_LIFECYCLE_RULES,
      problems: [],
    });
    const { rules, problems } = validateLifecycleRules({
      newDays: 30,
      churnDays: 180,
      overdueFactor: 1.5,
      oneTimeIntervalDays: 45,
      pAliveAtRisk: 0.4,
    });
    expect(problems).toEqual([]);
    expect(rules).toEqual({
      ...DEFAULT_LIFECYCLE_RULES,
      newDays: 30,
      churnDays: 180,
      overdueFactor: 1.5,
      oneTimeIntervalDays: 45,
      pAliveAtRisk: 0.4,
    });
    expect(validateLifecycleRules({ oneTimeIntervalDays: null }).problems).toEqual([]);
  });

  it('reports invalid values and keeps the defaults for them', () => {
    const { rules, problems } = validateLifecycleRules({
      newDays: 12.5,
      churnDays: '365',
      overdueFactor: 0,
      pAliveChurned: 1,
      loyalMinPurchases: 1,
      wonBackDays: Number.NaN,
      behaviourChangeShare: -0.2,
      oneTimeIntervalDays: -3,
      colour: 'red',
    });
    expect(rules).toEqual(DEFAULT_LIFECYCLE_RULES);
    expect(problems).toEqual([
      'colour: unknown rule',
      'newDays: must be a whole number from 1 to 36500',
      'loyalMinPurchases: must be a whole number from 2 to 36500',
      'overdueFactor: must be a number above 0 and at most 1000',
      'churnDays: must be a whole number from 1 to 36500',
      'wonBackDays: must be a whole number from 1 to 36500',
      'pAliveChurned: must be a number above 0 and below 1',
      'oneTimeIntervalDays: must be a number above 0 and at most 36500, or null',
      'behaviourChangeShare: must be a number above 0 and below 1',
    ]);
    expect(validateLifecycleRules('fast').problems).toEqual(['rules: must be an object']);
    expect(validateLifecycleRules([1]).problems).toEqual(['rules: must be an object']);
  });

  it('resets pairs that are out of order to their defaults', () => {
    const { rules, problems } = validateLifecycleRules({
      newDays: 400,
      pAliveChurned: 0.6,
      riskHighPAlive: 0.9,
      riskMediumOverdue: 3,
      overdueFactor: 3,
    });
    expect(problems).toEqual([
      'newDays, churnDays: newDays must be less than churnDays',
      'pAliveChurned, pAliveAtRisk: pAliveChurned must be at most pAliveAtRisk',
      'riskHighPAlive, riskMediumPAlive: riskHighPAlive must be at most riskMediumPAlive',
      'riskMediumOverdue, riskHighOverdue: riskMediumOverdue must be at most riskHighOverdue',
    ]);
    expect(rules).toEqual({ ...DEFAULT_LIFECYCLE_RULES, overdueFactor: 3 });
  });

  it('binds one value per column of the rules table, in order', () => {
    const params = lifecycleRulesParams(DEFAULT_LIFECYCLE_RULES);
    expect(params).toHaveLength(LIFECYCLE_RULE_SPECS.length);
    expect(lifecycleRulesTableSql('r').match(/\?/g)).toHaveLength(params.length);
    expect(params.slice(0, 8)).toEqual([90, 5, 2, 365, 90, 0.5, 0.1, null]);
  });

  it('maps every stage to one of the four phases, with labels in both languages', () => {
    expect(LIFECYCLE_STAGES.map((s) => STAGE_PHASE[s])).toEqual([
      'introduction',
      'growth',
      'maturity',
      'decline',
      'decline',
      'growth',
    ]);
    expect(new Set(Object.values(STAGE_PHASE))).toEqual(new Set(LIFECYCLE_PHASES));
    expect(LIFECYCLE_STAGES.map((s) => STAGE_LABELS.zh[s])).toEqual([
      '新客',
      '成长',
      '忠诚',
      '流失预警',
      '流失',
      '回流',
    ]);
    expect(LIFECYCLE_PHASES.map((p) => PHASE_LABELS.zh[p])).toEqual([
      '引入期',
      '成长期',
      '成熟期',
      '衰退期',
    ]);
  });

  it('states the stage rule in TypeScript (reference implementation)', () => {
    const r = DEFAULT_LIFECYCLE_RULES;
    const at = (purchaseDays: number[], reference: number, pAlive: number | null = null) =>
      lifecycleStageOf(r, { purchaseDays, reference, populationInterval: 30, pAlive });
    expect(at([], 10)).toBeNull();
    expect(at([10], 10)).toBeNull(); // a purchase on the reference date does not count yet
    expect(at([10], 11)).toMatchObject({ stage: 'new', daysSinceLast: 1, meanInterval: null });
    expect(at([0, 30, 60, 90, 120], 140)).toMatchObject({ stage: 'loyal', meanInterval: 30 });
    expect(at([0, 30, 60, 90, 120], 140, 0.4)).toMatchObject({
      stage: 'at_risk',
      churnRisk: 'high',
    });
    expect(at([0, 30, 60, 90, 120], 140, 0.05)?.stage).toBe('churned');
    expect(at([0, 30, 60, 90, 120], 140, 0.7)?.churnRisk).toBe('medium');
    expect(at([0, 30], 200)).toMatchObject({ stage: 'at_risk', churnRisk: 'high' });
    // New without P(alive): no pace yet, so no churn risk either way; with P(alive), judged.
    expect(at([0, 30], 89)).toMatchObject({ stage: 'new', churnRisk: 'not_judged' });
    expect(at([0, 30], 89, 0.4)).toMatchObject({ stage: 'new', churnRisk: 'high' });
    // A week of data: bought on days 0 and 1, silent for 4 days — new, not "high risk".
    expect(at([0, 1], 6)).toMatchObject({ stage: 'new', churnRisk: 'not_judged' });
    expect(at([0, 30, 500], 520)).toMatchObject({ stage: 'won_back', lastReturn: 500 });
  });
});
