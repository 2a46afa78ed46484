import { customerCount, expect, test, waitReady } from './fixtures';

test('segmentation: attributes of the zh sample, k-means clusters and persona cards', async ({
  page,
}) => {
  await page.goto('./?sample=retail-zh&lang=zh-CN');
  await waitReady(page);
  const panel = page.getByTestId('segmentation-panel');
  await expect(panel).toBeVisible();
  const customers = Number((await customerCount(page)).replace(/[,，]/g, ''));
  expect(customers).toBeGreaterThan(100);

  // The sample's 城市, 渠道, 年龄, 性别 are attributes; the city (geographic) is shown first.
  const select = page.getByTestId('attribute-select');
  await expect(select.locator('option')).toHaveCount(4, { timeout: 90_000 });
  await expect(select.locator('option[data-kind=region]')).toHaveAttribute(
    'data-family',
    'geographic',
  );
  await expect(select.locator('option[data-kind=age]')).toHaveCount(1);
  await expect(select.locator('option[data-kind=gender]')).toHaveCount(1);
  await expect(select.locator('option[data-kind=channel]')).toHaveCount(1);
  const groups = page.getByTestId('attribute-groups');
  await expect(groups).toHaveAttribute('data-attribute', '城市');
  const sum = async () =>
    groups
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.reduce((n, r) => n + Number(r.getAttribute('data-customers')), 0),
      );
  expect(await sum()).toBe(customers);
  // Value columns are in once the value step has run.
  await expect(groups.locator('thead th')).toContainText(['生命周期价值'], { timeout: 60_000 });

  // Age in bands; the cross-tab's cells add up to each band.
  await select.selectOption({ label: await select.locator('option[data-kind=age]').innerText() });
  await expect(groups).toHaveAttribute('data-attribute', '年龄');
  await expect(groups.locator('tbody th').first()).toHaveText('25 岁以下');
  expect(await sum()).toBe(customers);
  const cells = await page
    .getByTestId('crosstab-cell')
    .evaluateAll((tds) => tds.reduce((n, td) => n + Number(td.getAttribute('data-customers')), 0));
  expect(cells).toBe(customers);

  // k-means: k chosen automatically in 2..8, every customer in one named cluster.
  const k = page.getByTestId('cluster-k');
  await expect(k).toBeVisible({ timeout: 60_000 });
  const chosen = Number(await k.getAttribute('data-k'));
  expect(chosen).toBeGreaterThanOrEqual(2);
  expect(chosen).toBeLessThanOrEqual(8);
  const rows = page.getByTestId('cluster-list').locator('tbody tr');
  await expect(rows).toHaveCount(chosen);
  const clustered = await rows.evaluateAll((trs) =>
    trs.reduce((n, tr) => n + Number(tr.getAttribute('data-customers')), 0),
  );
  expect(clustered).toBe(customers);
  await expect(rows.first().locator('th')).toContainText('·');

  // Persona cards: one per non-empty segment, with the customers adding up.
  const cards = page.getByTestId('persona-card');
  await expect(cards.first()).toBeVisible({ timeout: 60_000 });
  const cardSum = async () =>
    cards.evaluateAll((els) =>
      els.reduce((n, el) => n + Number(el.getAttribute('data-customers')), 0),
    );
  expect(await cardSum()).toBe(customers);
  await expect(cards.first().getByTestId('persona-trend').locator('path.spark-line')).toHaveCount(
    1,
  );
  await expect(cards.first().getByTestId('persona-dominant')).toContainText('城市');

  // Cards per cluster after choosing k = 3 and running again.
  await page.getByTestId('cluster-k-select').selectOption('3');
  await page.getByTestId('cluster-run').click();
  await expect(k).toHaveAttribute('data-k', '3', { timeout: 60_000 });
  await expect(k).toHaveAttribute('data-chosen-by', 'analyst');
  await page.getByTestId('persona-basis').selectOption('clusters');
  await expect(cards).toHaveCount(3, { timeout: 60_000 });
  expect(await cardSum()).toBe(customers);
  await expect(cards.first().locator('h4')).toContainText('1.');
});
