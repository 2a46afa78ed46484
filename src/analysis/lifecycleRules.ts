/**
 * Customer lifecycle rules: the stage every customer is in at a reference date, the four-phase
 * grouping of those stages, the churn-risk bands and the behaviour-change alerts. Pure TypeScript:
 * the rules as a typed object with defaults and a validator, the labels, and a reference
 * implementation of the stage rule (`lifecycleStageOf`) that the SQL in `lifecycleSql.ts` must
 * agree with (pinned by `tests/unit/lifecycle*.test.ts`).
 *
 * ## Terms
 * - A **purchase** is a used row of the typed table (`excluded_reason IS NULL`) with a positive
 *   amount; purchases on the same day count as one **purchase day**. Refunds and cancellations
 *   (negative amounts) are not purchases: they change revenue, never a stage.
 * - A stage is judged **at a reference date R**, exclusive, like the as-of date: only purchases on
 *   days before R count. For the stage at the as-of date, R = as-of. For the stage at a period end
 *   E (history), R = E + 1, so purchases on E itself count.
 * - `n` = purchase days before R; `first`, `last` = the first and last purchase day before R.
 * - **days since first** = R − first; **days since last** (recency) = R − last, so a customer who
 *   bought the day before R has 1, as in RFM's recency_days.
 * - **Own mean interval** = (last − first) / (n − 1) days, for repeat buyers (n ≥ 2).
 * - **Population interval**, used instead for one-time buyers (n = 1), who have no interval of
 *   their own: `oneTimeIntervalDays` when set, else the median of the repeat buyers' own mean
 *   intervals at the as-of date (one value per repeat buyer, purchases before the as-of date);
 *   when there is no repeat buyer at all, `newDays`. One value for the whole history, so stages
 *   at different dates are judged on the same scale.
 * - **Overdue ratio** = days since last ÷ the interval used (own, else population).
 *
 * ## Stages (the first rule that applies, in this order)
 * 1. `new` (新客): days since first ≤ `newDays`. A customer this young has no settled pace, so it
 *    is not judged overdue, and nothing else overrides New.
 * 2. `churned` (流失): days since last > `churnDays`, or P(alive) < `pAliveChurned`.
 * 3. `at_risk` (流失预警): overdue ratio > `overdueFactor` (days since last > overdueFactor × the
 *    interval used), or P(alive) < `pAliveAtRisk`.
 * 4. `won_back` (回流): the customer's latest **return** was within `wonBackDays`
 *    (R − return day ≤ wonBackDays). A return is a purchase day d made while the customer was
 *    lapsed: judged at reference date d (purchases before d) by rules 1–3 without P(alive), the
 *    customer was `churned` or `at_risk` — i.e. d − first > newDays and (d − previous purchase day
 *    > churnDays, or (d − previous purchase day) ÷ the interval used at d > overdueFactor, that
 *    interval being the own mean interval of the purchases before d when there were at least two,
 *    else the population interval).
 * 5. `loyal` (忠诚): n ≥ `loyalMinPurchases` purchase days (and, by the rules above, not overdue).
 * 6. `active` (成长): everyone else — past the New window, not overdue, fewer than
 *    `loyalMinPurchases` purchase days. One-time buyers whose single purchase is not yet overdue
 *    against the population interval are here too.
 * P(alive) (the fitted purchase model's, from the value table) is used only for the stage at the
 * as-of date, and only when a model was fitted; the history at period ends and the "return" test
 * use the recency rules alone, so every past stage depends only on purchases before it.
 *
 * There is no separate "pace" threshold for Active: a seventh stage between "at or above the
 * usual pace" (ratio ≤ 1) and "overdue" (ratio > overdueFactor) would be needed to use one, so
 * the overdue factor is the single pace rule and the churn-risk band shows the finer grading.
 *
 * ## Four phases (an alternative grouping of the same stages)
 * new → introduction (引入期); active → growth (成长期); loyal → maturity (成熟期); at_risk and
 * churned → decline (衰退期); won_back → growth: a returning customer has bought recently and is
 * rebuilding the relationship — neither a first-time customer (introduction) nor one with an
 * unbroken habit (maturity), and no longer declining.
 *
 * ## Churn-risk bands
 * From P(alive) when the value table has it: `high` below `riskHighPAlive`, `medium` below
 * `riskMediumPAlive`, else `low`. When no model was fitted (P(alive) NULL), from the overdue
 * ratio: `high` above `riskHighOverdue`, `medium` above `riskMediumOverdue`, else `low` — except
 * for customers in the New window, who are `not_judged`: like the stage rule, a pace measured
 * over a few days (all there is in a history of a week or two) would call a customer silent for
 * four days "high risk".
 *
 * ## Behaviour change (at the as-of date)
 * The recent window is the last `behaviourWindowDays` days before the as-of date; the baseline is
 * the `behaviourBaselineDays` days before that, shortened to start at the customer's first
 * purchase when that is later. Purchase rate = purchase days ÷ days of the window; spend rate =
 * purchase amounts (positive rows, refunds left out) ÷ days. Change = recent rate ÷ baseline
 * rate − 1, for each. Only customers with at least `behaviourMinBaselineDays` purchase days in the
 * baseline are judged. `declined` when either change < −`behaviourChangeShare`; `improved` when
 * not declined and either change > +`behaviourChangeShare`.
 */

