import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/analysis/policy';
import { DEFAULT_LIFECYCLE_RULES } from '../../src/analysis/lifecycleRules';
import type { ColumnMapping } from '../../src/analysis/mapping';
import type { LoadedDataset } from '../../src/engine/types';
import { fitConfig } from '../../src/persist/apply';
import {
  compactConfig,
  defaultConfig,
  locateColumn,
  mappingRefs,
  parseConfig,
  resolveMapping,
  resolveValueOptions,
  validateConfig,
  valueSettingsOf,
  type AnalysisConfig,
} from '../../src/persist/config';

const HEADERS = ['Order ID', 'Customer ID', 'Order Date', 'Amount', 'Channel'];
/** The fields mapped onto HEADERS by position. */
const MAPPING: ColumnMapping = {
  customerId: 1,
  orderDate: 2,
  amount: 3,
  quantity: null,
  unitPrice: null,
  orderId: 0,
  product: null,
};

/** A configuration as an analyst leaves it: mapping, rules, value settings, a playbook edit. */
function typical(): AnalysisConfig {
  const config = defaultConfig('zh-CN');
  config.mapping = mappingRefs(MAPPING, HEADERS);
  config.read = { encoding: 'gb18030', sheet: null };
  config.dateFamily = 'dmy';
  config.asOf = '2024-06-30';
  config.policy = { ...DEFAULT_POLICY, returns: 'exclude', nonProductCodes: ['POST', '运费*'] };
  config.scheme = 'cn8';
  config.value = valueSettingsOf(
    {
      ...config.value,
      channel: { source: 'orders', column: 4 },
      referrer: null,
      costColumn: null,
      marginColumn: null,
      cacColumn: null,
      horizonMonths: 24,
      margin: 0.4,
      tiers: { high: 0.1, mid: 0.3 },
      cac: [{ channel: '抖音', cac: 35 }],
    },
    { orders: HEADERS, customers: null },
  );
  config.lifecycle.rules = { ...DEFAULT_LIFECYCLE_RULES, churnDays: 240 };
  config.playbook = { cn8: { version: 1, entries: { 'stage:new': { owner: '增长组' } } } };
  config.currency = 'CNY';
  config.notebook = { version: 1, cells: [{ id: 'a', kind: 'sql', source: 'SELECT 1' }] };
  return config;
}

