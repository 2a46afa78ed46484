import { CHROMIUM_ARGS, findChromium } from '../../scripts/lib/chromium.mjs';
import { customerCount, expect, test, waitReady } from './fixtures';

// The worker carries only the eh build's JS glue; the mvp glue is a separate chunk that a browser
// without wasm exceptions fetches (duckdbSingleGlue in vite.config.ts). Both paths must analyse.
const MVP_CHUNK = /duckdb-wasm-mvp-[\w-]+\.js$/;

async function analyseSample(page: import('@playwright/test').Page): Promise<string[]> {
  const scripts: string[] = [];
  page.context().on('request', (r) => {
    if (r.url().endsWith('.js')) scripts.push(new URL(r.url()).pathname);
  });
  await page.goto('./?lang=en');
  await waitReady(page);
  // The built-in sample, segmented, and valued by the models that load after the segments.
  expect(await customerCount(page)).toBe('4000');
  await expect(page.getByTestId('segment-table').locator('tbody tr')).toHaveCount(11);
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  return scripts;
}

test('a browser with wasm exceptions runs the eh bundle and never fetches the mvp glue', async ({
  page,
}) => {
  const scripts = await analyseSample(page);
  await expect(page.locator('footer')).toContainText('(eh)');
  expect(scripts.some((s) => /db\.worker-[\w-]+\.js$/.test(s))).toBe(true);
  expect(scripts.some((s) => /\/value-[\w-]+\.js$/.test(s))).toBe(true);
  expect(scripts.filter((s) => MVP_CHUNK.test(s))).toEqual([]);
});

test('without wasm exceptions the mvp glue is fetched and the sample analyses the same', async ({
  playwright,
  baseURL,
}) => {
  const browser = await playwright.chromium.launch({
    executablePath: (await findChromium()) ?? undefined,
    // V8 then rejects the exception opcodes that DuckDB-WASM's feature check validates.
    args: [...CHROMIUM_ARGS, '--js-flags=--no-wasm-legacy-eh'],
  });
  try {
    const page = await (await browser.newContext({ baseURL, locale: 'en-US' })).newPage();
    const scripts = await analyseSample(page);
    await expect(page.locator('footer')).toContainText('(mvp)');
    expect(scripts.filter((s) => MVP_CHUNK.test(s))).toHaveLength(1);
  } finally {
    await browser.close();
  }
});
