// Native DuckDB baseline: the same load and analysis SQL the app runs, on one thread.
// Bundled by bench/run.mjs with rolldown and run in Node; prints one JSON line per run. Type-checked
// only here (its package is installed on demand, outside the root lockfile).
import { DuckDBInstance } from '@duckdb/node-api';
import { EMPTY_MAPPING } from '../../src/analysis/mapping';
import { DEFAULT_POLICY, nonProductRows } from '../../src/analysis/policy';
import { rowsReadSql, typedQualitySql } from '../../src/analysis/quality';
import { rfmGridSql, segmentSummarySql, summarySql } from '../../src/analysis/reports';
import { buildCustomerTotalsSql } from '../../src/analysis/customerTotals';
import { buildRfmSql } from '../../src/analysis/rfm';
import { paramsTableSql } from '../../src/analysis/sql';
import {
  buildTransactionsSql,
  defaultAsOfSql,
  policyTablesSql,
} from '../../src/analysis/transactions';
import { loadCsvSql } from '../../src/ingest/csv';
import { profileSqlBatches } from '../../src/ingest/profile';

const [file, runs = '3'] = process.argv.slice(2);
if (!file) throw new Error('usage: native.mjs FILE [RUNS]');

for (let run = 0; run < Number(runs); run++) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  const t0 = performance.now();
  await conn.run(loadCsvSql(file, 'raw_1', 'rejects_1'));
  for (const sql of profileSqlBatches('raw_1', 3)) await conn.run(sql);
  const loaded = performance.now();
  const mapping = { ...EMPTY_MAPPING, customerId: 0, orderDate: 1, amount: 2 };
  const columnCount = Number(
    (await conn.runAndReadAll('SELECT count(*) AS n FROM (DESCRIBE raw_1)')).getRowObjectsJS()[0]
      ?.n,
  );
  const policy = DEFAULT_POLICY;
  const policyTable = 'params_1_policy';
  for (const { sql, params } of policyTablesSql(
    policyTable,
    policy.cancelledOrderPrefix,
    nonProductRows(policy.nonProductCodes),
  )) {
    const statement = await conn.prepare(sql);
    params.forEach((value, i) =>
      typeof value === 'boolean'
        ? statement.bindBoolean(i + 1, value)
        : statement.bindVarchar(i + 1, String(value)),
    );
    await statement.run();
  }
  await conn.run(
    buildTransactionsSql({
      rawTable: 'raw_1',
      outTable: 'tx_1',
      mapping,
      dateFamily: 'ymd',
      decimal: '.',
      columnCount,
      policy,
      policyTable,
    }),
  );
  await conn.run(
    typedQualitySql({
      txTable: 'tx_1',
      rawTable: 'raw_1',
      rejectsTable: 'rejects_1',
      policyTable,
      mapping,
    }),
  );
  await conn.run(rowsReadSql('tx_1', 'rejects_1'));
  const asOf = String(
    (await conn.runAndReadAll(defaultAsOfSql('tx_1'))).getRowObjectsJS()[0]?.as_of,
  );
  const params = await conn.prepare(paramsTableSql('params_1'));
  params.bindVarchar(1, asOf);
  await params.run();
  await conn.run(
    buildCustomerTotalsSql({
      txTable: 'tx_1',
      outTable: 'totals_1',
      paramsTable: 'params_1',
      hasOrderId: false,
    }),
  );
  await conn.run(
    buildRfmSql({ totalsTable: 'totals_1', outTable: 'rfm_1', paramsTable: 'params_1' }),
  );
  await conn.run(summarySql('tx_1', 'totals_1', 'rfm_1', 'params_1'));
  await conn.run(segmentSummarySql('rfm_1', 'rfm11'));
  await conn.run(rfmGridSql('rfm_1', 'rfm11'));
  const analysed = performance.now();
  const customers = (
    await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM rfm_1')
  ).getRowObjectsJS()[0]?.n;
  conn.closeSync();
  const bare = await bareLoadAndRfm(file);
  console.log(
    JSON.stringify({
      run,
      loadMs: loaded - t0,
      analyseMs: analysed - loaded,
      customers,
      bareLoadMs: bare.loadMs,
      bareRfmMs: bare.rfmMs,
      bareCustomers: bare.customers,
    }),
  );
}

/**
 * The floor the app's file→segments is judged against (issue 16): DuckDB reading the file typed by
 * its own sniffer, then recency, frequency (purchase days) and monetary per customer scored in
 * quintiles, on one thread. No checks, no quality report, no text kept.
 */
async function bareLoadAndRfm(
  path: string,
): Promise<{ loadMs: number; rfmMs: number; customers: number }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  const t0 = performance.now();
  await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${path.replaceAll("'", "''")}')`);
  const loaded = performance.now();
  await conn.run(`CREATE TABLE rfm AS
    WITH c AS (
      SELECT customer_id, max(order_date) AS last_day, count(DISTINCT order_date) AS frequency,
        sum(amount) AS monetary
      FROM t WHERE amount > 0 GROUP BY customer_id
    )
    SELECT *, ntile(5) OVER (ORDER BY last_day) AS r, ntile(5) OVER (ORDER BY frequency) AS f,
      ntile(5) OVER (ORDER BY monetary) AS m
    FROM c`);
  const scored = performance.now();
  const customers = Number(
    (await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM rfm')).getRowObjectsJS()[0]?.n,
  );
  conn.closeSync();
  return { loadMs: loaded - t0, rfmMs: scored - loaded, customers };
}
