import type { Page } from '@playwright/test';
import { expect, test, waitReady } from './fixtures';

/**
 * Visual baseline: every panel of the analysed Chinese sample, in English and in Chinese, at a
 * fixed viewport, compared with the screenshots committed beside this file
 * (visual.spec.ts-snapshots/). Layout faults that no assertion names — overlapping labels, clipped
 * tables, oversized type — show up here as a difference. Timings (data-volatile) are masked.
 * After an intended change of look: `npx playwright test visual --update-snapshots`, then look
 * at every new picture before committing it.
 */
const PANELS = [
  'summary',
  'mapping',
  'quality',
  'explore-panel',
  'linked-charts',
  'value-panel',
  'lifecycle-panel',
  'segmentation-panel',
  'playbook-panel',
] as const;

async function analysed(page: Page, lang: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`./?sample=retail-zh&lang=${lang}`);
  await waitReady(page);
  for (const step of ['value-status', 'lifecycle-status'])
    await expect(page.getByTestId(step)).toHaveAttribute('data-state', 'ready', {
      timeout: 90_000,
    });
  await expect(page.getByTestId('value-map-canvas')).toBeVisible();
  // Attributes and clusters finish in the background; wait for both.
  await expect(page.getByTestId('segmentation-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('cluster-run')).toBeEnabled({ timeout: 60_000 });
  // The panel loads once the page is idle: its clusters and personas are in before the picture.
  await expect(page.getByTestId('cluster-k')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('persona-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  // Every disclosure open, so what it holds is part of the picture.
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`every panel looks as it did (${lang})`, async ({ page }) => {
    test.setTimeout(240_000);
    await analysed(page, lang);
    for (const panel of PANELS) {
      const element = page.getByTestId(panel).first();
      await element.scrollIntoViewIfNeeded();
      await expect(element, panel).toHaveScreenshot(`${panel}-${lang}.png`, {
        animations: 'disabled',
        caret: 'hide',
        mask: [page.locator('[data-volatile]')],
        maxDiffPixelRatio: 0.01,
      });
    }
  });

  test(`the value map and segment slides look as they did (${lang})`, async ({ page }) => {
    test.setTimeout(300_000);
    for (const [width, height] of [
      [1920, 1080],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const slide of ['value-map', 'segments']) {
        await page.goto(`./?sample=retail-zh&lang=${lang}&present=${slide}`);
        await waitReady(page);
        await expect(page.getByTestId('slide')).toHaveAttribute('data-slide', slide, {
          timeout: 90_000,
        });
        // The map changes axes once values arrive: picture it when every step has finished.
        for (const step of ['value-status', 'lifecycle-status'])
          await expect(page.getByTestId(step)).toHaveAttribute('data-state', 'ready', {
            timeout: 90_000,
          });
        await expect(page.getByTestId('slide').locator('.chart svg').first()).toBeVisible();
        await expect(page.getByTestId('presentation')).toHaveScreenshot(
          `slide-${slide}-${width}-${lang}.png`,
          { animations: 'disabled', maxDiffPixelRatio: 0.01 },
        );
      }
    }
  });
}
