import { test as base, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A fixture written by scripts/generate-fixtures.mjs. */
export const generated = (name: string) => fixture(`generated/${name}`);

/**
 * Every test records each request its page (and the page's worker) makes and fails if one leaves
 * the page's origin: the data never leaves the browser and nothing is fetched from elsewhere.
 */
export const test = base.extend<{ foreignRequests: string[]; dataOrigins: string[] }>({
  /** Origins of a data file the test itself gives the app (`?data=`), the one allowed exception. */
  dataOrigins: [[], { option: true }],
  foreignRequests: [
    async ({ context, baseURL, dataOrigins }, use) => {
      const origin = new URL(baseURL ?? 'http://localhost').origin;
      const foreign: string[] = [];
      context.on('request', (request) => {
        const url = new URL(request.url());
        if (url.protocol === 'data:' || url.protocol === 'blob:') return;
        if (url.origin !== origin && !dataOrigins.includes(url.origin)) foreign.push(request.url());
      });
      await use(foreign);
      expect(foreign, 'requests to other origins').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function waitReady(page: Page): Promise<void> {
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
}

/** The number of customers analysed, as digits (the screen shows it with a thousands separator). */
export async function customerCount(page: Page): Promise<string> {
  return (await page.getByTestId('customer-count').getAttribute('data-count')) ?? '';
}

/** Open the app and load tests/fixtures/orders-en.csv (6 customers) through the file input. */
export async function openOrdersEn(page: Page, url = './'): Promise<void> {
  await page.goto(url);
  await waitReady(page);
  await chooseFile(page, fixture('orders-en.csv'));
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '6');
}

/**
 * Kill the engine as the browser reports a dead worker (an error event on the Worker object) and
 * wait until the app has replaced it and is ready again.
 */
export async function crashEngine(page: Page): Promise<void> {
  await page.evaluate(() => {
    const engine = window.valuemap?.engine as unknown as { worker: Worker };
    engine.worker.dispatchEvent(new ErrorEvent('error', { message: 'simulated crash' }));
  });
  await expect(page.getByTestId('status')).toContainText('restarted');
  await waitReady(page);
}

/** Choose files with the file input, as a user does with the "Choose a file…" button. */
export async function chooseFile(page: Page, path: string | string[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(path);
}

/** Drop files on the page, as a user drags them from the desktop. */
export async function dropFiles(
  page: Page,
  files: { name: string; bytes: Buffer; type?: string }[],
): Promise<void> {
  const transfer = await page.evaluateHandle(
    (list) => {
      const dt = new DataTransfer();
      for (const f of list) {
        dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type ?? '' }));
      }
      return dt;
    },
    files.map((f) => ({ name: f.name, bytes: [...f.bytes], type: f.type })),
  );
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
}

/**
 * The CSV a click downloads (the customers export, by default): its suggested name, header and
 * lines, the BOM taken off. Values in these tests hold no commas, so lines split plainly.
 */
export async function downloadCsv(
  page: Page,
  testId = 'export-customers',
  timeout?: number,
): Promise<{ name: string; header: string[]; lines: string[] }> {
  const event = page.waitForEvent('download', timeout === undefined ? {} : { timeout });
  await page.getByTestId(testId).click();
  const file = await event;
  const text = readFileSync(await file.path())
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  const [header = '', ...lines] = text.split('\n');
  return { name: file.suggestedFilename(), header: header.split(','), lines };
}

/**
 * Drag a rectangle across the value map, as an analyst does (fractions of the map's box), and
 * return how many customers it selected once the customer list holds the final selection (the
 * brush reports as it grows).
 */
export async function brushValueMap(
  page: Page,
  from: [number, number],
  to: [number, number],
): Promise<number> {
  const canvas = page.getByTestId('value-map-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 10 });
  await page.mouse.up();
  const onMap = page.getByTestId('value-map-selected');
  await expect(onMap).not.toHaveAttribute('data-count', '0');
  const count = (await onMap.getAttribute('data-count')) ?? '0';
  await expect(page.getByTestId('selection-chip')).toHaveAttribute('data-count', count);
  return Number(count);
}
