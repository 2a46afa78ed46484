/**
 * What a customer attribute column is about, guessed from its header (English and Chinese
 * synonyms) and, failing that, from its values; and the segmentation family each kind belongs to
 * (geographic, demographic, psychographic, behavioural).
 */

export const ATTRIBUTE_KINDS = [
  'region',
  'age',
  'gender',
  'income',
  'occupation',
  'industry',
  'company_size',
  'interests',
  'channel',
  'membership',
  'other',
] as const;
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number];

export const ATTRIBUTE_FAMILIES = [
  'geographic',
  'demographic',
  'psychographic',
  'behavioural',
] as const;
export type AttributeFamily = (typeof ATTRIBUTE_FAMILIES)[number];

/**
 * Firmographics (industry, company size) count as demographic for B2B customers; an unrecognised
 * column is taken as behavioural (how the customer bought: store, payment, device…).
 */
export const FAMILY_OF: Record<AttributeKind, AttributeFamily> = {
  region: 'geographic',
  age: 'demographic',
  gender: 'demographic',
  income: 'demographic',
  occupation: 'demographic',
  industry: 'demographic',
  company_size: 'demographic',
  interests: 'psychographic',
  channel: 'behavioural',
  membership: 'behavioural',
  other: 'behavioural',
};

/** How a kind's values become groups: age bands, quantile bands, or the values themselves. */
export type Binning = 'age' | 'quantile' | 'values';

/** Header synonyms, compared after `normaliseName`; a longer header containing one also matches. */
const SYNONYMS: Record<Exclude<AttributeKind, 'other'>, readonly string[]> = {
  region: [
    'region',
    'city',
    'province',
    'state',
    'country',
    'area',
    'location',
    'district',
    'territory',
    'postcode',
    'zip',
    '地区',
    '城市',
    '省份',
    '省',
    '国家',
    '区域',
    '所在地',
    '地域',
    '城市等级',
  ],
  age: ['age', 'agegroup', 'ageband', '年龄', '年龄段', '岁数'],
  gender: ['gender', 'sex', '性别'],
  income: ['income', 'salary', 'wage', 'earnings', '收入', '月收入', '年收入', '薪资', '工资'],
  occupation: ['occupation', 'job', 'profession', 'jobtitle', '职业', '工作', '职位'],
  industry: ['industry', 'sector', 'vertical', '行业', '所属行业'],
  company_size: [
    'companysize',
    'employees',
    'headcount',
    'employeecount',
    '规模',
    '公司规模',
    '员工数',
    '员工人数',
    '人数',
  ],
  interests: [
    'interest',
    'interests',
    'hobby',
    'hobbies',
    'tag',
    'tags',
    '兴趣',
    '标签',
    '爱好',
    '偏好',
  ],
  channel: [
    'channel',
    'source',
    'platform',
    'medium',
    'utm',
    'acquisition',
    'referral',
    '渠道',
    '来源',
    '平台',
    '获客渠道',
    '注册渠道',
  ],
  membership: ['membership', 'member', 'loyalty', 'level', 'tier', '会员', '等级', '会员等级'],
};

export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[\s_\-.()（）[\]【】/]+/g, '')
    .trim();
}

/** The kind a header names; an exact synonym beats one inside a longer header. */
export function kindFromName(name: string): AttributeKind | null {
  const n = normaliseName(name);
  if (n === '') return null;
  const kinds = Object.keys(SYNONYMS) as Exclude<AttributeKind, 'other'>[];
  for (const kind of kinds) if (SYNONYMS[kind].includes(n)) return kind;
  // Inside a longer header: ASCII synonyms of 3+ letters, any Chinese synonym ("所在城市").
  let best: { kind: AttributeKind; length: number } | null = null;
  for (const kind of kinds) {
    for (const s of SYNONYMS[kind]) {
      const usable = /^[a-z]+$/.test(s) ? s.length >= 4 : s.length >= 2;
      if (usable && n.includes(s) && (best === null || s.length > best.length))
        best = { kind, length: s.length };
    }
  }
  return best?.kind ?? null;
}

const GENDER_VALUES = new Set([
  '男',
  '女',
  'm',
  'f',
  'male',
  'female',
  'man',
  'woman',
  '男性',
  '女性',
]);

/** The kind the values give away when the header does not: gender is recognisable by its values. */
export function kindFromValues(topValues: readonly string[]): AttributeKind | null {
  const values = topValues.map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  if (values.length >= 2 && values.length <= 4 && values.every((v) => GENDER_VALUES.has(v)))
    return 'gender';
  return null;
}

export interface AttributeFacts {
  name: string;
  /** Customers with a value. */
  filled: number;
  distinctValues: number;
  /** Of the filled values, the share that read as numbers. */
  numericShare: number;
  /** The most common values (most common first). */
  topValues: string[];
}

/** Kind, family and binning of a column of customer values. */
export function classifyAttribute(f: AttributeFacts): {
  kind: AttributeKind;
  family: AttributeFamily;
  numeric: boolean;
  binning: Binning;
} {
  const kind = kindFromName(f.name) ?? kindFromValues(f.topValues) ?? 'other';
  // Numbers with few distinct values (a 1–5 rating, a level) read better as their values.
  const numeric =
    f.filled > 0 &&
    f.numericShare >= 0.95 &&
    (f.distinctValues > 12 || kind === 'age' || kind === 'income');
  const binning: Binning = !numeric ? 'values' : kind === 'age' ? 'age' : 'quantile';
  return { kind, family: FAMILY_OF[kind], numeric, binning };
}

/** A column unusable as an attribute: empty, one value for everyone, or an identifier per customer. */
export function unusableAttribute(f: AttributeFacts, customers: number): boolean {
  if (f.filled === 0 || f.distinctValues < 2) return true;
  const numeric = f.numericShare >= 0.95;
  return !numeric && f.distinctValues > Math.max(50, 0.5 * customers);
}
