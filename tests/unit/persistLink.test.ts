import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/analysis/policy';
import { defaultConfig, mappingRefs, type AnalysisConfig } from '../../src/persist/config';
import { MAX_PARAM_CHARS, decodeConfig, encodeConfig, shareLink } from '../../src/persist/link';

const base64url = (bytes: Uint8Array) =>
  Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The settings an analyst typically changes on the UCI sample. */
function typical(): AnalysisConfig {
  const config = defaultConfig('en');
  config.mapping = mappingRefs(
    {
      customerId: 6,
      orderDate: 4,
      amount: null,
      quantity: 3,
      unitPrice: 5,
      orderId: 0,
      product: 1,
    },
    [
      'Invoice',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'Price',
      'Customer ID',
      'Country',
    ],
  );
  config.scheme = 'cn8';
  config.asOf = '2011-12-10';
  config.value.horizonMonths = 24;
  config.value.margin = 0.35;
  config.value.tiers = { high: 0.1, mid: 0.3 };
  config.lifecycle.rules.churnDays = 270;
  config.currency = 'GBP';
  return config;
}

describe('share links', () => {
  it('round-trips a configuration through ?config=', () => {
    const config = typical();
    const link = shareLink('https://example.org/app/?lang=zh-CN#x', config, {
      url: 'https://data.example.org/orders.csv',
    });
    const url = new URL(link);
    expect(url.pathname).toBe('/app/');
    expect(url.hash).toBe('');
    expect(url.searchParams.get('lang')).toBeNull();
    expect(url.searchParams.get('data')).toBe('https://data.example.org/orders.csv');
    const checked = decodeConfig(url.searchParams.get('config') ?? '');
    expect(checked).toEqual({ ok: true, config, problems: [] });
  });

  it('keeps links short: defaults are left out, the rest deflated', () => {
    const empty = encodeConfig(defaultConfig('en'));
    const usual = encodeConfig(typical());
    // Measured: 74 and 370 characters; the full JSON of `typical()` is 1,555.
    expect(empty.length).toBeLessThan(90);
    expect(usual.length).toBeLessThan(400);
    expect(usual.length).toBeLessThan(JSON.stringify(typical()).length / 3);
    expect(usual).toMatch(/^[A-Za-z0-9_-]+$/);
    // A policy with the default codes costs nothing; its own codes are carried.
    const custom = typical();
    custom.policy = { ...DEFAULT_POLICY, nonProductCodes: ['POST', 'DOT', '运费*'] };
    const decoded = decodeConfig(encodeConfig(custom));
    expect(decoded.ok && decoded.config.policy.nonProductCodes).toEqual(['POST', 'DOT', '运费*']);
  });

  it('never carries the notebook cells (files do)', () => {
    const config = typical();
    config.notebook = { version: 1, cells: [{ id: 'a', kind: 'sql', source: 'SELECT 42' }] };
    const decoded = decodeConfig(encodeConfig(config));
    expect(decoded.ok && decoded.config.notebook).toBeNull();
  });

  it('refuses damaged, oversized and inflating-bomb parameters', () => {
    expect(decodeConfig('not base64 !')).toEqual({ ok: false, error: { code: 'not_json' } });
    expect(decodeConfig('AAAA')).toEqual({ ok: false, error: { code: 'not_json' } });
    expect(decodeConfig('x'.repeat(MAX_PARAM_CHARS + 1))).toEqual({
      ok: false,
      error: { code: 'too_large', bytes: MAX_PARAM_CHARS + 1 },
    });
    // 50 MB of spaces deflate to ~50 KB: under the parameter limit, stopped while inflating.
    const bomb = base64url(deflateSync(new Uint8Array(50_000_000).fill(32), { level: 9 }));
    expect(bomb.length).toBeLessThan(MAX_PARAM_CHARS);
    expect(decodeConfig(bomb)).toEqual({ ok: false, error: { code: 'not_json' } });
  });

  it('reads hostile content as data: script in names stays text, code is never run', () => {
    const hostile = {
      format: 'valuemap-config',
      version: 1,
      scheme: 'cn8',
      mapping: { customerId: { name: '"><script>window.pwned=1</script>', index: 0 } },
      value: { cac: [{ channel: '=HYPERLINK("http://evil","x")', cac: 1 }] },
      toString: 'function(){window.pwned=1}',
    };
    const param = base64url(deflateSync(strToU8(JSON.stringify(hostile))));
    const decoded = decodeConfig(param);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.config.mapping.customerId?.name).toBe('"><script>window.pwned=1</script>');
    expect(decoded.config.value.cac).toEqual([
      { channel: '=HYPERLINK("http://evil","x")', cac: 1 },
    ]);
    expect(Object.keys(decoded.config)).not.toContain('toString');
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    // Not a config at all: refused whole.
    const other = base64url(deflateSync(strToU8('{"format":"evil","version":1}')));
    expect(decodeConfig(other)).toEqual({ ok: false, error: { code: 'not_config' } });
  });
});
