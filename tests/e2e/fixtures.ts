import { test as base, expect, type Page } from '@playwright/test';
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
