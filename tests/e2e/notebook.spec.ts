import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { customerCount, expect, test, waitReady } from './fixtures';

/** Add a SQL cell, type the query into CodeMirror and run it with Shift+Enter. */
async function runSql(page: Page, sql: string) {
  await page.getByTestId('add-sql').click();
  const cell = page.getByTestId('cell-sql').last();
  const editor = cell.getByTestId('sql-input');
  await editor.click();
  await page.keyboard.type(sql);
  await page.keyboard.press('Escape'); // close the completion list, if open
  const started = Date.now();
  await page.keyboard.press('Shift+Enter');
  await expect(cell.locator('[role=status], [role=alert]').first()).not.toHaveText(/Running/, {
    timeout: 60_000,
  });
  return { cell, ms: Date.now() - started };
}

test.beforeEach(async ({ page }) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  await expect(page.getByTestId('notebook')).toBeVisible();
});

test('a SQL cell runs on the friendly views with Shift+Enter and shows its rows', async ({
  page,
}) => {
  const { cell, ms } = await runSql(
    page,
    'SELECT segment, count(*) AS n FROM customers GROUP BY segment ORDER BY n DESC',
  );
  console.log(`first result (segments query, incl. typing-free run): ${ms} ms`);
  await expect(cell.getByTestId('sql-status')).toContainText('rows');
  const rows = cell.locator('[role=table] .body [role=row]');
  expect(await rows.count()).toBeGreaterThan(1);
  // The counts per segment add up to the customers of the analysis.
  const counts = await rows.evaluateAll((list) =>
    list.map((r) => Number((r.children[1]?.textContent ?? '').replace(/,/g, ''))),
  );
  const customers = Number((await customerCount(page)).replace(/,/g, ''));
  expect(counts.reduce((a, b) => a + b, 0)).toBe(customers);
  await expect(cell.getByTestId('result-1-actions').getByTestId('export-csv')).toBeVisible();

  // A chart cell draws that result as bars.
  await page.getByTestId('add-chart').click();
  const chart = page.getByTestId('cell-chart').last();
  await chart.getByTestId('chart-mark').selectOption('bar');
  const svg = chart.locator('svg[data-testid=notebook-chart]');
  await expect(svg).toHaveAttribute('role', 'img');
  await expect(svg.locator('rect.bar')).toHaveCount(counts.length);
  await expect(svg).toHaveAttribute('aria-labelledby', /.+/);
  await expect(chart.getByTestId('export-svg')).toBeVisible();

  // The notebook with a result, a chart, an error and a note has no serious accessibility problem.
  await runSql(page, 'SELECT nope');
  await page.getByTestId('add-markdown').click();
  await page.getByTestId('markdown-input').fill('# Notes');
  await page.getByTestId('markdown-toggle').click();
  const audit = await new AxeBuilder({ page })
    .include('[data-testid=notebook]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = audit.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  expect(serious).toEqual([]);
});

test('100k rows scroll in the virtual table; only a window of rows is in the page', async ({
  page,
}) => {
  // Measured once the background steps are done (the engine runs one job at a time).
  for (const id of ['value-status', 'lifecycle-status'])
    await expect(page.getByTestId(id)).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const { cell, ms } = await runSql(
    page,
    'SELECT range AS i, range * 1.5 AS x, md5(range::VARCHAR) AS h FROM range(150000)',
  );
  console.log(
    `first result (150k rows, 100k sent): ${ms} ms in the page; ${await cell.getByTestId('sql-status').textContent()}`,
  );
  await expect(cell.getByTestId('sql-status')).toContainText('First 100,000 of 150,000 rows');
  const scroller = cell.getByTestId('result-1');
  expect(await scroller.locator('.body [role=row]').count()).toBeLessThan(60);
  // Scroll in 40 steps through the table; time each step until its rows are painted.
  const steps = await scroller.evaluate(async (el) => {
    const times: number[] = [];
    for (let k = 1; k <= 40; k++) {
      const t0 = performance.now();
      el.scrollTop = (el.scrollHeight * k) / 41;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      times.push(performance.now() - t0);
    }
    el.scrollTop = el.scrollHeight;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return times.sort((a, b) => a - b);
  });
  console.log(
    `scroll step (2 frames): median ${steps[20]?.toFixed(1)} ms, max ${steps.at(-1)?.toFixed(1)} ms`,
  );
  const last = scroller.locator('[data-row="99999"]');
  await expect(last).toBeVisible();
  await expect(last.locator('[role=cell]').first()).toHaveText('99,999');
  await expect(last.locator('[role=cell]').nth(1)).toHaveText('149,998.5');
});

test('errors show DuckDB’s message at its place; writes are refused', async ({ page }) => {
  const { cell } = await runSql(page, 'SELECT segment, nope FROM customers');
  const error = cell.getByTestId('sql-error');
  await expect(error).toContainText('Referenced column "nope" not found');
  await expect(error).toContainText('line 1, column 17');
  await expect(cell.getByTestId('sql-error-mark')).toHaveText('nope');

  const refused = (await runSql(page, 'DROP TABLE rfm')).cell;
  await expect(refused.getByTestId('sql-refused')).toContainText('“DROP” would change it');
  // The analysis is intact.
  const { cell: after } = await runSql(page, 'SELECT count(*) AS n FROM rfm');
  await expect(after.getByTestId('sql-status')).toContainText('1 rows');
});

test('a long query can be cancelled, and the next cell runs', async ({ page }) => {
  await page.getByTestId('add-sql').click();
  const cell = page.getByTestId('cell-sql').last();
  await cell.getByTestId('sql-input').click();
  await page.keyboard.type('SELECT sum(a.range * b.range) FROM range(100000) a, range(100000) b');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Enter');
  const cancel = cell.getByTestId('sql-cancel');
  await expect(cancel).toBeVisible();
  await page.waitForTimeout(500);
  const started = Date.now();
  await cancel.click();
  await expect(cell.getByTestId('sql-failed')).toHaveText('Cancelled.', { timeout: 10_000 });
  console.log(`cancel → stopped: ${Date.now() - started} ms`);
  const { cell: next } = await runSql(page, 'SELECT 42 AS answer');
  await expect(next.locator('[role=cell]').first()).toHaveText('42');
});

test('a Markdown note never runs hostile HTML', async ({ page }) => {
  await page.getByTestId('add-markdown').click();
  const note = page.getByTestId('cell-markdown').last();
  await note
    .getByTestId('markdown-input')
    .fill(
      '# Notes\n\n**bold** <img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2</script> [x](javascript:window.__pwned=3) <svg onload="window.__pwned=4"></svg>',
    );
  await note.getByTestId('markdown-toggle').click();
  const rendered = note.getByTestId('markdown-rendered');
  await expect(rendered.locator('h1')).toHaveText('Notes');
  await expect(rendered.locator('strong')).toHaveText('bold');
  await rendered
    .locator('a')
    .click({ noWaitAfter: true })
    .catch(() => {});
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await rendered.evaluate((el) => el.innerHTML)).not.toMatch(
    /onerror|onload|<script|javascript:/i,
  );
});

test('Show SQL copies a built-in step’s statement into a cell that runs', async ({ page }) => {
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  await page.getByTestId('value-show-sql-toggle').click();
  const statements = page.getByTestId('value-show-sql-statement');
  await expect(statements.first()).toBeVisible();
  const copy = page.getByTestId('value-show-sql').getByTestId('value-show-sql-copy').first();
  await copy.click();
  const cell = page.getByTestId('cell-sql').last();
  await expect(cell.getByTestId('sql-input')).toContainText(
    /\b(rfm|customer_\w+|value_\w+|analysis_params|raw_orders|transactions)\b/,
  );
  await expect(cell.getByTestId('sql-input')).not.toContainText(/_\d+\b/);
  await cell.getByTestId('sql-run').click();
  await expect(cell.getByTestId('sql-status')).toContainText('rows', { timeout: 60_000 });

  // The segments view shows the statements that scored the customers.
  await page.getByTestId('segments-show-sql-toggle').click();
  const scoring = page.getByTestId('segments-show-sql-statement');
  await expect(scoring.first()).toBeVisible();
  await expect(scoring.filter({ hasText: 'r_score' }).first()).toBeVisible();
});
