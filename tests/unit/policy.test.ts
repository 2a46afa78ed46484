import { beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBBindings } from 'duckdb-wasm-browser-blocking';
import { EMPTY_MAPPING, type ColumnMapping } from '../../src/analysis/mapping';
import {
  DEFAULT_POLICY,
  nonProductRows,
  samePolicy,
  validatePolicy,
  type IngestPolicy,
} from '../../src/analysis/policy';
import { asOfQualitySql, typedQualitySql } from '../../src/analysis/quality';
import { paramsTableSql } from '../../src/analysis/sql';
import {
  buildTransactionsSql,
  cancellationCheckSql,
  policyTablesSql,
} from '../../src/analysis/transactions';
import { loadCsvSql } from '../../src/ingest/csv';
import { SqlRunner } from '../../workers/sqlRunner';
import { startDuckDB, utf8 } from './helpers/engine';

let db: DuckDBBindings;
let sql: SqlRunner;
let nextId = 1;
beforeAll(async () => {
  db = await startDuckDB();
  sql = new SqlRunner(db);
  await sql.run('SET autoload_known_extensions = false');
});

interface TxRow {
  source_row: number;
  customer_id: string | null;
  amount: number | null;
  excluded_reason: string | null;
  note: string | null;
  id_normalised: boolean;
}

/** The CSV as the engine reads it (all text), typed under `policy`: rows, and the report's rows. */
async function typeRows(
  csv: string,
  mapping: ColumnMapping,
  policy: IngestPolicy = DEFAULT_POLICY,
) {
  const id = nextId++;
  const [raw, rejects, tx, pol] = [`raw_${id}`, `rejects_${id}`, `tx_${id}`, `pol_${id}`];
  db.registerFileBuffer(`f${id}.csv`, utf8(csv));
  await sql.run(loadCsvSql(`f${id}.csv`, raw, rejects));
  const columnCount = (await sql.rows(`DESCRIBE ${raw}`)).length;
  for (const s of policyTablesSql(
    pol,
    policy.cancelledOrderPrefix,
    nonProductRows(policy.nonProductCodes),
  ))
    sql.runWithParams(s.sql, s.params);
  if (mapping.orderId !== null) await sql.run(cancellationCheckSql(raw, mapping, '.', pol));
  await sql.run(
    buildTransactionsSql({
      rawTable: raw,
      outTable: tx,
      mapping,
      dateFamily: 'ymd',
      decimal: '.',
      columnCount,
      policy,
      policyTable: pol,
    }),
  );
  const rows = await sql.rows<TxRow>(
    `SELECT source_row, customer_id, CAST(amount AS DOUBLE) AS amount, excluded_reason, note, id_normalised FROM ${tx} ORDER BY source_row`,
  );
  const report = await sql.rows<Record<string, unknown>>(
    typedQualitySql({
      txTable: tx,
      rawTable: raw,
      rejectsTable: rejects,
      policyTable: pol,
      mapping,
    }),
  );
  return { rows, report, tables: { raw, rejects, tx, pol } };
}

/** What happened to each row: its exclusion, else its note, else 'used'. */
const outcome = (rows: TxRow[]) => rows.map((r) => r.excluded_reason ?? r.note ?? 'used');

/**
 * One case per line (row numbers are data rows, 1-based), amount = quantity × price:
 *  1 o1   A  2×5.00 MUG            a purchase (10)
 *  2      the same line again      duplicate_row
 *  3 o1   A  2×5.00 MUG, channel B not a duplicate: differs in one column only (10)
 *  4 C100 A  −1×5.00 MUG           a cancellation, netted (−5)
 *  5 C100 A  1×0.50 MUG            positive line of a cancelled order: cancelled_order
 *  6 o2   B  1×0 GIFT              zero_amount
 *  7 o2   B  1×18 POST             non_product (code)
 *  8 o2   B  1×3 " postage "       non_product (whole value, any case, trimmed)
 *  9 o2   B  1×4 POLKADOT BAG      a purchase: DOT matches whole values only (4)
 * 10 o3   B  −2×4 POLKADOT BAG     a return, netted (−8)
 * 11 o4   17850.0 1×7 MUG          a purchase; id read as 17850 (7)
 * 12 o5   (none) 1×7 MUG           missing_customer_id
 * 13 o6   B  1×0 POST              non_product: the earlier rule wins over zero_amount
 */
