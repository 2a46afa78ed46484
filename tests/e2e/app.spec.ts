import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseFile, customerCount, expect, fixture, test, waitReady } from './fixtures';
import { crashEngine, openOrdersEn } from './fixtures';

test('opens on the built-in sample, already analysed', async ({ page }) => {
  await page.goto('./');
  await waitReady(page);
  expect(await customerCount(page)).toBe('4000');
  await expect(page.getByTestId('rfm-grid').locator('g.cell')).toHaveCount(25);
  await expect(page.getByTestId('segment-table').locator('tbody tr')).toHaveCount(11);
  await expect(page.getByTestId('customer-table').locator('tbody tr')).toHaveCount(50);
});

test('?sample= selects a sample; the Chinese one reads in zh-CN', async ({ page }) => {
  await page.goto('./?sample=retail-zh&lang=zh-CN');
  await waitReady(page);
  expect(await customerCount(page)).toBe('21000');
  await expect(page.getByRole('heading', { name: '客户分群' })).toBeVisible();
  await expect(page.getByTestId('segment-table')).toContainText('冠军客户');
  await expect(page.getByTestId('excluded-missing_customer_id')).toHaveAttribute('data-rows', '40');
});

test('an unknown sample name is explained and the default sample shown', async ({ page }) => {
  await page.goto('./?sample=nope');
  await expect(page.getByTestId('error')).toContainText('nope');
  await expect(page.getByTestId('error')).toContainText('retail-zh');
  expect(await customerCount(page)).toBe('4000');
});

test('an English CSV: counts, exclusions and an export with known values', async ({ page }) => {
  await openOrdersEn(page);
  await waitReady(page);
  await expect(page.getByTestId('order-count')).toHaveText('9');
  await expect(page.getByTestId('date-range')).toHaveText('Dec 1, 2023 – Mar 2, 2024');
  await expect(page.getByTestId('as-of')).toHaveValue('2024-03-03');
  await expect(page.getByTestId('excluded-missing_customer_id')).toHaveAttribute('data-rows', '1');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-customers').click();
  const file = await (await download).path();
  const bytes = readFileSync(file);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...lines] = bytes.subarray(3).toString('utf8').trim().split('\n');
  expect(header).toMatch(
    /^customer_id,first_purchase,last_purchase,recency_days,frequency,monetary,avg_order_value,r_score,f_score,m_score,segment/,
  );
  const rows = Object.fromEntries(lines.map((l) => [l.split(',')[0], l.split(',').slice(0, 7)]));
  expect(Object.keys(rows)).toHaveLength(6);
  expect(rows.C001).toEqual(['C001', '2024-01-05', '2024-03-01', '2', '3', '120.5', '40.17']);
  expect(rows.C002).toEqual(['C002', '2024-01-20', '2024-01-20', '43', '1', '150.0', '150.0']);
  expect(rows.C003).toEqual(['C003', '2024-02-28', '2024-02-28', '4', '2', '20.0', '10.0']);
  expect(rows.C004?.slice(3, 6)).toEqual(['93', '1', '80.0']);
  expect(rows.C006?.slice(3, 6)).toEqual(['48', '1', '1250.0']);
});

test('a Chinese-header CSV with a BOM, slashed dates and ¥ amounts', async ({ page }) => {
  await page.goto('./');
  await waitReady(page);
  await chooseFile(page, fixture('orders-zh.csv'));
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '5');
  await waitReady(page);
  await expect(page.getByTestId('map-customerId')).toHaveValue('1');
  await expect(page.getByTestId('customer-table')).toContainText('007');
  await page.getByTestId('language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: 'RFM 矩阵' })).toBeVisible();
  await page.getByTestId('scheme').selectOption('cn8');
  await expect(page.getByTestId('segment-table').locator('tbody tr')).toHaveCount(8);
  await expect(page.getByTestId('segment-table')).toContainText('重要价值客户');
});

test('unrecognised headers: the analyst picks the columns', async ({ page }) => {
  await page.goto('./');
  await waitReady(page);
  await chooseFile(page, fixture('needs-mapping.csv'));
  await expect(page.getByTestId('mapping')).toContainText('needs-mapping.csv');
  expect(await customerCount(page)).toBe('4000'); // still the previous data
  await page.getByTestId('map-customerId').selectOption({ label: 'who' });
  await page.getByTestId('map-amount').selectOption({ label: 'how much' });
  await page.getByTestId('apply-mapping').click();
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '2');
  await expect(page.getByTestId('revenue')).toHaveText('15.00');
});

test('a file with no usable column: a clear error, and the previous data stays', async ({
  page,
}) => {
  await page.goto('./');
  await waitReady(page);
  await chooseFile(page, fixture('not-orders.csv'));
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('error')).toContainText('not-orders.csv');
  await expect(page.getByTestId('error')).toContainText('name, city');
  await expect(page.getByTestId('error')).toContainText('order date');
  expect(await customerCount(page)).toBe('4000');
  await expect(page.getByTestId('customer-table').locator('tbody tr')).toHaveCount(50);
});

test('cancel during a load keeps the previous data', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'valuemap-'));
  const big = join(dir, 'big-orders.csv');
  const lines = ['customer_id,order_date,amount'];
  for (let i = 0; i < 1_500_000; i++)
    lines.push(`C${i % 150_000},2024-0${1 + (i % 9)}-1${i % 10},${(i % 997) / 10}`);
  writeFileSync(big, lines.join('\n'));

  await page.goto('./');
  await waitReady(page);
  await chooseFile(page, big);
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'loading');
  await page.getByTestId('cancel').click();
  await waitReady(page);
  await expect(page.getByTestId('status')).toContainText('cancelled');
  expect(await customerCount(page)).toBe('4000');
  // The engine is still usable afterwards.
  await chooseFile(page, fixture('orders-en.csv'));
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '6');
});

test('a crashed engine is replaced and the data on screen reloaded', async ({ page }) => {
  await openOrdersEn(page);
  await waitReady(page);
  await crashEngine(page);
  expect(await customerCount(page)).toBe('6');
  await expect(page.getByTestId('customer-table')).toContainText('C006');
});
