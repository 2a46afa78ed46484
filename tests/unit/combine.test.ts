import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors';
import { planCombination, type LoadedPart } from '../../src/ingest/combine';

const orders = (name: string, columns = ['客户ID', '下单日期', '金额']): LoadedPart => ({
  name,
  columns,
  customerIdColumn: 0,
  hasOrderDate: true,
  hasAmount: true,
  idsUnique: false,
});

const customers: LoadedPart = {
  name: 'customers.csv',
  columns: ['客户ID', '城市', '年龄', '注册日期'],
  customerIdColumn: 0,
  hasOrderDate: true, // a sign-up date reads like a date column
  hasAmount: true, // and age like a number
  idsUnique: true,
};

function refusal(parts: LoadedPart[]): EngineError {
  try {
    planCombination(parts);
  } catch (e) {
    if (e instanceof EngineError) return e;
  }
  throw new Error('expected planCombination to refuse');
}

describe('combining several files', () => {
  it('appends exports with the same columns, whatever their order and spacing', () => {
    const plan = planCombination([
      orders('2024-01.csv'),
      orders('2024-02.csv', [' 金额 ', '客户ID', '下单日期']),
      orders('2024-03.csv'),
    ]);
    expect(plan).toEqual({ orders: [0, 1, 2], customers: null });
  });

  it('joins a customer list (unique ids) to the orders, in either order of dropping', () => {
    expect(planCombination([orders('a.csv'), orders('b.csv'), customers])).toEqual({
      orders: [0, 1],
      customers: { part: 2, keyColumn: 0 },
    });
    expect(planCombination([{ ...customers, customerIdColumn: 2 }, orders('a.csv')])).toEqual({
      orders: [1],
      customers: { part: 0, keyColumn: 2 },
    });
  });

  it('tells a customer list from an orders file whose every customer bought once', () => {
    const oneOrderEach = { ...orders('once.csv'), idsUnique: true };
    const listWithoutDates = { ...customers, hasOrderDate: false };
    expect(planCombination([oneOrderEach, listWithoutDates])).toEqual({
      orders: [0],
      customers: { part: 1, keyColumn: 0 },
    });
  });

  it('refuses what it would have to guess, naming every file and its columns', () => {
    const other = orders('other.csv', ['id', 'when', 'total', 'channel']);
    const error = refusal([orders('a.csv'), other]);
    expect(error.code).toBe('files_not_combinable');
    expect(error.details.files).toEqual([
      'a.csv: 客户ID, 下单日期, 金额',
      'other.csv: id, when, total, channel',
    ]);
    expect(refusal([orders('a.csv'), customers, { ...customers, name: 'more.csv' }]).code).toBe(
      'files_not_combinable',
    );
    expect(
      refusal([orders('a.csv'), { ...customers, idsUnique: false, columns: ['x', 'y'] }]).code,
    ).toBe('files_not_combinable');
    expect(refusal([orders('a.csv'), orders('b', ['p']), orders('c', ['q'])]).code).toBe(
      'files_not_combinable',
    );
  });
});
