import { readFileSync } from 'node:fs';
import { customerCount, expect, test, waitReady } from './fixtures';

/** The revenue card as a number (en formatting: 1,234.56). */
async function revenue(page: import('@playwright/test').Page): Promise<number> {
  const text = (await page.getByTestId('revenue').textContent()) ?? '';
  return Number(text.replace(/,/g, ''));
}

test('the data-quality report: every rule with its count, a CSV download, and a policy change', async ({
  page,
}) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  expect(await customerCount(page)).toBe('4000');
  // The sample's documented dirt (scripts/generate-samples.mjs), plus its postage lines.
  await expect(page.getByTestId('excluded-missing_customer_id')).toHaveAttribute(
    'data-rows',
    '200',
  );
  await expect(page.getByTestId('excluded-invalid_date')).toHaveAttribute('data-rows', '3');
  await expect(page.getByTestId('quality-cancellation_netted')).toHaveAttribute('data-rows', '30');
  const postage = page.getByTestId('excluded-non_product');
  await expect(postage).toHaveAttribute('data-effect', 'excluded');
  const postageRows = Number(await postage.getAttribute('data-rows'));
  const postageAmount = Number(await postage.getAttribute('data-amount'));
  expect(postageRows).toBeGreaterThan(0);
  await postage.locator('summary').click();
  await expect(postage.locator('ul.samples li')).toHaveCount(5);
  await expect(postage.locator('ul.samples li').first()).toContainText('POST');

  const download = page.waitForEvent('download');
  await page.getByTestId('quality-download').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^online-retail-en-quality-\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = readFileSync(await file.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^rule_key,Rule,Effect,Rows,% of rows read,Amount,Customers,Example 1,/);
  expect(lines.find((l) => l.startsWith('non_product,'))).toContain(`,left out,${postageRows},`);
  expect(lines.map((l) => l.split(',')[0]).slice(1)).toEqual([
    'missing_customer_id',
    'invalid_date',
    'non_product',
    'cancellation_netted',
  ]);

  // The export's metadata carries the same counts, by rule key.
  const metadataDownload = page.waitForEvent('download');
  await page.getByTestId('export-metadata').click();
  const metadataFile = await metadataDownload;
  expect(metadataFile.suggestedFilename()).toMatch(
    /^online-retail-en-customers-\d{4}-\d{2}-\d{2}\.json$/,
  );
  const metadata = JSON.parse(readFileSync(await metadataFile.path(), 'utf8')) as {
    customers_file: string;
    summary: { customers: number };
    data_quality: { rows_read: number; rules: { rule: string; rows: number }[] };
  };
  expect(metadata.customers_file).toBe(metadataFile.suggestedFilename().replace(/json$/, 'csv'));
  expect(metadata.summary.customers).toBe(4000);
  expect(Object.fromEntries(metadata.data_quality.rules.map((r) => [r.rule, r.rows]))).toEqual({
    missing_customer_id: 200,
    invalid_date: 3,
    non_product: postageRows,
    cancellation_netted: 30,
  });

  // Postage counted as spend: the report goes, and revenue grows by exactly its amount.
  const before = await revenue(page);
  await page.getByTestId('policy').locator('summary').click();
  await page.getByTestId('policy-codes').fill('');
  await page.getByTestId('policy-apply').click();
  await expect(page.getByTestId('excluded-non_product')).toHaveCount(0);
  await waitReady(page);
  expect((await revenue(page)) - before).toBeCloseTo(postageAmount, 2);
  expect(await customerCount(page)).toBe('4000');
});