const CASES = `order_id,customer,date,qty,price,product,channel
o1,A,2024-01-01,2,5.00,MUG,A
o1,A,2024-01-01,2,5.00,MUG,A
o1,A,2024-01-01,2,5.00,MUG,B
C100,A,2024-01-02,-1,5.00,MUG,A
C100,A,2024-01-02,1,0.50,MUG,A
o2,B,2024-01-03,1,0,GIFT,A
o2,B,2024-01-03,1,18,POST,A
o2,B,2024-01-03,1,3, postage ,A
o2,B,2024-01-03,1,4,POLKADOT BAG,A
o3,B,2024-01-04,-2,4,POLKADOT BAG,A
o4,17850.0,2024-01-05,1,7,MUG,A
o5,,2024-01-05,1,7,MUG,A
o6,B,2024-01-06,1,0,POST,A
`;
const CASES_MAPPING: ColumnMapping = {
  ...EMPTY_MAPPING,
  orderId: 0,
  customerId: 1,
  orderDate: 2,
  quantity: 3,
  unitPrice: 4,
  product: 5,
};

describe('the policy', () => {
  it('has the documented defaults and accepts them', () => {
    expect(DEFAULT_POLICY).toMatchObject({
      removeDuplicates: true,
      returns: 'net',
      cancelledOrderPrefix: 'C',
      excludeZeroAmount: true,
    });
    expect(DEFAULT_POLICY.nonProductCodes).toEqual(
      expect.arrayContaining([
        'POST',
        'DOT',
        'M',
        'D',
        'C2',
        'BANK CHARGES',
        'AMAZONFEE',
        '运费',
        '手续费',
      ]),
    );
    const { policy, problems } = validatePolicy(DEFAULT_POLICY);
    expect(problems).toEqual([]);
    expect(samePolicy(policy, DEFAULT_POLICY)).toBe(true);
  });

  it('tidies the code list: trimmed, blanks and case-insensitive repeats dropped', () => {
    const { policy, problems } = validatePolicy({
      ...DEFAULT_POLICY,
      cancelledOrderPrefix: ' C ',
      nonProductCodes: [' POST ', '', 'post', '*', '运费*', 'Manual'],
    });
    expect(problems).toEqual([]);
    expect(policy.cancelledOrderPrefix).toBe('C');
    expect(policy.nonProductCodes).toEqual(['POST', '运费*', 'Manual']);
    expect(nonProductRows(policy.nonProductCodes)).toEqual([
      { code: 'POST', prefix: false },
      { code: '运费', prefix: true },
      { code: 'Manual', prefix: false },
    ]);
  });

  it('names what is wrong with a bad policy', () => {
    expect(validatePolicy(null).problems).toEqual(['not_a_policy']);
    expect(validatePolicy({ ...DEFAULT_POLICY, nonProductCodes: [1] }).problems).toEqual([
      'not_a_policy',
    ]);
    expect(
      validatePolicy({
        ...DEFAULT_POLICY,
        returns: 'ignore',
        cancelledOrderPrefix: 'C'.repeat(21),
        nonProductCodes: ['x'.repeat(101), 'a\u0000b'],
      }).problems,
    ).toEqual(['returns_unknown', 'prefix_too_long', 'code_too_long', 'code_control_character']);
    expect(
      validatePolicy({
        ...DEFAULT_POLICY,
        nonProductCodes: Array.from({ length: 501 }, (_, i) => `c${i}`),
      }).problems,
    ).toEqual(['too_many_codes']);
  });

  it('tells policies apart by every field', () => {
    const variants: IngestPolicy[] = [
      { ...DEFAULT_POLICY, removeDuplicates: false },
      { ...DEFAULT_POLICY, returns: 'exclude' },
      { ...DEFAULT_POLICY, cancelledOrderPrefix: 'X' },
      { ...DEFAULT_POLICY, excludeZeroAmount: false },
      { ...DEFAULT_POLICY, nonProductCodes: DEFAULT_POLICY.nonProductCodes.slice(1) },
    ];
    for (const v of variants) expect(samePolicy(v, DEFAULT_POLICY)).toBe(false);
  });
});

