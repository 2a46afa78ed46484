import AxeBuilder from '@axe-core/playwright';
import { brushValueMap, expect, test, waitReady } from './fixtures';

async function waitForAnalyses(page: import('@playwright/test').Page) {
  await waitReady(page);
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 90_000,
  });
  await expect(page.getByTestId('value-map-canvas')).toBeVisible();
}

test('a shared link opens in presentation mode: slides, arrow keys, dark theme, Escape', async ({
  page,
}) => {
  await page.goto('./?sample=retail-zh&lang=zh-CN&present&theme=dark');
  await waitForAnalyses(page);
  const deck = page.getByTestId('presentation');
  await expect(deck).toBeVisible();
  await expect(deck).toHaveAttribute('data-theme', 'dark');
  const slide = page.getByTestId('slide');
  await expect(slide).toHaveAttribute('data-slide', 'overview');
  await expect(slide.locator('h2')).toHaveText('RFM 矩阵');
  await expect(page.getByTestId('slide-numbers').locator('li').first()).toContainText('客户');
  // The slide shows a copy of the page's RFM grid, large.
  await expect(slide.locator('.chart svg')).toHaveCount(1);
  const box = await slide.locator('.chart svg').boundingBox();
  expect(box!.width).toBeGreaterThan(600);

  await page.keyboard.press('ArrowRight');
  await expect(slide).toHaveAttribute('data-slide', 'value-map');
  // The value map's pixels sit inside its axes' SVG: one picture, drawn large, never a sliver.
  const picture = slide.locator('.chart svg').first();
  await expect(picture.locator('image')).toHaveAttribute('href', /^data:image\/png;base64,.{1000}/);
  const map = (await picture.boundingBox())!;
  expect(map.width).toBeGreaterThan(900);
  expect(map.height).toBeGreaterThan(250);
  await expect(slide.locator('.value-map-legend')).toContainText('冠军客户');

  // "Segments by revenue" sizes its tiles by revenue: the largest tile says the top share.
  await page.keyboard.press('ArrowRight');
  await expect(slide).toHaveAttribute('data-slide', 'segments');
  const topShare = (await page
    .getByTestId('slide-numbers')
    .locator('li .value')
    .first()
    .textContent())!.replace(/[^\d.%]/g, '');
  await expect(slide.locator('.chart svg')).toContainText(topShare);

  await page.keyboard.press('End');
  await expect(page.getByTestId('slide-position')).toContainText('共');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('slide-next')).toBeEnabled();
  await page.keyboard.press('Escape');
  await expect(deck).toHaveCount(0);

  // Opened from the header too, at the first slide, in the light theme by default.
  await page.getByTestId('present').click();
  await expect(page.getByTestId('slide')).toHaveAttribute('data-slide', 'overview');
});

for (const lang of ['en', 'zh-CN'] as const) {
  test(`no serious accessibility violations (${lang})`, async ({ page }) => {
    await page.goto(`./?sample=retail-zh&lang=${lang}`);
    await waitForAnalyses(page);
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      }));
    expect(serious).toEqual([]);
  });
}

test('a brush on the value map lists those customers; a selection saved as a segment comes back', async ({
  page,
}) => {
  await page.goto('./?sample=retail-zh&lang=en');
  await waitForAnalyses(page);
  // Drag across the middle of the map, as an analyst does.
  const count = await brushValueMap(page, [0.3, 0.3], [0.7, 0.7]);
  expect(count).toBeGreaterThan(0);

  // The customer list, the linked charts and the summary agree on the selection.
  const chip = page.getByTestId('selection-chip');
  await expect(chip).toHaveAttribute('data-count', String(count));
  await expect(page.getByTestId('linked-selection')).toHaveAttribute(
    'data-customers',
    String(count),
  );
  await expect(page.getByTestId('selection-summary')).toHaveAttribute('data-count', String(count));
  const rows = page.getByTestId('customer-table').locator('tbody tr');
  await expect(rows).toHaveCount(Math.min(count, 50));

  // Saved under a name, cleared, and shown again from its chip.
  await page.getByTestId('custom-segment-name').fill('Mid-value buyers');
  await page.getByTestId('custom-segment-save').click();
  await page.getByTestId('selection-clear').click();
  await expect(chip).toHaveCount(0);
  await page
    .getByTestId('custom-segments')
    .getByRole('button', { name: /^Mid-value buyers/ })
    .click();
  await expect(chip).toHaveAttribute('data-count', String(count));

  // A segment picked in the segment table replaces the selection everywhere.
  await page.getByTestId('segment-table').locator('tbody tr button').first().click();
  await expect(chip).toHaveCount(0);
  await expect(page.getByTestId('selection-summary')).toHaveCount(0);

  // A lifecycle stage and a value tier drill down to exactly their customers.
  const loyal = page.getByTestId('lifecycle-stage-loyal');
  const loyalCount = await loyal.getAttribute('data-customers');
  await loyal.getByRole('button').click();
  await expect(chip).toHaveAttribute('data-count', loyalCount!);
  const high = page.getByTestId('value-group-high');
  const highCount = await high.getAttribute('data-customers');
  await high.getByRole('button').click();
  await expect(chip).toHaveAttribute('data-count', highCount!);
});

test('an attribute’s groups are segments: on the value map and drilled down to the customer list', async ({
  page,
}) => {
  await page.goto('./?sample=retail-zh&lang=zh-CN');
  await waitForAnalyses(page);
  const groups = page.getByTestId('attribute-groups');
  await expect(groups).toHaveAttribute('data-attribute', '城市', { timeout: 90_000 });
  await page.getByTestId('attribute-on-map').click();
  const colour = page.getByTestId('value-map-colour');
  await expect(colour).toHaveValue('attribute');
  await expect(colour.locator('option:checked')).toHaveText('属性：城市');

  const first = groups.locator('tbody tr').first();
  const customers = await first.getAttribute('data-customers');
  const city = (await first.locator('th').innerText()).trim();
  await first.getByRole('button').click();
  const chip = page.getByTestId('selection-chip');
  await expect(chip).toHaveAttribute('data-count', customers!);
  await expect(chip).toContainText(`城市: ${city}`);
  await expect(page.getByTestId('value-map-selected')).toHaveAttribute('data-count', customers!);
});
