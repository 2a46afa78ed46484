/** The roles a source column can play in an order export. */
export const FIELDS = [
  'customerId',
  'orderDate',
  'amount',
  'quantity',
  'unitPrice',
  'orderId',
  'product',
] as const;
export type Field = (typeof FIELDS)[number];

/**
 * Column positions (0-based, in the loaded table) chosen for each role; null = not mapped.
 * `product` (a product code or description) is optional: it lets the policy leave out postage,
 * fees and other non-product lines.
 */
export type ColumnMapping = Record<Field, number | null>;

export const EMPTY_MAPPING: ColumnMapping = {
  customerId: null,
  orderDate: null,
  amount: null,
  quantity: null,
  unitPrice: null,
  orderId: null,
  product: null,
};

/** Which required roles a mapping still lacks (amount may come from quantity × unit price). */
export function missingFields(mapping: ColumnMapping): Field[] {
  const missing: Field[] = [];
  if (mapping.customerId === null) missing.push('customerId');
  if (mapping.orderDate === null) missing.push('orderDate');
  if (mapping.amount === null && (mapping.quantity === null || mapping.unitPrice === null)) {
    missing.push('amount');
  }
  return missing;
}

export function isComplete(mapping: ColumnMapping): boolean {
  return missingFields(mapping).length === 0;
}

/** Amount is taken as mapped; quantity × unit price only when no amount column is mapped. */
export function amountSource(mapping: ColumnMapping): 'amount' | 'quantityTimesPrice' {
  return mapping.amount !== null ? 'amount' : 'quantityTimesPrice';
}