export const LIFECYCLE_STAGES = [
  'new',
  'active',
  'loyal',
  'at_risk',
  'churned',
  'won_back',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const LIFECYCLE_PHASES = ['introduction', 'growth', 'maturity', 'decline'] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];

/** The classic four-phase view of the stages (see the module comment for won_back). */
export const STAGE_PHASE: Readonly<Record<LifecycleStage, LifecyclePhase>> = {
  new: 'introduction',
  active: 'growth',
  won_back: 'growth',
  loyal: 'maturity',
  at_risk: 'decline',
  churned: 'decline',
};

/**
 * `not_judged`: a customer still in the New window, with no fitted model's P(alive), has no settled
 * pace to be overdue against (stage rule 1), so no churn risk is claimed for it either way.
 */
export const CHURN_RISK_BANDS = ['low', 'medium', 'high', 'not_judged'] as const;
export type ChurnRiskBand = (typeof CHURN_RISK_BANDS)[number];

export type LifecycleLocale = 'en' | 'zh';

export const STAGE_LABELS: Readonly<
  Record<LifecycleLocale, Readonly<Record<LifecycleStage, string>>>
> = {
  en: {
    new: 'New',
    active: 'Active',
    loyal: 'Loyal',
    at_risk: 'At risk',
    churned: 'Churned',
    won_back: 'Won back',
  },
  zh: {
    new: '新客',
    active: '成长',
    loyal: '忠诚',
    at_risk: '流失预警',
    churned: '流失',
    won_back: '回流',
  },
};

export const PHASE_LABELS: Readonly<
  Record<LifecycleLocale, Readonly<Record<LifecyclePhase, string>>>
> = {
  en: { introduction: 'Introduction', growth: 'Growth', maturity: 'Maturity', decline: 'Decline' },
  zh: { introduction: '引入期', growth: '成长期', maturity: '成熟期', decline: '衰退期' },
};

export const RISK_LABELS: Readonly<
  Record<LifecycleLocale, Readonly<Record<ChurnRiskBand, string>>>
> = {
  en: { low: 'Low', medium: 'Medium', high: 'High', not_judged: 'Not judged yet (new)' },
  zh: { low: '低', medium: '中', high: '高', not_judged: '暂不判断（新客）' },
};

