import { EMPTY_MAPPING, type ColumnMapping, type Field } from '../analysis/mapping';

/** What we know about one source column: its header and what its first rows look like. */
export interface ColumnProfile {
  index: number;
  name: string;
  /** Share (0–1) of non-empty values among the profiled rows. */
  filledShare: number;
  /** Share of non-empty values that parse as a date in the column's best date family. */
  dateShare: number;
  /** Share of non-empty values that parse as a number. */
  numberShare: number;
  /**
   * Share of non-empty values that look like money: a number with one or two decimals that are not
   * all zero (66.9, 12.05). Ids that passed through a float (17850.0) do not count.
   */
  fractionShare: number;
}

/**
 * Header synonyms per role, compared after `normaliseHeader` (lower case, no spaces, `_`, `-`, `.`,
 * brackets). Order inside a list does not matter; an exact match beats a match inside a longer header.
 */
export const HEADER_SYNONYMS: Record<Field, readonly string[]> = {
  customerId: [
    'customerid',
    'customer',
    'customerno',
    'customernumber',
    'customercode',
    'custid',
    'custno',
    'custnum',
    'custcode',
    'clientid',
    'client',
    'userid',
    'user',
    'memberid',
    'member',
    'memberno',
    'buyerid',
    'buyer',
    'accountid',
    'shopperid',
    'consumerid',
    '客户id',
    '客户编号',
    '客户号',
    '客户代码',
    '客户',
    '会员id',
    '会员编号',
    '会员号',
    '会员卡号',
    '会员',
    '用户id',
    '用户编号',
    '用户',
    '买家',
    '买家id',
    '买家会员名',
    '买家昵称',
    '顾客id',
    '顾客编号',
    '顾客',
    '卡号',
    '社保卡号',
    '医保卡号',
    '会员手机号',
    '会员手机',
    '手机号',
    '手机号码',
    '手机',
    '联系电话',
    '电话',
    '用户名',
    '旺旺名',
    '旺旺',
    'phone',
    'phonenumber',
    'mobile',
    'username',
    'kunde',
    'kundennummer',
    'kundenid',
    'idclient',
    'numeroclient',
  ],
  orderDate: [
    'invoicedate',
    'orderdate',
    'date',
    'orderdatetime',
    'ordertime',
    'purchasedate',
    'purchasetime',
    'transactiondate',
    'transactiontime',
    'txndate',
    'saledate',
    'salesdate',
    'paymentdate',
    'paidat',
    'paytime',
    'createdat',
    'datetime',
    'timestamp',
    'time',
    '下单时间',
    '订单日期',
    '购买日期',
    '支付时间',
    '付款时间',
    '下单日期',
    '订单时间',
    '交易时间',
    '交易日期',
    '成交时间',
    '销售日期',
    '购买时间',
    '消费时间',
    '消费日期',
    '创建时间',
    '日期',
    '时间',
    '付款日期',
    '支付日期',
    '成交日期',
    '订单创建时间',
    'datum',
    'bestelldatum',
    'rechnungsdatum',
    'datecommande',
    'datefacture',
  ],
  amount: [
    'amount',
    'revenue',
    'sales',
    'total',
    'totalamount',
    'ordertotal',
    'orderamount',
    'ordervalue',
    'totalprice',
    'netamount',
    'netsales',
    'grossamount',
    'payment',
    'paymentamount',
    'paidamount',
    'spend',
    'gmv',
    'value',
    'dollarvalue',
    'dollars',
    'dollaramount',
    'salesvalue',
    'salesamount',
    'totalvalue',
    'totalsales',
    '金额',
    '实付金额',
    '订单金额',
    '销售额',
    '销售金额',
    '实收金额',
    '支付金额',
    '付款金额',
    '成交金额',
    '总金额',
    '消费金额',
    '交易金额',
    '应付金额',
    '实付款',
    '订单总额',
    '总价',
    'betrag',
    'umsatz',
    'gesamtbetrag',
    'montant',
    'montantttc',
  ],
  quantity: [
    'quantity',
    'qty',
    'units',
    'unitssold',
    'count',
    '数量',
    '购买数量',
    '销量',
    '件数',
    '商品数量',
  ],
  unitPrice: [
    'unitprice',
    'price',
    'itemprice',
    'saleprice',
    '单价',
    '商品单价',
    '价格',
    '售价',
    '销售单价',
  ],
  orderId: [
    'invoiceno',
    'invoice',
    'invoiceid',
    'invoicenumber',
    'orderid',
    'orderno',
    'ordernumber',
    'order',
    'transactionid',
    'txnid',
    'receiptid',
    'receiptno',
    'billno',
    '订单编号',
    '订单号',
    '订单id',
    '单号',
    '交易号',
    '交易编号',
    '流水号',
    '发票号',
    '小票号',
  ],
  // Not bare 商品: it sits inside 商品金额 and 商品数量, which name other roles.
  product: [
    'stockcode',
    'description',
    'sku',
    'skuid',
    'skucode',
    'product',
    'productid',
    'productcode',
    'productname',
    'productdescription',
    'item',
    'itemcode',
    'itemname',
    'itemdescription',
    'article',
    'articleno',
    '商品编码',
    '商品编号',
    '商品id',
    '商品名称',
    '商品名',
    '商品标题',
    '宝贝标题',
    '宝贝名称',
    '产品',
    '产品名称',
    '产品编码',
    '产品编号',
    '品名',
    '货号',
  ],
};

