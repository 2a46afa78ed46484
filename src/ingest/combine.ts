import { EngineError } from '../engine/errors';
import { normaliseHeader } from './headerGuess';

/** What the engine knows of one loaded file when several are dropped together. */
export interface LoadedPart {
  name: string;
  columns: string[];
  /** Guessed column of the customer id, or null. */
  customerIdColumn: number | null;
  /** Whether the guess found an order date column (an orders file has one; a customer list may too). */
  hasOrderDate: boolean;
  /** Whether the guess found an amount (or quantity × price). */
  hasAmount: boolean;
  /** Whether each row has its own customer id (a customer list); null when unknown. */
  idsUnique: boolean | null;
}

/** Order files appended in the order given, and at most one customer file joined on its id. */
export interface CombinePlan {
  orders: number[];
  customers: { part: number; keyColumn: number } | null;
}

const headerKey = (columns: string[]) => [...columns].map(normaliseHeader).sort().join('\u0000');

/**
 * Files with the same columns (in any order, headers compared loosely) are monthly exports of one
 * table and are appended. A second group is accepted only when it is a customer list: one file whose
 * ids are unique per row, while the other group reads as orders. Anything else is refused with the
 * columns of each file, since guessing a join the analyst did not mean would give wrong numbers.
 */
export function planCombination(parts: readonly LoadedPart[]): CombinePlan {
  const groups = new Map<string, number[]>();
  parts.forEach((p, i) => {
    const key = headerKey(p.columns);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const all = [...groups.values()];
  if (all.length === 1) return { orders: all[0] as number[], customers: null };
  const [first, second] = all;
  if (all.length === 2 && first && second) {
    const part = (i: number) => parts[i] as LoadedPart;
    const isOrders = (g: number[]) =>
      g.every(
        (i) => part(i).hasOrderDate && part(i).hasAmount && part(i).customerIdColumn !== null,
      );
    const isCustomerList = (g: number[]) =>
      g.length === 1 &&
      part(g[0] as number).customerIdColumn !== null &&
      part(g[0] as number).idsUnique === true;
    for (const [orders, customers] of [
      [first, second],
      [second, first],
    ] as [number[], number[]][]) {
      // A customer list may carry a sign-up date and a number: unique ids decide which file it is.
      if (
        isOrders(orders) &&
        isCustomerList(customers) &&
        (!isCustomerList(orders) || !isOrders(customers))
      ) {
        const index = customers[0] as number;
        return {
          orders,
          customers: { part: index, keyColumn: part(index).customerIdColumn as number },
        };
      }
    }
  }
  throw new EngineError('files_not_combinable', {
    files: parts.map((p) => `${p.name}: ${p.columns.join(', ')}`),
  });
}
