import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/analysis/policy';
import { QUALITY_RULES, RULE_EFFECT } from '../../src/analysis/quality';
import { qualityMetadata, qualityReportCsv, sampleText } from '../../src/analysis/qualityCsv';
import type { QualityReport, QualitySample } from '../../src/engine/types';
import { MESSAGES } from '../../src/i18n/messages';
import { headerScore } from '../../src/ingest/headerGuess';

const sample = (sourceRow: number, over: Partial<QualitySample> = {}): QualitySample => ({
  sourceRow,
  customerText: 'A',
  dateText: '2024-01-01',
  amountText: '2 × 5.00',
  orderText: 'o1',
  productText: 'MUG',
  rawLine: null,
  ...over,
});

const REPORT: QualityReport = {
  rowsRead: 400,
  policy: DEFAULT_POLICY,
  rules: [
    {
      rule: 'malformed_row',
      effect: 'excluded',
      rows: 1,
      share: 0.0025,
      amount: null,
      customers: null,
      samples: [sample(7, { rawLine: 'TOO MANY COLUMNS: B,"x, y",5' })],
    },
    {
      rule: 'non_product',
      effect: 'excluded',
      rows: 3,
      share: 0.0075,
      amount: 1234.5678,
      customers: 2,
      samples: [sample(2, { productText: 'POSTAGE, "EU"' }), sample(3, { customerText: '' })],
    },
    {
      rule: 'return_netted',
      effect: 'netted',
      rows: 1,
      share: 1 / 3,
      amount: -8,
      customers: 1,
      samples: [sample(9, { orderText: null, productText: null })],
    },
  ],
};

/** Fields of one CSV line, honouring quotes (the test's own reader, not the code under test). */
function parseLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

describe('the data-quality report as CSV', () => {
  it('starts with a BOM and a header in the user’s language, one row per rule', () => {
    const csv = qualityReportCsv(REPORT, 'en');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(parseLine(lines[0] ?? '')).toEqual([
      'rule_key',
      'Rule',
      'Effect',
      'Rows',
      '% of rows read',
      'Amount',
      'Customers',
      'Example 1',
      'Example 2',
      'Example 3',
      'Example 4',
      'Example 5',
    ]);
    expect(lines.slice(1, -1).map((l) => parseLine(l).slice(0, 7))).toEqual([
      ['malformed_row', 'Malformed line', 'left out', '1', '0.0025', '', ''],
      [
        'non_product',
        'Not a product (postage, fees, adjustments)',
        'left out',
        '3',
        '0.0075',
        '1234.57',
        '2',
      ],
      [
        'return_netted',
        'Return or refund',
        'netted against spend, not a purchase',
        '1',
        '0.333333',
        '-8',
        '1',
      ],
    ]);
  });

  it('quotes fields with commas and quotes, and writes samples as the file had them', () => {
    const lines = qualityReportCsv(REPORT, 'en').slice(1).split('\r\n');
    const [, malformed, nonProduct, returned] = lines.map(parseLine);
    expect(malformed?.[7]).toBe('line 7: TOO MANY COLUMNS: B,"x, y",5');
    expect(nonProduct?.slice(7)).toEqual([
      'row 2: A · 2024-01-01 · 2 × 5.00 · o1 · POSTAGE, "EU"',
      'row 3: ∅ · 2024-01-01 · 2 × 5.00 · o1 · MUG',
      '',
      '',
      '',
    ]);
    expect(returned?.[7]).toBe('row 9: A · 2024-01-01 · 2 × 5.00');
  });

  it('speaks Chinese when the user does', () => {
    const csv = qualityReportCsv(REPORT, 'zh-CN');
    const lines = csv.slice(1).split('\r\n').map(parseLine);
    expect(lines[0]?.slice(0, 4)).toEqual(['rule_key', '规则', '影响', '行数']);
    expect(lines[3]?.slice(0, 3)).toEqual([
      'return_netted',
      '退货或退款',
      '从消费中扣除，不算购买',
    ]);
    expect(sampleText('zh-CN', sample(9))).toBe(
      '第 9 行数据: A · 2024-01-01 · 2 × 5.00 · o1 · MUG',
    );
  });

  it('has a label, an explanation and an effect in both languages for every rule', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const messages = MESSAGES[locale] as Record<string, string>;
      for (const rule of QUALITY_RULES) {
        expect(messages[`quality.${rule}`], `${locale} quality.${rule}`).toBeTruthy();
        expect(messages[`quality.${rule}.fix`], `${locale} quality.${rule}.fix`).toBeTruthy();
        expect(messages[`quality.effect.${RULE_EFFECT[rule]}`]).toBeTruthy();
      }
    }
  });
});

describe('the rule counts as export metadata', () => {
  it('keeps keys and plain numbers, drops samples, and carries the policy', () => {
    expect(qualityMetadata(REPORT)).toEqual({
      rows_read: 400,
      policy: {
        remove_duplicates: true,
        returns: 'net',
        cancelled_order_prefix: 'C',
        exclude_zero_amount: true,
        non_product_codes: DEFAULT_POLICY.nonProductCodes,
      },
      rules: [
        {
          rule: 'malformed_row',
          effect: 'excluded',
          rows: 1,
          share: 0.0025,
          amount: null,
          customers: null,
        },
        {
          rule: 'non_product',
          effect: 'excluded',
          rows: 3,
          share: 0.0075,
          amount: 1234.57,
          customers: 2,
        },
        {
          rule: 'return_netted',
          effect: 'netted',
          rows: 1,
          share: 0.333333,
          amount: -8,
          customers: 1,
        },
      ],
    });
  });
});

describe('the product column', () => {
  it.each([
    'StockCode',
    'Description',
    'SKU',
    'Product Name',
    'Item',
    '商品编码',
    '商品名称',
    '产品',
    '品名',
    '货号',
  ])('recognises %s as the product', (header) => {
    expect(headerScore(header, 'product')).toBe(100);
  });

  it('does not take amount or quantity headers that mention goods', () => {
    expect(headerScore('商品金额', 'product')).toBe(0);
    expect(headerScore('商品数量', 'product')).toBe(0);
    expect(headerScore('UnitPrice', 'product')).toBe(0);
  });
});
