import { describe, expect, it } from 'vitest';
import { EMPTY_MAPPING, missingFields } from '../../src/analysis/mapping';
import {
  guessMapping,
  headerScore,
  normaliseHeader,
  type ColumnProfile,
} from '../../src/ingest/headerGuess';

/** Profiles as the engine reports them: dates parse in date columns, numbers in number columns. */
function columns(spec: Record<string, 'text' | 'date' | 'number'>): ColumnProfile[] {
  return Object.entries(spec).map(([name, kind], index) => ({
    index,
    name,
    filledShare: 1,
    dateShare: kind === 'date' ? 1 : 0,
    numberShare: kind === 'number' ? 1 : 0,
  }));
}

describe('header guessing', () => {
  it.each([
    'CustomerID',
    'Customer ID',
    'customer_id',
    'user_id',
    'member_id',
    '客户ID',
    '客户编号',
    '会员ID',
    '用户ID',
    '买家',
  ])('recognises %s as the customer id', (header) => {
    expect(headerScore(header, 'customerId')).toBe(100);
  });

  it.each(['InvoiceDate', 'order_date', 'date', '下单时间', '订单日期', '购买日期', '支付时间'])(
    'recognises %s as the order date',
    (header) => expect(headerScore(header, 'orderDate')).toBe(100),
  );

  it.each(['amount', 'revenue', 'sales', 'total', '金额', '实付金额', '订单金额', '销售额'])(
    'recognises %s as the amount',
    (header) => expect(headerScore(header, 'amount')).toBe(100),
  );

  it.each([
    ['Quantity', 'quantity'],
    ['数量', 'quantity'],
    ['UnitPrice', 'unitPrice'],
    ['Price', 'unitPrice'],
    ['单价', 'unitPrice'],
    ['InvoiceNo', 'orderId'],
    ['order_id', 'orderId'],
    ['订单编号', 'orderId'],
    ['订单号', 'orderId'],
  ] as const)('recognises %s as %s', (header, field) => {
    expect(headerScore(header, field)).toBe(100);
  });

  it.each([
    ['Kundennummer', 'customerId'],
    ['Bestelldatum', 'orderDate'],
    ['Datum', 'orderDate'],
    ['date_commande', 'orderDate'],
    ['Betrag', 'amount'],
    ['Montant TTC', 'amount'],
    ['付款日期', 'orderDate'],
  ] as const)('recognises the European or Chinese header %s as %s', (header, field) => {
    expect(headerScore(header, field)).toBe(100);
  });

  it('recognises headers with spaces around them, also full-width ones', () => {
    expect(headerScore(' customer_id ', 'customerId')).toBe(100);
    expect(headerScore('\u3000下单时间\u3000', 'orderDate')).toBe(100);
    expect(headerScore('amount  ', 'amount')).toBe(100);
  });

  it('normalises case, spaces, separators, brackets and full-width forms', () => {
    expect(normaliseHeader('  Customer ID ')).toBe('customerid');
    expect(normaliseHeader('Order-Date (UTC)')).toBe('orderdateutc');
    expect(normaliseHeader('客户ＩＤ')).toBe('客户id');
  });

  it('does not match short synonyms inside unrelated words', () => {
    expect(headerScore('username', 'customerId')).toBe(0);
    expect(headerScore('update', 'orderDate')).toBe(0);
    expect(headerScore('Customer ID (CRM)', 'customerId')).toBe(50);
  });

  it('maps the UCI Online Retail header, amount from quantity × unit price', () => {
    const m = guessMapping(
      columns({
        InvoiceNo: 'text',
        StockCode: 'text',
        Description: 'text',
        Quantity: 'number',
        InvoiceDate: 'date',
        UnitPrice: 'number',
        CustomerID: 'number',
        Country: 'text',
      }),
    );
    expect(m).toEqual({
      ...EMPTY_MAPPING,
      orderId: 0,
      quantity: 3,
      orderDate: 4,
      unitPrice: 5,
      customerId: 6,
      product: 1, // the stock code (POST, M, …) rather than the description: the lower index wins
    });
    expect(missingFields(m)).toEqual([]);
  });

  it('maps a Chinese shop export', () => {
    const m = guessMapping(
      columns({
        订单编号: 'text',
        客户ID: 'text',
        下单时间: 'date',
        实付金额: 'number',
        城市: 'text',
        渠道: 'text',
      }),
    );
    expect(m).toEqual({ ...EMPTY_MAPPING, orderId: 0, customerId: 1, orderDate: 2, amount: 3 });
  });

  it('refuses a header match whose content does not fit, and finds a date column by content', () => {
    const m = guessMapping(
      columns({ member: 'text', date: 'text', when: 'date', amount: 'text', paid: 'number' }),
    );
    expect(m.orderDate).toBe(2); // "date" holds no dates; "when" does
    expect(m.amount).toBeNull(); // "amount" holds no numbers
    expect(missingFields(m)).toEqual(['amount']);
  });

  it('never takes a column named as a number for the date, whatever it holds', () => {
    // 20240305-like amounts read as compact dates; the header says what they are.
    const m = guessMapping(columns({ member: 'text', amount: 'date', qty: 'date' }));
    expect(m.orderDate).toBeNull();
    expect(guessMapping(columns({ member: 'text', amount: 'date', when: 'date' })).orderDate).toBe(
      2,
    );
  });

  it('gives each column to one role only and prefers exact header matches', () => {
    const m = guessMapping(
      columns({ order_date: 'date', ship_date: 'date', customer: 'text', total: 'number' }),
    );
    expect(m.orderDate).toBe(0);
    expect(m.customerId).toBe(2);
    expect(m.amount).toBe(3);
  });
});
