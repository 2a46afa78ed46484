import { describe, expect, it } from 'vitest';
import { exportMetadata, VALUE_IDENTITY } from '../../src/analysis/exportMetadata';
import { DEFAULT_VALUE_OPTIONS } from '../../src/engine/types';
import { startEngine, utf8 } from './helpers/engine';

describe('export metadata', () => {
  it('names the files, mapping and as-of date, and carries every quality rule with its count', async () => {
    const engine = await startEngine();
    const csv = [
      '订单号,客户编号,下单时间,实付金额',
      'A1,001,2024-01-05,100',
      'A1,001,2024-01-05,100',
      'A2,002,2024-02-30,50',
      'A3,,2024-03-01,20',
      'A4,002,2024-03-02,80',
    ].join('\n');
    const loaded = await engine.loadCsv(utf8(csv), '订单.csv');
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    const metadata = exportMetadata({
      loaded,
      result,
      scheme: 'rfm11',
      customersFile: '订单-customers-2024-03-03.csv',
      now: new Date('2026-11-28T00:00:00Z'),
    });
    expect(metadata.source.files).toEqual([
      { name: '订单.csv', rows: 5, format: 'delimited', encoding: 'utf-8' },
    ]);
    expect(metadata.mapping).toEqual({
      orderId: '订单号',
      customerId: '客户编号',
      orderDate: '下单时间',
      amount: '实付金额',
    });
    expect(metadata.as_of).toBe('2024-03-03');
    expect(metadata.summary).toMatchObject({ customers: 2, rows_valid: 2, revenue: 180 });
    expect(metadata.data_quality.rows_read).toBe(5);
    expect(metadata.data_quality.rules.map((r) => [r.rule, r.rows])).toEqual([
      ['missing_customer_id', 1],
      ['invalid_date', 1],
      ['duplicate_row', 1],
    ]);
    // Language-independent and JSON-ready: a round trip changes nothing.
    expect(JSON.parse(JSON.stringify(metadata))).toEqual(metadata);
    expect(metadata.value).toBeNull();

    // With the value computed, the metadata says how: here too little history for any prediction.
    const value = await engine.value(loaded.datasetId, DEFAULT_VALUE_OPTIONS);
    const withValue = exportMetadata({
      loaded,
      result,
      scheme: 'rfm11',
      customersFile: 'x.csv',
      now: new Date(0),
      value,
    });
    expect(withValue.value?.identity).toBe(VALUE_IDENTITY.none);
    expect(withValue.value).toMatchObject({
      method: 'none',
      purchase_model: null,
      horizon_months: 12,
      margin: 1,
      margin_source: 'setting',
      fits: [],
    });
  });
});
