import { describe, expect, it } from 'vitest';
import { EMPTY_MAPPING, missingFields } from '../../src/analysis/mapping';
import {
  guessMapping,
  headerScore,
  normaliseHeader,
  type ColumnProfile,
} from '../../src/ingest/headerGuess';

/** Profiles as the engine reports them: dates parse in date columns, numbers in number columns. */
function columns(spec: Record<string, 'text' | 'date' | 'number' | 'money'>): ColumnProfile[] {
  return Object.entries(spec).map(([name, kind], index) => ({
    index,
    name,
    filledShare: 1,
    dateShare: kind === 'date' ? 1 : 0,
    numberShare: kind === 'number' || kind === 'money' ? 1 : 0,
    fractionShare: kind === 'money' ? 0.95 : 0,
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
    expect(headerScore('user_agent', 'customerId')).toBe(0);
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

  it('never takes money, a time or an address for the customer: an order report with no customer column', () => {
    // A Tmall order report: 买家实际支付金额 holds 买家 (buyer) but is the amount the buyer paid.
    const m = guessMapping(
      columns({
        订单编号: 'text',
        总金额: 'money',
        买家实际支付金额: 'money',
        收货地址: 'text',
        订单创建时间: 'date',
        订单付款时间: 'date',
        退款金额: 'money',
      }),
    );
    expect(m.customerId).toBeNull();
    expect(m.amount).toBe(1);
    expect(m.orderDate).toBe(4);
    expect(missingFields(m)).toEqual(['customerId']);
    for (const header of [
      '买家实际支付金额',
      '买家支付时间',
      '客户地址',
      'customer_total',
      'buyer_paid',
    ]) {
      expect(headerScore(header, 'customerId')).toBe(0);
    }
  });

  it('never takes a column of money-like decimals for the customer, whatever its name', () => {
    const m = guessMapping(columns({ customer: 'money', date: 'date', amount: 'number' }));
    expect(m.customerId).toBeNull();
    expect(m.amount).toBe(2);
  });

  it.each([
    '会员卡号',
    '卡号',
    '社保卡号',
    '手机号',
    '手机',
    '联系电话',
    '会员手机号',
    '用户ID',
    '用户名',
    '买家昵称',
    '买家会员名',
    '旺旺名',
    '顾客编号',
  ])('recognises the Chinese customer key %s', (header) => {
    expect(headerScore(header, 'customerId')).toBe(100);
  });

  it('takes a customer name only when no id is there', () => {
    const withId = guessMapping(
      columns({ 客户名称: 'text', 客户编号: 'text', 日期: 'date', 金额: 'number' }),
    );
    expect(withId.customerId).toBe(1);
    const nameOnly = guessMapping(columns({ 客户名称: 'text', 日期: 'date', 金额: 'number' }));
    expect(nameOnly.customerId).toBe(0);
  });
});