/** The editable rules; see the module comment for how each is used. Days are whole days. */
export interface LifecycleRules {
  /** New: first purchase at most this many days before the reference date. */
  newDays: number;
  /** Loyal: at least this many purchase days (and not overdue). */
  loyalMinPurchases: number;
  /** At risk: days since last purchase > overdueFactor × the customer's interval. */
  overdueFactor: number;
  /** Churned: more than this many days since the last purchase. */
  churnDays: number;
  /** Won back: the latest return (a purchase made while lapsed) within this many days. */
  wonBackDays: number;
  /** At risk when P(alive) is below this (stage at the as-of date, with a fitted model). */
  pAliveAtRisk: number;
  /** Churned when P(alive) is below this. */
  pAliveChurned: number;
  /** Interval for one-time buyers; null = the median own interval of the repeat buyers. */
  oneTimeIntervalDays: number | null;
  /** Churn risk high when P(alive) < this. */
  riskHighPAlive: number;
  /** Churn risk medium when P(alive) < this (and not high). */
  riskMediumPAlive: number;
  /** Without P(alive): churn risk high when the overdue ratio > this. */
  riskHighOverdue: number;
  /** Without P(alive): churn risk medium when the overdue ratio > this (and not high). */
  riskMediumOverdue: number;
  /** Behaviour change: the recent window, in days before the as-of date. */
  behaviourWindowDays: number;
  /** Behaviour change: the baseline, in days before the recent window. */
  behaviourBaselineDays: number;
  /** Behaviour change: a rate that fell (rose) by more than this share flags a decline (rise). */
  behaviourChangeShare: number;
  /** Behaviour change: purchase days needed in the baseline for a customer to be judged. */
  behaviourMinBaselineDays: number;
}

export const DEFAULT_LIFECYCLE_RULES: Readonly<LifecycleRules> = {
  newDays: 90,
  loyalMinPurchases: 5,
  overdueFactor: 2,
  churnDays: 365,
  wonBackDays: 90,
  pAliveAtRisk: 0.5,
  pAliveChurned: 0.1,
  oneTimeIntervalDays: null,
  riskHighPAlive: 0.5,
  riskMediumPAlive: 0.8,
  riskHighOverdue: 2,
  riskMediumOverdue: 1,
  behaviourWindowDays: 90,
  behaviourBaselineDays: 270,
  behaviourChangeShare: 0.5,
  behaviourMinBaselineDays: 2,
};

type RuleKey = keyof LifecycleRules;

/** How one rule is checked and stored. */
export interface LifecycleRuleSpec {
  key: RuleKey;
  /** The column of the rules table (lifecycleSql.ts). */
  column: string;
  sqlType: 'INTEGER' | 'DOUBLE';
  integer: boolean;
  min: number;
  max: number;
  /** Whether min (max) itself is allowed. */
  minIncluded: boolean;
  maxIncluded: boolean;
  nullable?: boolean;
}

const wholeDays = (key: RuleKey, column: string, min = 1): LifecycleRuleSpec => ({
  key,
  column,
  sqlType: 'INTEGER',
  integer: true,
  min,
  max: 36500,
  minIncluded: true,
  maxIncluded: true,
});
const share = (key: RuleKey, column: string): LifecycleRuleSpec => ({
  key,
  column,
  sqlType: 'DOUBLE',
  integer: false,
  min: 0,
  max: 1,
  minIncluded: false,
  maxIncluded: false,
});
const factor = (key: RuleKey, column: string): LifecycleRuleSpec => ({
  key,
  column,
  sqlType: 'DOUBLE',
  integer: false,
  min: 0,
  max: 1000,
  minIncluded: false,
  maxIncluded: true,
});

