import AxeBuilder from '@axe-core/playwright';
import { readFileSync, statSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { chooseFile, customerCount, expect, fixture, test, waitReady } from './fixtures';
import { brushValueMap, crashEngine, openOrdersEn } from './fixtures';

/** What the session holds of the settings these tests change. */
async function settings(page: Page) {
  return page.evaluate(() => {
    const s = window.valuemap!.session;
    return {
      scheme: s.scheme,
      asOf: s.current?.result.asOf ?? null,
      horizonMonths: s.valueOptions.horizonMonths,
      margin: s.valueOptions.margin,
      cac: s.valueOptions.cac.map((c) => ({ ...c })),
      tiers: { ...s.valueOptions.tiers },
      churnDays: s.lifecycleOptions.rules.churnDays,
      currency: s.currency,
      returns: s.policy.returns,
    };
  });
}

const CHANGED = {
  scheme: 'cn8',
  asOf: '2024-06-30',
  horizonMonths: 24,
  margin: 0.5,
  cac: [{ channel: 'web', cac: 12 }],
  tiers: { high: 0.1, mid: 0.4 },
  churnDays: 200,
  currency: 'EUR',
  returns: 'exclude',
};

/** Change settings through the session's own actions (the panels call the same ones). */
async function changeSettings(page: Page): Promise<void> {
  await page.getByTestId('scheme').selectOption('cn8');
  await page.getByTestId('currency').selectOption('EUR');
  await page.getByTestId('as-of').fill('2024-06-30');
  await page.getByTestId('as-of').dispatchEvent('change');
  await waitReady(page);
  await page.evaluate(async () => {
    const s = window.valuemap!.session;
    await s.setPolicy({ ...$snapshot(s.policy), returns: 'exclude' });
    await s.computeValue({
      ...$snapshot(s.valueOptions),
      horizonMonths: 24,
      margin: 0.5,
      cac: [{ channel: 'web', cac: 12 }],
      tiers: { high: 0.1, mid: 0.4 },
    });
    await s.computeLifecycle({
      ...$snapshot(s.lifecycleOptions),
      rules: { ...$snapshot(s.lifecycleOptions).rules, churnDays: 200 },
    });
    function $snapshot<T>(v: T): T {
      return JSON.parse(JSON.stringify(v)) as T;
    }
  });
  await waitReady(page);
  await expect.poll(() => settings(page)).toEqual(CHANGED);
}

/** Wait until autosave has written the settings and the data has been cached. */
async function saved(page: Page): Promise<void> {
  await page.evaluate(() => window.valuemap!.persistence!.flush());
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
}

/** orders-en.csv loaded, with its settings changed to CHANGED. */
async function openChanged(page: Page): Promise<void> {
  await openOrdersEn(page);
  await changeSettings(page);
}

/** Open the "saved work" disclosure, where the cache status, export, link and import are. */
async function openSavedWork(page: Page): Promise<void> {
  await page.getByTestId('saved-work').locator('summary').click();
}

test('a reload restores the dropped file and every setting, without dropping it again', async ({
  page,
}) => {
  await openChanged(page);
  await saved(page);
  await openSavedWork(page);
  await expect(page.getByTestId('cache-status')).toHaveAttribute('data-state', 'cached');
  expect(await page.evaluate(() => window.valuemap!.persistence!.cache)).toEqual({
    state: 'cached',
    backend: 'opfs',
    bytes: statSync(fixture('orders-en.csv')).size,
  });
  const axe = await new AxeBuilder({ page })
    .include('[data-testid=saved-work]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(axe.violations.map((v) => ({ id: v.id, nodes: v.nodes.length }))).toEqual([]);

  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '6');
  await expect(page.getByTestId('customer-table')).toContainText('C006');
  await expect.poll(() => settings(page)).toEqual(CHANGED);
  await expect(page.getByTestId('scheme')).toHaveValue('cn8');
  await expect(page.getByTestId('as-of')).toHaveValue('2024-06-30');
  await expect(page.getByTestId('currency')).toHaveValue('EUR');
  expect(await page.evaluate(() => window.valuemap!.session.current?.loaded.fileName)).toBe(
    'orders-en.csv',
  );

  // Cleared: the next reload starts afresh with the built-in sample.
  page.once('dialog', (d) => void d.accept());
  await openSavedWork(page);
  await page.getByTestId('clear-saved').click();
  await expect(page.getByTestId('persist-message')).toContainText('cleared');
  await page.reload();
  await waitReady(page);
  expect(await page.evaluate(() => window.valuemap!.session.current?.source.kind)).toBe('sample');
  expect((await settings(page)).scheme).toBe('rfm11');
});

test('where OPFS fails, the data is kept in IndexedDB and a reload still restores it', async ({
  page,
}) => {
  // Safari's main thread has no createWritable: the same failure, made here on purpose.
  await page.addInitScript(() => {
    FileSystemFileHandle.prototype.createWritable = () =>
      Promise.reject(new TypeError('createWritable is not available'));
  });
  await openOrdersEn(page, './?lang=zh-CN');
  await page.getByTestId('scheme').selectOption('cn8');
  await saved(page);
  await expect
    .poll(() => page.evaluate(() => window.valuemap!.persistence!.cache))
    .toEqual({ state: 'cached', backend: 'idb', bytes: statSync(fixture('orders-en.csv')).size });
  await openSavedWork(page);
  await expect(page.getByTestId('cache-status')).toContainText('数据');
  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '6');
  await expect(page.getByTestId('scheme')).toHaveValue('cn8');
});