describe('configuration snapshots', () => {
  it('reads back exactly what was saved, through JSON', () => {
    const config = typical();
    const checked = parseConfig(JSON.stringify(config));
    expect(checked).toEqual({ ok: true, config, problems: [] });
  });

  it('fills every missing setting with its default (a link leaves them out)', () => {
    const checked = validateConfig({ format: 'valuemap-config', version: 1, scheme: 'cn8' });
    expect(checked.ok && checked.config).toEqual({ ...defaultConfig(), scheme: 'cn8' });
  });

  it('keeps the compact form equal to the full one once defaults are filled in', () => {
    const config = typical();
    const compact = compactConfig(config);
    expect(compact.value).toEqual({
      horizonMonths: 24,
      margin: 0.4,
      tiers: { high: 0.1, mid: 0.3 },
      channel: { source: 'orders', name: 'Channel', index: 4 },
      cac: [{ channel: '抖音', cac: 35 }],
    });
    expect(compact.policy).toEqual({ returns: 'exclude', nonProductCodes: ['POST', '运费*'] });
    expect(compact).not.toHaveProperty('lifecycle.period');
    const checked = validateConfig(JSON.parse(JSON.stringify(compact)));
    expect(checked.ok && checked.config).toEqual(config);
  });

  it('refuses an older or newer format, or something else, as a whole', () => {
    expect(validateConfig({ format: 'valuemap-config', version: 0 })).toEqual({
      ok: false,
      error: { code: 'version_old', version: 0 },
    });
    expect(validateConfig({ format: 'valuemap-config', version: 2, scheme: 'cn8' })).toEqual({
      ok: false,
      error: { code: 'version_new', version: 2 },
    });
    expect(validateConfig({ format: 'other', version: 1 })).toEqual({
      ok: false,
      error: { code: 'not_config' },
    });
    expect(validateConfig([1, 2])).toEqual({ ok: false, error: { code: 'not_config' } });
    expect(parseConfig('{"format":"valuemap-config",')).toEqual({
      ok: false,
      error: { code: 'not_json' },
    });
    expect(parseConfig('x'.repeat(2_000_001))).toEqual({
      ok: false,
      error: { code: 'too_large', bytes: 2_000_001 },
    });
  });

  it('keeps the defaults of corrupt settings and lists each of them', () => {
    const checked = validateConfig({
      format: 'valuemap-config',
      version: 1,
      scheme: 'rfm99',
      asOf: '2024-13-45',
      dateFamily: 'ydm',
      currency: 'XXX',
      mapping: { customerId: { name: 'Customer', index: -1 }, amount: { name: 'Amt', index: 2 } },
      policy: { returns: 'sometimes' },
      value: { horizonMonths: 1e9, margin: 0, tiers: { high: 0.9, mid: 0.5 }, cac: 'lots' },
      lifecycle: { period: 'decade', rules: { churnDays: -5 }, flowFrom: 'yesterday' },
      playbook: { cn8: { version: 1, entries: { 'stage:new': { owner: 42 } } }, x: {} },
      notebook: { cells: [1, 2, Number.NaN] },
    });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.config.scheme).toBe('rfm11');
    expect(checked.config.asOf).toBeNull();
    expect(checked.config.mapping).toEqual({ amount: { name: 'Amt', index: 2 } });
    expect(checked.config.policy).toEqual(DEFAULT_POLICY);
    expect(checked.config.value).toEqual(defaultConfig().value);
    expect(checked.config.lifecycle.rules.churnDays).toBe(DEFAULT_LIFECYCLE_RULES.churnDays);
    expect(checked.config.playbook).toEqual({});
    expect(checked.config.notebook).toBeNull();
    expect(checked.problems).toEqual(
      expect.arrayContaining([
        'scheme',
        'asOf',
        'dateFamily',
        'currency',
        'mapping.customerId',
        'policy.returns_unknown',
        'value.horizonMonths',
        'value.margin',
        'value.tiers',
        'value.cac',
        'lifecycle.period',
        'lifecycle.flowFrom',
        'playbook.cn8',
        'playbook.x',
        'notebook',
      ]),
    );
  });

  it('keeps saved selections by customer id, and refuses malformed ones whole', () => {
    const base = { format: 'valuemap-config', version: 1 };
    const segments = [{ name: 'Mid-value buyers', customers: ['C001', '客户7', '*******528'] }];
    const kept = validateConfig({ ...base, segments });
    expect(kept.ok && kept.config.segments).toEqual(segments);
    for (const bad of [
      'x',
      [{ name: 1, customers: [] }],
      [{ name: 'a', customers: [1] }],
      [{ name: 'a', customers: Array.from({ length: 200_001 }, (_, i) => String(i)) }],
    ]) {
      const checked = validateConfig({ ...base, segments: bad });
      expect(checked.ok && checked.config.segments).toEqual([]);
      expect(checked.ok && checked.problems).toEqual(['segments']);
    }
  });

  it('keeps a chosen delimiter and refuses an unknown one', () => {
    const base = { format: 'valuemap-config', version: 1 };
    const spaces = validateConfig({
      ...base,
      read: { encoding: null, sheet: null, delimiter: 'whitespace' },
    });
    expect(spaces.ok && spaces.config.read).toEqual({
      encoding: null,
      sheet: null,
      delimiter: 'whitespace',
    });
    const odd = validateConfig({ ...base, read: { delimiter: '; DROP' } });
    expect(odd.ok && odd.config.read).toEqual({ encoding: null, sheet: null });
    expect(odd.ok && odd.problems).toEqual(['read.delimiter']);
  });

  it('treats hostile text as text: nothing in it runs, prototypes stay untouched', () => {
    const text =
      '{"format":"valuemap-config","version":1,"__proto__":{"polluted":true},' +
      '"mapping":{"customerId":{"name":"<img src=x onerror=alert(1)>","index":0},' +
      '"constructor":{"name":"x","index":1}},' +
      '"notebook":{"cells":[{"source":"<script>alert(1)</script>"}]}}';
    const checked = parseConfig(text);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(checked.config.mapping.customerId?.name).toBe('<img src=x onerror=alert(1)>');
    expect(checked.problems).toContain('mapping.constructor');
    expect(checked.config.notebook).toEqual({
      cells: [{ source: '<script>alert(1)</script>' }],
    });
  });
});