/** Every rule, in the column order of the rules table (the order its values are bound in). */
export const LIFECYCLE_RULE_SPECS: readonly LifecycleRuleSpec[] = [
  wholeDays('newDays', 'new_days'),
  wholeDays('loyalMinPurchases', 'loyal_min_purchases', 2),
  factor('overdueFactor', 'overdue_factor'),
  wholeDays('churnDays', 'churn_days'),
  wholeDays('wonBackDays', 'won_back_days'),
  share('pAliveAtRisk', 'p_alive_at_risk'),
  share('pAliveChurned', 'p_alive_churned'),
  { ...factor('oneTimeIntervalDays', 'one_time_interval_days'), max: 36500, nullable: true },
  share('riskHighPAlive', 'risk_high_p_alive'),
  share('riskMediumPAlive', 'risk_medium_p_alive'),
  factor('riskHighOverdue', 'risk_high_overdue'),
  factor('riskMediumOverdue', 'risk_medium_overdue'),
  wholeDays('behaviourWindowDays', 'behaviour_window_days'),
  wholeDays('behaviourBaselineDays', 'behaviour_baseline_days'),
  share('behaviourChangeShare', 'behaviour_change_share'),
  wholeDays('behaviourMinBaselineDays', 'behaviour_min_baseline_days'),
];

/** Pairs that must be ordered: [smaller, larger, strictly]. */
const ORDERED: readonly [RuleKey, RuleKey, boolean][] = [
  ['newDays', 'churnDays', true],
  ['pAliveChurned', 'pAliveAtRisk', false],
  ['riskHighPAlive', 'riskMediumPAlive', false],
  ['riskMediumOverdue', 'riskHighOverdue', false],
];

function rangeText(s: LifecycleRuleSpec): string {
  if (s.integer) return `a whole number from ${s.min} to ${s.max}`;
  const lo = s.minIncluded ? `at least ${s.min}` : `above ${s.min}`;
  const hi = s.maxIncluded ? `at most ${s.max}` : `below ${s.max}`;
  return `a number ${lo} and ${hi}${s.nullable ? ', or null' : ''}`;
}

