import { readFileSync } from 'node:fs';
import { parquetOrders, sheetOrders } from '../../scripts/fixtures/formats.mjs';
import {
  chooseFile,
  customerCount,
  dropFiles,
  expect,
  generated,
  test,
  waitReady,
} from './fixtures';

/** Customers and orders (distinct purchase days per customer) of fixture rows, counted here in Node. */
function counts(rows: { id: string; day: string }[]) {
  return {
    customers: String(new Set(rows.map((r) => r.id)).size),
    orders: String(new Set(rows.map((r) => `${r.id}|${r.day}`)).size),
  };
}

const gbkRows = readFileSync(generated('enc-gbk.expected.txt'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));

test('a GBK CSV (the Chinese Excel/WPS default) reads as Chinese; another encoding can be chosen', async ({
  page,
}) => {
  await page.goto('./');
  await waitReady(page);
  await chooseFile(page, generated('enc-gbk.csv'));
  const expected = counts(gbkRows.map((r) => ({ id: r[0] ?? '', day: r[2] ?? '' })));
  await expect(page.getByTestId('customer-count')).toHaveAttribute(
    'data-count',
    expected.customers,
  );
  await waitReady(page);
  await expect(page.getByTestId('encoding')).toHaveValue('gb18030');
  const mapping = page.getByTestId('mapping');
  await expect(mapping).toContainText('客户姓名');
  await expect(mapping).toContainText(gbkRows[0]?.[1] ?? '—');

  // Read as Western European, the names turn to mojibake in the preview; back to GBK, they return.
  await page.getByTestId('encoding').selectOption('windows-1252');
  await waitReady(page);
  await expect(page.getByTestId('encoding')).toHaveValue('windows-1252');
  await expect(page.getByTestId('encoding-how')).toHaveText('chosen by you');
  await expect(mapping).not.toContainText(gbkRows[0]?.[1] ?? '—');
  await expect(page.getByTestId('garbled')).toContainText('Windows-1252');
  await page.getByTestId('encoding').selectOption('gb18030');
  await waitReady(page);
  await expect(mapping).toContainText(gbkRows[0]?.[1] ?? '—');
  await expect(page.getByTestId('garbled')).toHaveCount(0);
  await page.getByTestId('apply-mapping').click();
  await waitReady(page);
  expect(await customerCount(page)).toBe(expected.customers);
});

test('an Excel workbook: the order sheet is found, and a sheet without orders is explained', async ({
  page,
}) => {
  await page.goto('./');
  await waitReady(page);
  await chooseFile(page, generated('orders.xlsx'));
  const expected = counts(
    sheetOrders().map((o) => ({ id: o.id, day: o.date.toISOString().slice(0, 10) })),
  );
  await expect(page.getByTestId('customer-count')).toHaveAttribute(
    'data-count',
    expected.customers,
  );
  await waitReady(page);
  await expect(page.getByTestId('order-count')).toHaveText(expected.orders);
  await expect(page.getByTestId('source-format')).toHaveText('Excel workbook');
  await expect(page.getByTestId('sheet')).toHaveValue('订单');
  // Leading zeros of text ids survive the workbook.
  await expect(page.getByTestId('customer-table')).toContainText(/\b0\d{4}\b/);

  await page.getByTestId('sheet').selectOption('说明');
  await expect(page.getByTestId('error')).toBeVisible();
  await expect(page.getByTestId('error')).toContainText('说明');
  expect(await customerCount(page)).toBe(expected.customers); // the workbook's orders stay
});

test('a Parquet file', async ({ page }) => {
  await page.goto('./');
  await waitReady(page);
  await chooseFile(page, generated('orders.parquet'));
  const expected = counts(
    parquetOrders().map((o) => ({
      id: o.customer_id,
      day: o.order_date.toISOString().slice(0, 10),
    })),
  );
  await expect(page.getByTestId('customer-count')).toHaveAttribute(
    'data-count',
    expected.customers,
  );
  await waitReady(page);
  await expect(page.getByTestId('order-count')).toHaveText(expected.orders);
  await expect(page.getByTestId('source-format')).toHaveText('Parquet');
});

test('monthly exports dropped together are appended; a customer list is joined', async ({
  page,
}) => {
  await page.goto('./');
  await waitReady(page);
  const csv = (text: string) => Buffer.from(text, 'utf8');
  await dropFiles(page, [
    {
      name: '2024-01.csv',
      bytes: csv('客户ID,下单日期,订单金额\nA01,2024-01-03,10\nB02,2024-01-05,20\n'),
    },
    {
      name: '2024-02.csv',
      bytes: csv('客户ID,下单日期,订单金额\nA01,2024-02-07,30\nC03,2024-02-09,5\n'),
    },
    { name: '客户名单.csv', bytes: csv('客户ID,城市,会员等级\nA01,上海,金卡\nB02,北京,银卡\n') },
  ]);
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '3');
  await waitReady(page);
  await expect(page.getByTestId('order-count')).toHaveText('4');
  await expect(page.getByTestId('appended-files')).toContainText('2024-01.csv (2)');
  await expect(page.getByTestId('appended-files')).toContainText('2024-02.csv (2)');
  await expect(page.getByTestId('attributes')).toContainText('客户名单.csv');
  await expect(page.getByTestId('attributes')).toContainText('城市, 会员等级');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-customers').click();
  const lines = readFileSync(await (await download).path())
    .subarray(3)
    .toString('utf8')
    .trim()
    .split('\n');
  expect(lines[0]).toMatch(/,城市,会员等级$/);
  expect(lines.find((l) => l.startsWith('A01,'))).toMatch(/,上海,金卡$/);
  expect(lines.find((l) => l.startsWith('C03,'))).toMatch(/,,$/); // not on the list: empty
});

test.describe('a shared link to public data', () => {
  const DATA = 'https://data.example.org';
  test.use({ dataOrigins: [DATA] });

  test('?data= downloads the file (CORS) and analyses it', async ({ page }) => {
    await page.route(`${DATA}/exports/orders-gbk.csv`, (route) =>
      route.fulfill({
        body: readFileSync(generated('enc-gbk.csv')),
        headers: { 'content-type': 'text/csv', 'access-control-allow-origin': '*' },
      }),
    );
    await page.goto(`./?data=${encodeURIComponent(`${DATA}/exports/orders-gbk.csv`)}`);
    await waitReady(page);
    expect(await customerCount(page)).toBe(String(new Set(gbkRows.map((r) => r[0])).size));
    await expect(page.getByTestId('summary')).toContainText('orders-gbk.csv');
  });

  test('an unreachable ?data= link says why and how to fix it', async ({ page }) => {
    await page.route(`${DATA}/missing.csv`, (route) =>
      route.fulfill({ status: 404, headers: { 'access-control-allow-origin': '*' } }),
    );
    await page.goto(`./?data=${encodeURIComponent(`${DATA}/missing.csv`)}`);
    await expect(page.getByTestId('error')).toContainText('404');
    await expect(page.getByTestId('error')).toContainText('CORS');
  });
});
