import { readFileSync } from 'node:fs';
import type { Download, Locator, Page } from '@playwright/test';
import { dropFiles, expect, test, waitReady } from './fixtures';

/** Click an export button; the downloaded file's text. */
async function saved(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [download]: [Download, void] = await Promise.all([
    page.waitForEvent('download'),
    button.click(),
  ]);
  return {
    name: download.suggestedFilename(),
    text: readFileSync(await download.path()).toString('utf8'),
  };
}

/** Content-Security-Policy violations (events and console reports) from the page's start. */
async function watchPolicy(page: Page): Promise<{ list: () => Promise<string[]> }> {
  const console: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) console.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return {
    list: async () => [
      ...console,
      ...(await page.evaluate(
        () => (window as unknown as { __violations: string[] }).__violations,
      )),
    ],
  };
}

async function waitForAnalyses(page: Page): Promise<void> {
  await waitReady(page);
  for (const id of ['value-status', 'lifecycle-status'])
    await expect(page.getByTestId(id)).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
}

/** A request to another origin from `where` (page or worker): 'blocked' or 'sent'. */
const crossOriginFetch = async () => {
  try {
    await fetch('http://127.0.0.1:9/x', { mode: 'no-cors' });
    return 'sent';
  } catch {
    return 'blocked';
  }
};

test('the policy holds a whole session without one violation; other origins are blocked', async ({
  page,
}) => {
  const policy = await watchPolicy(page);
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitForAnalyses(page);
  const policies = await page.evaluate(() =>
    [...document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')].map(
      (m) => (m as HTMLMetaElement).content,
    ),
  );
  expect(policies[0]).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policies[0]).not.toContain("'unsafe-eval'");
  expect(policies[1]).toBe("connect-src 'self'");

  // Value map, exports (CSV, metadata, chart SVG, pipeline), presentation.
  await page.locator('#explore-title').scrollIntoViewIfNeeded();
  const csv = await saved(page, page.getByTestId('export-customers'));
  expect(csv.text).toContain('value_tier');
  await saved(page, page.getByTestId('export-metadata'));
  const svg = await saved(page, page.getByTestId('lorenz-actions').getByTestId('export-svg'));
  expect(svg.text).toContain('<svg');
  const sql = await saved(page, page.getByTestId('export-pipeline'));
  expect(sql.name).toBe('online-retail-en-pipeline.sql');
  expect(sql.text).toContain("SET VARIABLE source = 'online-retail-en.csv';");
  expect(sql.text).toContain('CREATE OR REPLACE TABLE customer_value AS');
  expect(sql.text).toContain('CREATE OR REPLACE TABLE lifecycle_stages AS');
  await page.getByTestId('present').click();
  await expect(page.getByTestId('slide')).toBeVisible();
  await page.keyboard.press('End');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('presentation')).toHaveCount(0);
  expect(await policy.list()).toEqual([]);

  // Connections elsewhere are refused, in the page and in the engine's worker (started from a
  // blob: URL so that it inherits the page's policy; a static host gives its script none).
  expect(await page.evaluate(crossOriginFetch)).toBe('blocked');
  const workers = page.workers();
  expect(workers.length).toBeGreaterThan(0);
  for (const worker of workers) expect(await worker.evaluate(crossOriginFetch)).toBe('blocked');
  expect((await policy.list()).filter((v) => v.includes('127.0.0.1:9')).length).toBeGreaterThan(0);
});

test.describe('a shared data link', () => {
  test.use({ dataOrigins: ['https://data.example.org'] });
  test('a ?data= URL adds its origin, and only it, to the connection policy', async ({ page }) => {
    await page.goto('./?data=https%3A%2F%2Fdata.example.org%2Fpath%2Forders.csv%3Fa%3D1&lang=en');
    const policies = await page.evaluate(() =>
      [...document.querySelectorAll('meta[data-csp="connect"]')].map(
        (m) => (m as HTMLMetaElement).content,
      ),
    );
    expect(policies).toEqual(["connect-src 'self' https://data.example.org"]);
    // The unreachable file is reported as such, not as a policy failure elsewhere.
    await expect(page.getByTestId('error')).toBeVisible({ timeout: 30_000 });
  });
});

const HOSTILE = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  'javascript:window.__pwned=1',
  '=HYPERLINK("http://evil","x")',
  "+cmd|' /C calc'!A0",
  '@SUM(1)',
  '-2+3',
  '\u202Eevil\u200B\u200Bgnp.exe',
  'x'.repeat(5000),
];

/** Orders whose customer ids, channels and products are hostile text (quoted as CSV). */
function hostileOrders(): string {
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const rows = ['customer_id,order_date,amount,channel,product'];
  for (let c = 0; c < 60; c++) {
    const id = c < HOSTILE.length ? (HOSTILE[c] as string) : `C${c}`;
    const attr = HOSTILE[c % HOSTILE.length] as string;
    // The hostile customers buy most, so they head the customer list.
    const orders = c < HOSTILE.length ? 5 : 1 + (c % 4);
    for (let k = 0; k < orders; k++) {
      const day = `2024-${String(1 + ((c + k * 4) % 12)).padStart(2, '0')}-${String(1 + ((c * 3 + k) % 27)).padStart(2, '0')}`;
      const amount = (c < HOSTILE.length ? 500 : 10) + ((c * 7 + k) % 40);
      rows.push([q(id), day, amount.toFixed(2), q(attr), q(attr)].join(','));
    }
  }
  return rows.join('\n');
}

test('hostile text in the data is shown as text and exported neutralised', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const policy = await watchPolicy(page);
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  await dropFiles(page, [{ name: 'hostile.csv', bytes: Buffer.from(hostileOrders()) }]);
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '60', {
    timeout: 60_000,
  });
  await waitForAnalyses(page);

  // The customer table shows the ids as text.
  const table = page.getByTestId('customer-table');
  await expect(table).toContainText('<script>window.__pwned=1</script>');
  await expect(table).toContainText('<img src=x onerror="window.__pwned=1">');
  // Walk the views: value map, segmentation by the hostile channel, personas, playbook, slides.
  for (const id of [
    'explore-title',
    'value-title',
    'lifecycle-title',
    'segmentation-title',
    'playbook-title',
  ]) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  }
  await page.getByTestId('present').click();
  await expect(page.getByTestId('slide')).toBeVisible();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Escape');

  // Exports: formulas neutralised with an apostrophe, markup kept as text.
  const csv = (await saved(page, page.getByTestId('export-customers'))).text;
  expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
  expect(csv).toContain(`'+cmd|' /C calc'!A0`);
  expect(csv).toContain(`'@SUM(1)`);
  expect(csv).toContain(`'-2+3`);
  expect(csv).not.toMatch(/(^|[,\n])"?=HYPERLINK/);
  expect(csv).toContain('<script>window.__pwned=1</script>');
  const sql = (await saved(page, page.getByTestId('export-pipeline'))).text;
  // The pipeline reads the data with read_csv; none of it is written into the file.
  expect(sql).not.toContain('HYPERLINK');
  expect(sql).not.toContain('__pwned');

  const pwned = await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
  expect(pwned).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(await policy.list()).toEqual([]);
});
