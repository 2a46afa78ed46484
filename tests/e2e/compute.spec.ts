import type { Page } from '@playwright/test';
import {
  chooseFile,
  customerCount,
  downloadCsv,
  expect,
  fixture,
  test,
  waitReady,
} from './fixtures';

/**
 * Compute that never stalls: the models run beside the engine, so a long fit never keeps it from
 * answering; a step that blocks the engine itself ends in one restart, a message in its own
 * panel, and everything else working; nothing is ever replayed in a loop.
 */

const restarts = (page: Page) => page.evaluate(() => window.valuemap!.engine.restartCount);

/** Export the customers as a user does; the CSV's header and rows. */
async function exportCustomers(page: Page): Promise<{ header: string[]; rows: string[][] }> {
  const { header, lines } = await downloadCsv(page, 'export-customers', 10_000);
  return { header, rows: lines.map((l) => l.split(',')) };
}

async function openSampleValued(page: Page): Promise<void> {
  await page.goto('./?lang=en');
  await waitReady(page);
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready');
}

test('the engine pages, exports and answers its heartbeat while a fit blocks the model worker for 20 s', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openSampleValued(page);
  // The next fit blocks its worker for 20 s without pausing: the worst a model could do.
  await page.evaluate(() => {
    const session = window.valuemap!.session;
    session.fitSpinMs = 20_000;
    void session.computeValue();
    session.fitSpinMs = 0;
  });
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'computing');
  const started = Date.now();
  // The customer list pages at once.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText(/^51–100 of /)).toBeVisible({ timeout: 3000 });
  // The export comes at once, with a notice naming the columns still being computed.
  const { header, rows } = await exportCustomers(page);
  expect(Date.now() - started).toBeLessThan(8000);
  expect(rows).toHaveLength(4000);
  expect(header).not.toContain('clv_predicted');
  expect(header).toContain('lifecycle_stage');
  await expect(page.getByTestId('notice')).toHaveAttribute('data-key', 'export.partial');
  await expect(page.getByTestId('notice')).toContainText('customer value');
  // The fit ends as if nothing had happened, and the engine was never thought hung.
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 40_000,
  });
  expect(Date.now() - started).toBeGreaterThan(15_000);
  expect(await restarts(page)).toBe(0);
  const valued = await exportCustomers(page);
  expect(valued.header).toContain('clv_predicted');
});

test('a fit can be cancelled even while it blocks its worker, and tried again', async ({
  page,
}) => {
  await openSampleValued(page);
  await page.evaluate(() => {
    const session = window.valuemap!.session;
    session.fitSpinMs = 60_000;
    void session.computeValue();
    session.fitSpinMs = 0;
  });
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'computing');
  await page.getByTestId('value-cancel').click();
  await expect(page.getByTestId('value-error')).toHaveAttribute('data-code', 'cancelled', {
    timeout: 5000,
  });
  await expect(page.getByTestId('value-error')).toContainText('Stopped at your request');
  await page.getByTestId('value-retry').click();
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('value-method')).toHaveAttribute('data-method', 'model');
  expect(await restarts(page)).toBe(0);
});

test('a step that blocks the engine for 60 s: exactly one restart, a clear message, a working export', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openSampleValued(page);
  await page.evaluate(async () => {
    const { engine, session } = window.valuemap!;
    await engine.blockNextJob('lifecycle', 60_000);
    void session.computeLifecycle();
  });
  // The heartbeat gives up after 15 s: the lifecycle panel says what happened, and only it.
  await expect(page.getByTestId('lifecycle-error')).toHaveAttribute(
    'data-code',
    'engine_restarted',
    { timeout: 40_000 },
  );
  await expect(page.getByTestId('lifecycle-error')).toContainText('not started again by itself');
  await waitReady(page);
  await expect(page.getByTestId('notice')).toHaveAttribute('data-key', 'restart.recovered');
  expect(await customerCount(page)).toBe('4000');
  // The data came back and the value step ran again; the lifecycle step did not.
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'error');
  const { header, rows } = await exportCustomers(page);
  expect(rows).toHaveLength(4000);
  expect(header).toContain('clv_predicted');
  expect(header).not.toContain('lifecycle_stage');
  // Well past the old engine's 60 s: still one restart, nothing replayed.
  await page.waitForTimeout(20_000);
  expect(await restarts(page)).toBe(1);
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'error');
  // Try again runs it once, on the new engine.
  await page.getByTestId('lifecycle-retry').click();
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000,
  });
  expect(await restarts(page)).toBe(1);
});

test('a file dropped while the engine is blocked is the one loaded after the restart', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openSampleValued(page);
  await page.evaluate(async () => {
    const { engine, session } = window.valuemap!;
    await engine.blockNextJob('lifecycle', 60_000);
    void session.computeLifecycle();
  });
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'computing');
  await chooseFile(page, fixture('orders-en.csv'));
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '6', {
    timeout: 60_000,
  });
  await waitReady(page);
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000,
  });
  expect(await restarts(page)).toBe(1);
});
