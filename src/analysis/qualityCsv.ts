import { csvText } from './csvText';
import type { QualityReport, QualityRule, QualitySample } from '../engine/types';
import type { Locale } from '../i18n/locales';
import { translate, type MessageKey, type MessageParams } from '../i18n/messages';
import { SAMPLES_PER_RULE } from './quality';

/** Numbers as Excel reads them in any locale: no thousands separators, a decimal point. */
function number(value: number | null, decimals: number): number | null {
  return value === null ? null : Number(value.toFixed(decimals));
}

/** What the file said in each mapped column of a sample row, in mapping order. */
export function sampleParts(sample: QualitySample): string[] {
  return [
    sample.customerText,
    sample.dateText,
    sample.amountText,
    sample.orderText,
    sample.productText,
  ].filter((p): p is string => p !== null);
}

/** A sample as one line of text: where it is, then what the file said in each mapped column. */
export function sampleText(locale: Locale, sample: QualitySample): string {
  if (sample.rawLine !== null) {
    return `${translate(locale, 'quality.sampleLine', { row: sample.sourceRow })}: ${sample.rawLine}`;
  }
  const parts = sampleParts(sample);
  const where = translate(locale, 'quality.sampleRow', { row: sample.sourceRow });
  return `${where}: ${parts.map((p) => (p === '' ? '∅' : p)).join(' · ')}`;
}

/**
 * The data-quality report as CSV, in the user's language, one row per rule that fired: a stable
 * `rule_key`, the rule and its effect in words, rows, share of rows read (a fraction, so a
 * spreadsheet can format it), amount, customers and up to five examples. Starts with a BOM, so
 * Excel opens Chinese text as UTF-8; CRLF line ends, as Excel writes them.
 */
export function qualityReportCsv(report: QualityReport, locale: Locale): string {
  const t = (key: MessageKey, params: MessageParams = {}) => translate(locale, key, params);
  const header = [
    'rule_key',
    t('quality.col.rule'),
    t('quality.col.effect'),
    t('quality.col.rows'),
    t('quality.col.share'),
    t('quality.col.amount'),
    t('quality.col.customers'),
    ...Array.from({ length: SAMPLES_PER_RULE }, (_, i) => t('quality.col.sample', { n: i + 1 })),
  ];
  const row = (r: QualityRule) => [
    r.rule,
    t(`quality.${r.rule}`),
    t(`quality.effect.${r.effect}`),
    r.rows,
    number(r.share, 6),
    number(r.amount, 2),
    r.customers,
    ...Array.from({ length: SAMPLES_PER_RULE }, (_, i) => {
      const sample = r.samples[i];
      return sample ? sampleText(locale, sample) : '';
    }),
  ];
  return csvText(header, report.rules.map(row));
}

/** The rule counts for an export's metadata: stable keys, plain numbers, no samples. */
export interface QualityMetadata {
  rows_read: number;
  policy: {
    remove_duplicates: boolean;
    returns: 'net' | 'exclude';
    cancelled_order_prefix: string;
    exclude_zero_amount: boolean;
    non_product_codes: string[];
  };
  rules: {
    rule: QualityRule['rule'];
    effect: QualityRule['effect'];
    rows: number;
    share: number;
    amount: number | null;
    customers: number | null;
  }[];
}

/**
 * What the customers export should carry about its input: the rows read, the policy applied and
 * every rule that fired with its count. Language-independent (keys, not labels), so a script can
 * compare two exports; JSON-ready.
 */
export function qualityMetadata(report: QualityReport): QualityMetadata {
  const p = report.policy;
  return {
    rows_read: report.rowsRead,
    policy: {
      remove_duplicates: p.removeDuplicates,
      returns: p.returns,
      cancelled_order_prefix: p.cancelledOrderPrefix,
      exclude_zero_amount: p.excludeZeroAmount,
      non_product_codes: [...p.nonProductCodes],
    },
    rules: report.rules.map((r) => ({
      rule: r.rule,
      effect: r.effect,
      rows: r.rows,
      share: Number(r.share.toFixed(6)),
      amount: r.amount === null ? null : Number(r.amount.toFixed(2)),
      customers: r.customers,
    })),
  };
}
