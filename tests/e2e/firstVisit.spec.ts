import { customerCount, expect, test, waitReady } from './fixtures';

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
    expect(shownAfter).toBeLessThan(3000);

    await waitReady(page);
    await expect(first).toHaveCount(0);
    expect(await customerCount(page)).toBe(early);
    await expect(page.getByTestId('revenue')).toHaveText(earlyRevenue ?? '');
    await expect(page.getByTestId('scheme')).toBeEnabled();
  });
}

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