test('a crashed engine reloads the data with every setting kept', async ({ page }) => {
  await openChanged(page);
  await crashEngine(page);
  expect(await customerCount(page)).toBe('6');
  await expect.poll(() => settings(page)).toEqual(CHANGED);
  // And what autosave kept after the crash is the same.
  await saved(page);
  await page.reload();
  await waitReady(page);
  await expect.poll(() => settings(page)).toEqual(CHANGED);
});

test('a .valuemap.json export with raw data opens the same analysis in a fresh browser', async ({
  page,
  browser,
}) => {
  await openChanged(page);
  await openSavedWork(page);
  await page.getByTestId('export-raw').check();
  await expect(page.getByTestId('raw-size')).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-notebook').click(),
  ]);
  expect(download.suggestedFilename()).toBe('orders-en.valuemap.json');
  const path = await download.path();
  const saved = JSON.parse(readFileSync(path, 'utf8')) as {
    format: string;
    config: { scheme: string; mapping: Record<string, { name: string; index: number }> };
    results: { segments: unknown[]; summary: { customers: number } };
    data: { name: string }[];
  };
  expect(saved.format).toBe('valuemap-notebook');
  expect(saved.config.scheme).toBe('cn8');
  expect(saved.config.mapping.customerId).toEqual({ name: 'Customer ID', index: 1 });
  expect(saved.results.summary.customers).toBe(6);
  expect(saved.data.map((d) => d.name)).toEqual(['orders-en.csv']);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto('./');
  await waitReady(other);
  // A broken file is refused with a reason, and the data on screen stays.
  const before = await customerCount(other);
  await openSavedWork(other);
  await other.getByTestId('import-input').setInputFiles({
    name: 'broken.valuemap.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format":"valuemap-notebook","version":99,"config":{}}'),
  });
  await expect(other.getByTestId('persist-message')).toContainText('newer ValueMap (format 99)');
  expect(await customerCount(other)).toBe(before);

  await other.getByTestId('import-input').setInputFiles(path);
  await expect(other.getByTestId('customer-count')).toHaveAttribute('data-count', '6');
  await waitReady(other);
  await expect.poll(() => settings(other)).toEqual(CHANGED);
  await fresh.close();
});

test('a copied link with ?data= reproduces the view in a new page', async ({ page, browser }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./?data=samples%2Fonline-retail-en.csv');
  await waitReady(page);
  await page.getByTestId('scheme').selectOption('cn8');
  await page.evaluate(async () => {
    const s = window.valuemap!.session;
    const options = JSON.parse(JSON.stringify(s.valueOptions)) as typeof s.valueOptions;
    await s.computeValue({ ...options, horizonMonths: 6, tiers: { high: 0.05, mid: 0.25 } });
  });
  await openSavedWork(page);
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('link-text').inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const url = new URL(link);
  expect(url.searchParams.get('data')).toBe('samples/online-retail-en.csv');
  expect(link.length).toBeLessThan(400);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await waitReady(other);
  await expect(other.getByTestId('scheme')).toHaveValue('cn8');
  await expect
    .poll(() =>
      other.evaluate(() => {
        const s = window.valuemap!.session;
        return [
          s.valueOptions.horizonMonths,
          s.valueOptions.tiers.high,
          s.current?.loaded.fileName,
        ];
      }),
    )
    .toEqual([6, 0.05, 'online-retail-en.csv']);
  await expect(other.getByTestId('customer-count')).toHaveAttribute(
    'data-count',
    (await page.getByTestId('customer-count').getAttribute('data-count')) ?? '',
  );
  await fresh.close();
});