/**
 * Names a customer takes when an export has no id (客户名称, a shop's "customer name" column): a
 * customer key only when nothing better is there, so it scores below any id synonym.
 */
const CUSTOMER_NAME_KEYS: readonly string[] = [
  '客户名称',
  '客户姓名',
  '顾客姓名',
  '会员姓名',
  '姓名',
  'customername',
  'clientname',
];

/**
 * Words that make a header name money, time, a place or a count, never a customer: 买家实际支付金额
 * holds 买家 (buyer) but is the amount the buyer paid.
 */
const NOT_A_CUSTOMER_KEY: readonly string[] = [
  '金额',
  '价',
  '额',
  '费',
  '款',
  '时间',
  '日期',
  '地址',
  '省',
  '城市',
  '区域',
  '数量',
  '积分',
  'amount',
  'price',
  'total',
  'revenue',
  'sales',
  'payment',
  'paid',
  'spend',
  'value',
  'date',
  'time',
  'address',
  'city',
  'province',
  'region',
  'country',
  'quantity',
];

export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s_\-.:()[\]（）【】/\\#]+/g, '');
}

const EXACT = 100;
const CONTAINED = 50;
const NAME_ONLY = 25;

/**
 * How well a header names a role: 100 exact synonym, 50 synonym inside a longer header, 25 a
 * customer's name (a key only when no id is there), 0 none.
 */
export function headerScore(header: string, field: Field): number {
  const h = normaliseHeader(header);
  if (h === '') return 0;
  const synonyms = HEADER_SYNONYMS[field];
  if (synonyms.includes(h)) return EXACT;
  if (field === 'customerId') {
    if (NOT_A_CUSTOMER_KEY.some((word) => h.includes(word))) return 0;
    if (CUSTOMER_NAME_KEYS.some((name) => h === name || h.endsWith(name))) return NAME_ONLY;
  }
  // Short synonyms ("user", "date") inside longer headers match too much ("username", "update").
  const contained = synonyms.some((s) => s.length >= minContainedLength(s) && h.includes(s));
  return contained ? CONTAINED : 0;
}

function minContainedLength(synonym: string): number {
  return /^[a-z0-9]+$/.test(synonym) ? 6 : 2;
}

/**
 * Whether a header names a date: an order-date synonym (日期 and 时间 also inside longer headers,
 * 发货日期), or a header starting or ending with "date" (ship_date, date_paid; not update_count).
 * Excel day numbers are read as dates only under such a header.
 */
export function isDateHeader(header: string): boolean {
  return headerScore(header, 'orderDate') > 0 || /^date|date$/.test(normaliseHeader(header));
}

/** Content a column must show before a role is given to it. */
function contentFits(field: Field, p: ColumnProfile): boolean {
  if (p.filledShare === 0) return false;
  switch (field) {
    case 'orderDate':
      return p.dateShare >= 0.5;
    case 'amount':
    case 'quantity':
    case 'unitPrice':
      return p.numberShare >= 0.5;
    case 'customerId':
      return looksLikeCustomerKey(p);
    default:
      return true;
  }
}

/** A column mostly of money-like decimals or of dates identifies no customer, whatever its name. */
export function looksLikeCustomerKey(p: ColumnProfile): boolean {
  return p.fractionShare < 0.5 && p.dateShare < 0.5;
}

const NUMBER_FIELDS: readonly Field[] = ['amount', 'quantity', 'unitPrice'];

/** Roles are filled in this order when scores tie, so the scarce roles are taken first. */
const FIELD_PRIORITY: readonly Field[] = [
  'orderDate',
  'customerId',
  'amount',
  'orderId',
  'quantity',
  'unitPrice',
  'product',
];

/**
 * Guess the column for each role: best header matches first (each column used once), but only
 * where the content fits; a date column is also found by content alone when no header names one.
 */
export function guessMapping(columns: readonly ColumnProfile[]): ColumnMapping {
  const candidates: { field: Field; column: number; score: number }[] = [];
  for (const field of FIELD_PRIORITY) {
    for (const p of columns) {
      const score = headerScore(p.name, field);
      if (score > 0 && contentFits(field, p)) candidates.push({ field, column: p.index, score });
    }
  }
  candidates.sort(
    (a, b) =>
      b.score - a.score ||
      FIELD_PRIORITY.indexOf(a.field) - FIELD_PRIORITY.indexOf(b.field) ||
      a.column - b.column,
  );
  const mapping: ColumnMapping = { ...EMPTY_MAPPING };
  const used = new Set<number>();
  for (const c of candidates) {
    if (mapping[c.field] !== null || used.has(c.column)) continue;
    mapping[c.field] = c.column;
    used.add(c.column);
  }
  if (mapping.orderDate === null) {
    const byContent = columns
      .filter((p) => !used.has(p.index) && p.filledShare > 0 && p.dateShare >= 0.9)
      // A column named as a number (amount 20240305?) is not a date, whatever it holds.
      .filter((p) => NUMBER_FIELDS.every((f) => headerScore(p.name, f) === 0))
      .sort((a, b) => b.dateShare - a.dateShare || a.index - b.index)[0];
    if (byContent) mapping.orderDate = byContent.index;
  }
  return mapping;
}