describe('typing under the policy', () => {
  it('applies every rule of the default policy to the hand-made cases', async () => {
    const { rows } = await typeRows(CASES, CASES_MAPPING);
    expect(outcome(rows)).toEqual([
      'used',
      'duplicate_row',
      'used',
      'cancellation_netted',
      'cancelled_order',
      'zero_amount',
      'non_product',
      'non_product',
      'used',
      'return_netted',
      'used',
      'missing_customer_id',
      'non_product',
    ]);
    expect(rows[10]).toMatchObject({ customer_id: '17850', id_normalised: true });
    expect(rows.filter((r) => r.id_normalised).map((r) => r.source_row)).toEqual([11]);
    // What the analysis sums: purchases and netted lines.
    const used = rows.filter((r) => r.excluded_reason === null);
    expect(used.reduce((n, r) => n + (r.amount ?? 0), 0)).toBe(10 + 10 - 5 + 4 - 8 + 7);
  });

  it('leaves negative lines out when returns are excluded, cancellations included', async () => {
    const { rows } = await typeRows(CASES, CASES_MAPPING, {
      ...DEFAULT_POLICY,
      returns: 'exclude',
    });
    expect(outcome(rows)[3]).toBe('cancelled_order');
    expect(outcome(rows)[9]).toBe('return');
    expect(rows.filter((r) => r.note !== null)).toEqual([]);
  });

  it('keeps what each switched-off rule would have left out', async () => {
    const { rows } = await typeRows(CASES, CASES_MAPPING, {
      removeDuplicates: false,
      returns: 'net',
      cancelledOrderPrefix: '',
      excludeZeroAmount: false,
      nonProductCodes: [],
    });
    expect(outcome(rows)).toEqual([
      'used',
      'used',
      'used',
      'return_netted', // without the prefix rule a C line is an ordinary return
      'used', // … and its positive line an ordinary purchase
      'zero_amount_kept',
      'used',
      'used',
      'used',
      'return_netted',
      'used',
      'missing_customer_id',
      'zero_amount_kept',
    ]);
  });

  it('ignores the product rules when no product column is mapped, the prefix when no order id is', async () => {
    const { rows } = await typeRows(CASES, { ...CASES_MAPPING, product: null, orderId: null });
    expect(outcome(rows).slice(3, 8)).toEqual([
      'return_netted',
      'used',
      'zero_amount',
      'used',
      'used',
    ]);
  });

  it('matches entries ending in * as prefixes, others as whole values', async () => {
    const csv = `customer,date,amount,product
A,2024-01-01,5,运费补差
A,2024-01-01,5,运费
A,2024-01-01,5,包邮运费
A,2024-01-01,5,POSTCARD
A,2024-01-01,5,post
`;
    const mapping = { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, amount: 2, product: 3 };
    const policy = { ...DEFAULT_POLICY, nonProductCodes: ['运费*', 'POST'] };
    expect(outcome((await typeRows(csv, mapping, policy)).rows)).toEqual([
      'non_product',
      'non_product',
      'used',
      'used',
      'non_product',
    ]);
  });

  it('counts as duplicates only rows equal in every column, empty fields included', async () => {
    const csv = `customer,date,amount,note
A,2024-01-01,5,
A,2024-01-01,5,
A,2024-01-01,5,x
A,2024-01-01,5,
B,2024-01-01,5,
A,2024-01-02,5,
`;
    const mapping = { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, amount: 2 };
    expect(outcome((await typeRows(csv, mapping)).rows)).toEqual([
      'used',
      'duplicate_row',
      'used',
      'duplicate_row',
      'used',
      'used',
    ]);
  });

  it('leaves the prefix rule off when the prefixed rows are mostly sales, and says so', async () => {
    // This shop numbers every order C…: they are sales, not cancellations.
    const csv = `order_id,customer,date,amount
C1,A,2024-01-01,10
C2,A,2024-01-02,20
C3,B,2024-01-03,-5
C4,B,2024-01-04,30
`;
    const mapping = { ...EMPTY_MAPPING, orderId: 0, customerId: 1, orderDate: 2, amount: 3 };
    const { rows, report } = await typeRows(csv, mapping);
    expect(outcome(rows)).toEqual(['used', 'used', 'return_netted', 'used']);
    const ignored = report.filter((r) => r.rule === 'cancel_prefix_ignored');
    expect(ignored.map((r) => [r.rows, r.amount, r.customers, r.source_row])).toEqual([
      [4, 55, 2, 1],
      [4, 55, 2, 2],
      [4, 55, 2, 3],
      [4, 55, 2, 4],
    ]);
  });

  it('binds the user-chosen prefix and codes: quotes in them are data, not SQL', async () => {
    const csv = `order_id,customer,date,amount,product
x'); DROP TABLE t; --1,A,2024-01-01,-5,it's
o2,A,2024-01-02,5,it's
`;
    const mapping = {
      ...EMPTY_MAPPING,
      orderId: 0,
      customerId: 1,
      orderDate: 2,
      amount: 3,
      product: 4,
    };
    const policy = {
      ...DEFAULT_POLICY,
      cancelledOrderPrefix: "x'); DROP",
      nonProductCodes: ["IT'S"],
    };
    const { rows } = await typeRows(csv, mapping, policy);
    expect(outcome(rows)).toEqual(['non_product', 'non_product']);
    const { rows: kept } = await typeRows(csv, mapping, { ...policy, nonProductCodes: [] });
    expect(outcome(kept)).toEqual(['cancellation_netted', 'used']);
  });
});

