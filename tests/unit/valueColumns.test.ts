import { describe, expect, it } from 'vitest';
import { guessValueColumns } from '../../src/analysis/valueColumns';

describe('guessing the value columns by name', () => {
  it('finds channel, referrer and cost in Chinese and English headers', () => {
    expect(
      guessValueColumns(['客户编号', '下单日期', '实付金额', '成本', '渠道', '推荐人'], null),
    ).toEqual({
      channel: { source: 'orders', column: 4 },
      referrer: { source: 'orders', column: 5 },
      costColumn: 3,
      marginColumn: null,
      cacColumn: null,
    });
    expect(
      guessValueColumns(['CustomerID', 'Date', 'Amount', 'Cost', 'Referred By'], null),
    ).toEqual({
      channel: null,
      referrer: { source: 'orders', column: 4 },
      costColumn: 3,
      marginColumn: null,
      cacColumn: null,
    });
  });

  it('prefers the customer list, which describes customers, for attributes', () => {
    expect(
      guessValueColumns(['id', 'date', 'amount', 'channel'], ['城市', '获客渠道']),
    ).toMatchObject({
      channel: { source: 'customers', column: 1 },
    });
  });

  it('takes a margin column when there is no cost, and a CAC column from the customer list', () => {
    expect(guessValueColumns(['id', 'date', 'amount', '毛利率'], ['获客成本', '渠道'])).toEqual({
      channel: { source: 'customers', column: 1 },
      referrer: null,
      costColumn: null,
      marginColumn: 3,
      cacColumn: { source: 'customers', column: 0 },
    });
  });

  it('guesses nothing rather than a near miss', () => {
    expect(guessValueColumns(['id', 'date', 'amount', 'channel_cost_note'], null)).toEqual({
      channel: null,
      referrer: null,
      costColumn: null,
      marginColumn: null,
      cacColumn: null,
    });
  });
});
