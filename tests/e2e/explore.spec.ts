import AxeBuilder from '@axe-core/playwright';
import { expect, test, waitReady } from './fixtures';

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
  // The value map's canvas is copied pixel for pixel.
  await expect(slide.locator('.chart canvas').first()).toBeVisible();
  const painted = await slide
    .locator('.chart canvas')
    .first()
    .evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque++;
      return opaque;
    });
  expect(painted).toBeGreaterThan(1000);

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