describe('the data-quality report', () => {
  type ReportRow = {
    rule: string;
    rows: number;
    share: number;
    amount: number | null;
    customers: number | null;
    source_row: number;
    customer_text: string | null;
    amount_text: string | null;
    product_text: string | null;
    raw_line: string | null;
  };
  const byRule = (report: Record<string, unknown>[]) => {
    const out: Record<
      string,
      {
        rows: number;
        share: number;
        amount: number | null;
        customers: number | null;
        samples: number[];
      }
    > = {};
    for (const r of report as ReportRow[]) {
      out[r.rule] ??= {
        rows: r.rows,
        share: r.share,
        amount: r.amount,
        customers: r.customers,
        samples: [],
      };
      out[r.rule]?.samples.push(r.source_row);
    }
    return out;
  };

  it('counts each rule with its share, amount, customers and first rows', async () => {
    const { report } = await typeRows(CASES, CASES_MAPPING);
    const n = 13;
    expect(byRule(report)).toEqual({
      duplicate_row: { rows: 1, share: 1 / n, amount: 10, customers: 1, samples: [2] },
      cancellation_netted: { rows: 1, share: 1 / n, amount: -5, customers: 1, samples: [4] },
      cancelled_order: { rows: 1, share: 1 / n, amount: 0.5, customers: 1, samples: [5] },
      zero_amount: { rows: 1, share: 1 / n, amount: 0, customers: 1, samples: [6] },
      non_product: { rows: 3, share: 3 / n, amount: 21, customers: 1, samples: [7, 8, 13] },
      return_netted: { rows: 1, share: 1 / n, amount: -8, customers: 1, samples: [10] },
      id_normalised: { rows: 1, share: 1 / n, amount: 7, customers: null, samples: [11] },
      missing_customer_id: { rows: 1, share: 1 / n, amount: 7, customers: null, samples: [12] },
    });
    const post = (report as ReportRow[]).find(
      (r) => r.rule === 'non_product' && r.source_row === 8,
    );
    expect(post).toMatchObject({
      customer_text: 'B',
      amount_text: '1 × 3',
      product_text: ' postage ',
    });
  });

  it('shows at most five samples, the first rows of the file', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => `C${i},2024-01-01,-${i + 1}`);
    const csv = `customer,date,amount\n${lines.join('\n')}\n`;
    const mapping = { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, amount: 2 };
    const { report } = await typeRows(csv, mapping);
    expect(byRule(report).return_netted).toEqual({
      rows: 12,
      share: 1,
      amount: -78,
      customers: 12,
      samples: [1, 2, 3, 4, 5],
    });
  });

  it('counts malformed lines among the rows read, with the raw line as the sample', async () => {
    // The reader sizes the table from its first 20 480 lines; a longer line after them is rejected.
    const good = Array.from({ length: 30_000 }, (_, i) => `A${i},2024-01-01,5`).join('\n');
    const csv = `customer,date,amount\n${good}\nB,2024-01-02,5,extra,more\nC,2024-01-03,5\n`;
    const mapping = { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, amount: 2 };
    const { report } = await typeRows(csv, mapping);
    expect(report).toEqual([
      {
        rule: 'malformed_row',
        rows: 1,
        share: 1 / 30_002,
        amount: null,
        customers: null,
        source_row: 30_002, // the file's line number, header included
        customer_text: null,
        date_text: null,
        amount_text: null,
        order_text: null,
        product_text: null,
        raw_line: expect.stringMatching(/^TOO MANY COLUMNS: B,2024-01-02,5,extra,more$/),
      },
    ]);
  });

  it('counts valid rows on or after the as-of date for each analysis', async () => {
    const csv = `customer,date,amount
A,2024-01-01,5
A,2024-02-01,7
B,2024-02-03,-2
C,not a date,9
`;
    const mapping = { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, amount: 2 };
    const { tables } = await typeRows(csv, mapping);
    const params = `${tables.tx}_params`;
    sql.runWithParams(paramsTableSql(params), ['2024-02-01']);
    const q = { txTable: tables.tx, rawTable: tables.raw, rejectsTable: tables.rejects, mapping };
    expect(byRule(await sql.rows(asOfQualitySql({ ...q, paramsTable: params })))).toEqual({
      after_as_of: { rows: 2, share: 0.5, amount: 5, customers: null, samples: [2, 3] },
    });
    sql.runWithParams(paramsTableSql(params), ['2024-03-01']);
    expect(await sql.rows(asOfQualitySql({ ...q, paramsTable: params }))).toEqual([]);
  });
});