function checkValue(s: LifecycleRuleSpec, v: unknown): string | null {
  if (v === null && s.nullable) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${s.key}: must be ${rangeText(s)}`;
  const tooLow = s.minIncluded ? v < s.min : v <= s.min;
  const tooHigh = s.maxIncluded ? v > s.max : v >= s.max;
  if ((s.integer && !Number.isInteger(v)) || tooLow || tooHigh)
    return `${s.key}: must be ${rangeText(s)}`;
  return null;
}

/**
 * Rules from untrusted input (a saved notebook, a form): every known field is checked; a missing
 * field takes its default, an invalid one keeps its default and adds a problem; unknown fields are
 * reported and ignored. Pairs that must be ordered (newDays < churnDays, pAliveChurned ≤
 * pAliveAtRisk, riskHighPAlive ≤ riskMediumPAlive, riskMediumOverdue ≤ riskHighOverdue) fall back
 * to their defaults together when they are not. The rules returned are always valid.
 */
export function validateLifecycleRules(input: unknown): {
  rules: LifecycleRules;
  problems: string[];
} {
  const rules: LifecycleRules = { ...DEFAULT_LIFECYCLE_RULES };
  const problems: string[] = [];
  if (input === undefined || input === null) return { rules, problems };
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { rules, problems: ['rules: must be an object'] };
  }
  const record = input as Record<string, unknown>;
  const known = new Set<string>(LIFECYCLE_RULE_SPECS.map((s) => s.key));
  for (const key of Object.keys(record)) {
    if (!known.has(key)) problems.push(`${key}: unknown rule`);
  }
  const target = rules as unknown as Record<RuleKey, number | null>;
  for (const s of LIFECYCLE_RULE_SPECS) {
    if (!(s.key in record) || record[s.key] === undefined) continue;
    const problem = checkValue(s, record[s.key]);
    if (problem) problems.push(problem);
    else target[s.key] = record[s.key] as number | null;
  }
  for (const [lo, hi, strict] of ORDERED) {
    const a = rules[lo] as number;
    const b = rules[hi] as number;
    if (strict ? a >= b : a > b) {
      problems.push(`${lo}, ${hi}: ${lo} must be ${strict ? 'less than' : 'at most'} ${hi}`);
      target[lo] = DEFAULT_LIFECYCLE_RULES[lo];
      target[hi] = DEFAULT_LIFECYCLE_RULES[hi];
    }
  }
  return { rules, problems };
}

/** The values of the rules table, in its column order (bind them to `lifecycleRulesTableSql`). */
export function lifecycleRulesParams(rules: LifecycleRules): (number | null)[] {
  return LIFECYCLE_RULE_SPECS.map((s) => rules[s.key]);
}

/** What the stage rule needs to know of one customer at one reference date. */
export interface StageInput {
  /** The customer's distinct purchase days as day numbers, ascending (those before R count). */
  purchaseDays: readonly number[];
  /** The reference date as a day number, exclusive. */
  reference: number;
  /** The population interval in days (see the module comment). */
  populationInterval: number;
  /** P(alive) at the reference date, or null (history; no fitted model). */
  pAlive?: number | null;
}

export interface StageResult {
  stage: LifecycleStage;
  daysSinceFirst: number;
  daysSinceLast: number;
  /** Own mean interval; null for one-time buyers. */
  meanInterval: number | null;
  overdueRatio: number;
  /** The day of the latest return (a purchase made while lapsed), or null. */
  lastReturn: number | null;
  churnRisk: ChurnRiskBand;
}

/** Rules 1–3 without P(alive): lapsed (at_risk or churned) or not, for the return test. */
function lapsedByRecency(
  r: LifecycleRules,
  sinceFirst: number,
  sinceLast: number,
  interval: number,
): boolean {
  if (sinceFirst <= r.newDays) return false;
  return sinceLast > r.churnDays || sinceLast / interval > r.overdueFactor;
}

/**
 * The reference implementation of the stage rule (module comment): the stage of one customer at
 * one reference date, or null when the customer has no purchase before it.
 */
export function lifecycleStageOf(rules: LifecycleRules, input: StageInput): StageResult | null {
  const days = input.purchaseDays.filter((d) => d < input.reference);
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) return null;
  const n = days.length;
  let lastReturn: number | null = null;
  for (let i = 1; i < n; i++) {
    const d = days[i] as number;
    const prev = days[i - 1] as number;
    const interval = i >= 2 ? (prev - first) / (i - 1) : input.populationInterval;
    if (lapsedByRecency(rules, d - first, d - prev, interval)) lastReturn = d;
  }
  const sinceFirst = input.reference - first;
  const sinceLast = input.reference - last;
  const meanInterval = n >= 2 ? (last - first) / (n - 1) : null;
  const overdueRatio = sinceLast / (meanInterval ?? input.populationInterval);
  const p = input.pAlive ?? null;
  let stage: LifecycleStage;
  if (sinceFirst <= rules.newDays) stage = 'new';
  else if (sinceLast > rules.churnDays || (p !== null && p < rules.pAliveChurned))
    stage = 'churned';
  else if (overdueRatio > rules.overdueFactor || (p !== null && p < rules.pAliveAtRisk))
    stage = 'at_risk';
  else if (lastReturn !== null && input.reference - lastReturn <= rules.wonBackDays)
    stage = 'won_back';
  else if (n >= rules.loyalMinPurchases) stage = 'loyal';
  else stage = 'active';
  let churnRisk: ChurnRiskBand;
  if (p !== null)
    churnRisk = p < rules.riskHighPAlive ? 'high' : p < rules.riskMediumPAlive ? 'medium' : 'low';
  else if (sinceFirst <= rules.newDays) churnRisk = 'not_judged';
  else
    churnRisk =
      overdueRatio > rules.riskHighOverdue
        ? 'high'
        : overdueRatio > rules.riskMediumOverdue
          ? 'medium'
          : 'low';
  return {
    stage,
    daysSinceFirst: sinceFirst,
    daysSinceLast: sinceLast,
    meanInterval,
    overdueRatio,
    lastReturn,
    churnRisk,
  };
}
