/**
 * What counts as a purchase when an export holds more than purchases: returns, cancelled invoices,
 * free or non-product lines (postage, fees, manual adjustments) and rows exported twice. Every rule
 * that fires is counted in the data-quality report with its effect; nothing is dropped silently.
 */
export interface IngestPolicy {
  /**
   * Rows equal to an earlier row in every column of the file (not only the mapped ones) are left
   * out as `duplicate_row`; the first is kept. Default true: a line exported twice is one line.
   */
  removeDuplicates: boolean;
  /**
   * Negative amounts (returns, refunds): `net` (default) keeps them, so they net against the
   * customer's spend but are never purchases; `exclude` leaves them out (spend is then gross).
   */
  returns: 'net' | 'exclude';
  /**
   * Rows whose order id starts with this text belong to a cancelled order (UCI Online Retail writes
   * `C536379`). They never count as purchases: negative lines net like returns (or are left out when
   * `returns` is `exclude`), other lines are left out as `cancelled_order`. Case-sensitive; empty
   * turns the rule off; it only applies when an order id column is mapped. Default `C`.
   */
  cancelledOrderPrefix: string;
  /** Rows with an amount of exactly zero (free items, price-0 adjustments) are left out. Default true. */
  excludeZeroAmount: boolean;
  /**
   * Values of the product column (code or description) that are not products: postage, fees,
   * manual adjustments, discounts. Matched against the whole value, trimmed and case-insensitive,
   * so `POST` catches `post` but not `POSTCARD`, and `DOT` never catches `POLKADOT`; an entry
   * ending in `*` matches values that start with it (`运费*` catches `运费补差`). Applies only when a
   * product column is mapped.
   */
  nonProductCodes: string[];
}

/**
 * Stock codes and descriptions of the non-product lines of the UCI Online Retail data set, and the
 * usual names of fee and adjustment lines in Chinese shop exports.
 */
export const DEFAULT_NON_PRODUCT_CODES: readonly string[] = [
  'POST',
  'POSTAGE',
  'DOT',
  'DOTCOM POSTAGE',
  'C2',
  'CARRIAGE',
  'M',
  'Manual',
  'D',
  'Discount',
  'BANK CHARGES',
  'AMAZONFEE',
  'AMAZON FEE',
  'CRUK',
  'CRUK Commission',
  'PADS',
  'S',
  'SAMPLES',
  'B',
  'Adjust bad debt',
  'shipping',
  'delivery',
  'fee',
  '运费',
  '邮费',
  '快递费',
  '配送费',
  '手续费',
  '服务费',
  '调整',
  '差价',
  '补差价',
  '折扣',
  '优惠',
  '优惠券',
];

export const DEFAULT_POLICY: IngestPolicy = {
  removeDuplicates: true,
  returns: 'net',
  cancelledOrderPrefix: 'C',
  excludeZeroAmount: true,
  nonProductCodes: [...DEFAULT_NON_PRODUCT_CODES],
};

/** Limits that keep a pasted list from becoming a denial of service on the parameters table. */
export const POLICY_LIMITS = { prefixLength: 20, codes: 500, codeLength: 100 } as const;

export type PolicyProblem =
  | 'returns_unknown'
  | 'prefix_too_long'
  | 'prefix_control_character'
  | 'too_many_codes'
  | 'code_too_long'
  | 'code_control_character'
  | 'not_a_policy';

// Control characters cannot be typed into the form; in a policy they mean a broken caller.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The policy with its text tidied (codes trimmed, empty and repeated ones dropped — repeats compared
 * case-insensitively, as matching is) and what is still wrong with it; empty `problems` = usable.
 */
export function validatePolicy(input: unknown): {
  policy: IngestPolicy;
  problems: PolicyProblem[];
} {
  const problems: PolicyProblem[] = [];
  if (typeof input !== 'object' || input === null) {
    return { policy: { ...DEFAULT_POLICY }, problems: ['not_a_policy'] };
  }
  const p = input as Partial<Record<keyof IngestPolicy, unknown>>;
  if (
    typeof p.removeDuplicates !== 'boolean' ||
    typeof p.excludeZeroAmount !== 'boolean' ||
    typeof p.cancelledOrderPrefix !== 'string' ||
    !Array.isArray(p.nonProductCodes) ||
    !p.nonProductCodes.every((c) => typeof c === 'string')
  ) {
    return { policy: { ...DEFAULT_POLICY }, problems: ['not_a_policy'] };
  }
  if (p.returns !== 'net' && p.returns !== 'exclude') problems.push('returns_unknown');
  // Leading or trailing spaces are kept: order ids are compared after trimming, so a prefix with
  // spaces around it would silently never match; say so instead of guessing.
  const prefix = p.cancelledOrderPrefix.trim();
  if (prefix.length > POLICY_LIMITS.prefixLength) problems.push('prefix_too_long');
  if (CONTROL.test(prefix)) problems.push('prefix_control_character');
  const codes: string[] = [];
  const seen = new Set<string>();
  for (const raw of p.nonProductCodes as string[]) {
    const code = raw.trim();
    if (code === '' || code === '*' || seen.has(code.toLowerCase())) continue;
    seen.add(code.toLowerCase());
    codes.push(code);
  }
  if (codes.length > POLICY_LIMITS.codes) problems.push('too_many_codes');
  if (codes.some((c) => c.length > POLICY_LIMITS.codeLength)) problems.push('code_too_long');
  if (codes.some((c) => CONTROL.test(c))) problems.push('code_control_character');
  return {
    policy: {
      removeDuplicates: p.removeDuplicates,
      returns: p.returns === 'exclude' ? 'exclude' : 'net',
      cancelledOrderPrefix: prefix,
      excludeZeroAmount: p.excludeZeroAmount,
      nonProductCodes: codes,
    },
    problems,
  };
}

/** Same rules, same result: what decides whether typed rows can be reused. */
export function samePolicy(a: IngestPolicy, b: IngestPolicy): boolean {
  return (
    a.removeDuplicates === b.removeDuplicates &&
    a.returns === b.returns &&
    a.cancelledOrderPrefix === b.cancelledOrderPrefix &&
    a.excludeZeroAmount === b.excludeZeroAmount &&
    a.nonProductCodes.length === b.nonProductCodes.length &&
    a.nonProductCodes.every((c, i) => c === b.nonProductCodes[i])
  );
}

/**
 * The non-product list as it reaches SQL: one row per entry, with a flag for prefix entries
 * (`运费*`). Bound as parameters by `policyTablesSql`, which lower-cases them in SQL, as the
 * product values are, so both sides fold case the same way.
 */
export function nonProductRows(codes: readonly string[]): { code: string; prefix: boolean }[] {
  return codes.map((c) =>
    c.endsWith('*') ? { code: c.slice(0, -1).trim(), prefix: true } : { code: c, prefix: false },
  );
}