describe('columns by name and position', () => {
  it('finds saved columns by name in a file whose columns were reordered', () => {
    const saved = mappingRefs(MAPPING, HEADERS);
    const reordered = ['Amount', 'Channel', 'Order Date', 'customer id ', 'Order ID'];
    expect(resolveMapping(saved, reordered)).toEqual({
      mapping: {
        customerId: 3,
        orderDate: 2,
        amount: 0,
        quantity: null,
        unitPrice: null,
        orderId: 4,
        product: null,
      },
      moved: ['customerId', 'amount', 'orderId'],
      missing: [],
    });
  });

  it('falls back to the position for a renamed header, never onto another saved column', () => {
    expect(locateColumn({ name: 'Kunde', index: 1 }, ['Order', 'Customer', 'Date'])).toBe(1);
    const claimed = new Set(['date']);
    expect(locateColumn({ name: 'Kunde', index: 2 }, ['Order', 'Customer', 'Date'], claimed)).toBe(
      null,
    );
    expect(locateColumn({ name: 'Kunde', index: 7 }, ['Order', 'Customer'])).toBeNull();
    // Two columns of one name: the saved position decides.
    expect(locateColumn({ name: 'x', index: 2 }, ['x', 'y', 'x'])).toBe(2);
  });

  it('resolves value columns by name only, in the orders or the customer list', () => {
    const config = typical();
    const options = resolveValueOptions(config.value, {
      orders: ['Channel', 'Order ID'],
      customers: null,
    });
    expect(options.channel).toEqual({ source: 'orders', column: 0 });
    const gone = resolveValueOptions(config.value, {
      orders: ['A', 'B', 'C', 'D', 'E'],
      customers: null,
    });
    expect(gone.channel).toBeNull();
    expect(gone.horizonMonths).toBe(24);
  });

  it('fits a configuration to a loaded file: saved roles first, the guess for the rest', () => {
    const config = typical();
    delete config.mapping.orderId;
    const loaded = {
      columns: ['Customer ID', 'Order Date', 'Amount', 'Order ID'].map((name) => ({ name })),
      attributes: null,
      guess: {
        customerId: 0,
        orderDate: 1,
        amount: 2,
        quantity: null,
        unitPrice: null,
        orderId: 3,
        product: null,
      },
    } as unknown as LoadedDataset;
    const fit = fitConfig(config, loaded);
    expect(fit.moved).toEqual(['customerId', 'orderDate', 'amount']);
    expect(fit.replay).toMatchObject({
      mapping: { customerId: 0, orderDate: 1, amount: 2, orderId: 3 },
      asOf: '2024-06-30',
      dateFamily: 'dmy',
      value: { horizonMonths: 24, channel: null, cac: [{ channel: '抖音', cac: 35 }] },
    });
    // A file without the saved customer column (nor a guess for it) goes to the mapping panel.
    const bare = {
      ...loaded,
      columns: [{ name: 'When' }, { name: 'Total' }],
      guess: { ...loaded.guess, customerId: null, orderId: null },
    } as unknown as LoadedDataset;
    expect(fitConfig(config, bare).replay).toBeNull();
  });
});
