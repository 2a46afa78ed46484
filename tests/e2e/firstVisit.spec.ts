import { customerCount, expect, openOrdersEn, test, waitReady } from './fixtures';

/**
 * Issue 16: a first visit sees the sample's analysed first screen before the engine is ready —
 * figures computed at build time — and then the same figures from the engine.
 */

for (const lang of ['en', 'zh-CN'] as const) {
  test(`the first screen shows before the engine is ready, with the engine's own figures (${lang})`, async ({
    page,
  }) => {
    // The engine's wasm arrives late, as on a slow first visit: the first screen must not wait.
    await page.route('**/*.wasm', async (route) => {
      await new Promise((r) => setTimeout(r, 4000));
      await route.continue();
    });
    const opened = Date.now();
    await page.goto(`./?lang=${lang}`);
    const first = page.getByTestId('first-screen');
    await expect(first).toBeVisible({ timeout: 3000 });
    const shownAfter = Date.now() - opened;
    await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'loading');
    await expect(page.getByTestId('first-screen-note')).toBeVisible();
    const early = await first.getByTestId('customer-count').getAttribute('data-count');
    const earlyRevenue = await first.getByTestId('revenue').textContent();
    await expect(first.getByTestId('segment-table').locator('tbody tr')).toHaveCount(11);
    await expect(first.getByTestId('scheme')).toBeDisabled();
    // The value map too, as the page opens it (current × potential value), drawn without the engine.
    const map = first.getByTestId('value-map-preview');
    await expect(map).toBeVisible();
    const marks = Number(
      await map.getByTestId('value-map-preview-canvas').getAttribute('data-marks'),
    );
    expect(marks).toBeGreaterThan(100);
    await expect(map.locator('.quadrant')).toHaveCount(4);
    await expect(map.getByRole('listitem')).toHaveCount(11);
    await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'loading');
    expect(shownAfter).toBeLessThan(3000);

    await waitReady(page);
    await expect(first).toHaveCount(0);
    expect(await customerCount(page)).toBe(early);
    await expect(page.getByTestId('revenue')).toHaveText(earlyRevenue ?? '');
    await expect(page.getByTestId('scheme')).toBeEnabled();
  });
}

test('the engine’s worker starts while the app’s own JavaScript is still downloading', async ({
  page,
}) => {
  // The app's entry chunks arrive late; the small boot chunk starts the worker meanwhile.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let appArrived = false;
  await page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
    await held;
    appArrived = true;
    await route.continue();
  });
  const workerScripts: string[] = [];
  page.on('request', (r) => {
    if (/\/assets\/db\.worker-[\w-]+\.js$/.test(r.url())) workerScripts.push(r.url());
  });
  const workerStarted = page.waitForRequest(/\/assets\/db\.worker-[\w-]+\.js$/, {
    timeout: 10_000,
  });
  await page.goto('./?lang=en', { waitUntil: 'commit' });
  await workerStarted;
  expect(appArrived).toBe(false);
  release();
  await waitReady(page);
  // The page adopted that worker: no second engine was started.
  expect(workerScripts).toHaveLength(1);
  expect(await page.evaluate(() => window.valuemap!.engine.restartCount)).toBe(0);
});

test('a link that brings its own data fetches no sample first screen', async ({
  page,
  baseURL,
}) => {
  const fetched: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.first.json')) fetched.push(r.url());
  });
  const data = new URL('samples/retail-zh.csv', baseURL).href;
  await page.goto(`./?lang=en&data=${encodeURIComponent(data)}`);
  await waitReady(page);
  await expect(page.getByTestId('first-screen')).toHaveCount(0);
  expect(fetched).toEqual([]);
});

test('a reload with the analyst’s own data kept shows no sample first screen before it', async ({
  page,
}) => {
  await openOrdersEn(page);
  await page.evaluate(() => window.valuemap!.persistence!.flush());
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
  const fetched: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.first.json')) fetched.push(r.url());
  });
  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('summary')).toContainText('orders-en.csv');
  expect(fetched).toEqual([]);
  // Cleared, the next visit is a first visit again.
  await page.getByTestId('saved-work').locator('summary').click();
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('clear-saved').click();
  await expect.poll(() => page.evaluate(() => window.valuemap!.persistence!.cache)).toBeNull();
  await page.reload();
  await expect(page.getByTestId('first-screen')).toBeVisible();
});

test('segmentation, playbook and notebook load when scrolled near, or once the analysis has settled', async ({
  page,
}) => {
  const chunks: string[] = [];
  page.on('request', (r) => {
    const lazy = /\/assets\/(Notebook|PlaybookPanel|SegmentationPanel)-[\w-]+\.js$/.exec(r.url());
    if (lazy) chunks.push(lazy[1] as string);
  });
  // The models' worker arrives late, so the analysis stays unsettled while we look.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/compute.worker-*.js', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('./?lang=en');
  await waitReady(page);
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'computing');
  expect(chunks).toEqual([]);
  await expect(page.getByTestId('lazy-notebook')).toBeAttached();
  // A jump to the notebook brings it in (with what the scroll passes near).
  await page.getByTestId('jump-nav').getByRole('link', { name: 'Notebook', exact: true }).click();
  await expect(page.getByTestId('notebook')).toBeVisible();
  expect(chunks).toContain('Notebook');
  // Once value and lifecycle are done, the rest follow while the page is idle.
  release();
  await expect(page.getByTestId('playbook-panel')).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId('segmentation-panel')).toBeAttached();
  expect([...new Set(chunks)].sort()).toEqual(['Notebook', 'PlaybookPanel', 'SegmentationPanel']);
});