test('a link without data asks for the file, then applies its settings to it', async ({
  page,
  browser,
}) => {
  await openChanged(page);
  await openSavedWork(page);
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('link-text').inputValue();
  expect(new URL(link).searchParams.has('data')).toBe(false);
  await expect(page.getByTestId('link-box')).toContainText('asked for the file');

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('pending-config')).toContainText(
    'This link carries settings: drop the file they apply to',
  );
  await expect(other.getByTestId('customer-count')).toHaveCount(0);
  await chooseFile(other, fixture('orders-en.csv'));
  await expect(other.getByTestId('customer-count')).toHaveAttribute('data-count', '6');
  await waitReady(other);
  await expect(other.getByTestId('pending-config')).toHaveCount(0);
  await expect.poll(() => settings(other)).toEqual(CHANGED);
  await fresh.close();
});

test('ten reloads in a row keep the file, the settings, the cells, a kept selection and the playbook', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // 300 customers over two years: enough for the value map to have something to brush.
  const rows = ['customer_id,order_date,amount'];
  for (let c = 0; c < 300; c++)
    for (let k = 0; k <= c % 5; k++) {
      const day = new Date(Date.UTC(2023, 0, 1 + ((c * 13 + k * 71) % 700)));
      rows.push(`K${c},${day.toISOString().slice(0, 10)},${10 + ((c * 7 + k) % 90)}.5`);
    }
  await page.goto('./?lang=en');
  await waitReady(page);
  await page.getByTestId('file-input').setInputFiles({
    name: 'kept.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(rows.join('\n')),
  });
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '300');
  await waitReady(page);
  await page.getByTestId('scheme').selectOption('cn8');
  await waitReady(page);
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });

  // A notebook cell, a playbook edit and a selection kept under a name.
  await page.getByTestId('add-sql').click();
  const editor = page.getByTestId('cell-sql').last().getByTestId('sql-input');
  await editor.click();
  await page.keyboard.type('SELECT count(*) AS kept FROM customers');
  await page.keyboard.press('Escape');
  const entry = page.locator('[data-testid=playbook-entry]').first();
  const key = await entry.getAttribute('data-key');
  await entry.locator('[data-field=owner]').fill('Retention team');
  const count = await brushValueMap(page, [0.2, 0.2], [0.8, 0.8]);
  const chip = page.getByTestId('selection-chip');
  await page.getByTestId('custom-segment-name').fill('Kept buyers');
  await page.getByTestId('custom-segment-save').click();
  await saved(page);

  for (let reload = 1; reload <= 10; reload++) {
    await page.reload();
    await waitReady(page);
    await expect(page.getByTestId('customer-count'), `reload ${reload}`).toHaveAttribute(
      'data-count',
      '300',
    );
    expect(await page.evaluate(() => window.valuemap!.session.current?.loaded.fileName)).toBe(
      'kept.csv',
    );
    await expect(page.getByTestId('scheme')).toHaveValue('cn8');
    await expect(page.getByTestId('cell-sql').last().getByTestId('sql-input')).toContainText(
      'SELECT count(*) AS kept FROM customers',
    );
    await expect(
      page.locator(`[data-testid=playbook-entry][data-key="${key}"] [data-field=owner]`),
    ).toHaveValue('Retention team');
    const kept = page.getByTestId('custom-segments').getByRole('button', { name: /^Kept buyers/ });
    await expect(kept).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('cache-status')).toHaveAttribute('data-state', 'cached');
  }
  await page
    .getByTestId('custom-segments')
    .getByRole('button', { name: /^Kept buyers/ })
    .click();
  await expect(chip).toHaveAttribute('data-count', String(count));
});
