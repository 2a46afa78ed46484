import { readFileSync } from 'node:fs';
import readXlsxFile from 'read-excel-file/node';
import type { Download, Locator, Page } from '@playwright/test';
import { customerCount, expect, test, waitReady } from './fixtures';

/** Click an export button and return the downloaded file's name and bytes. */
async function save(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [download]: [Download, void] = await Promise.all([
    page.waitForEvent('download'),
    button.click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

test('charts download as SVG and PNG, tables as Excel', async ({ page }) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  const lorenz = page.getByTestId('lorenz-actions');

  // SVG: a standalone file with the namespace, a size, the axis titles and the curve.
  const svg = await save(page, lorenz.getByTestId('export-svg'));
  expect(svg.name).toMatch(
    /^Pareto-curve-share-of-value-brought-by-the-top-customers-\d{4}-\d{2}-\d{2}\.svg$/,
  );
  const text = svg.bytes.toString('utf8');
  expect(text).toContain('<svg');
  expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(text).toMatch(/<svg[^>]* width="480"[^>]* height="360"/);
  expect(text).toContain('Top share of customers');
  expect(text).toContain('Share of value');
  expect(text).toContain('data-testid="lorenz-line"');
  // CSS variables and currentColor are resolved: the file draws the same outside the page.
  expect(text).not.toContain('var(--');
  // The file parses as XML in the browser, and its curve is there.
  const parsed = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror') !== null,
      root: doc.documentElement.nodeName,
      paths: doc.querySelectorAll('path.series').length,
    };
  }, text);
  expect(parsed).toEqual({ error: false, root: 'svg', paths: 1 });

  // PNG: the magic bytes, and twice the chart's size (scale 2) in the header.
  const png = await save(page, lorenz.getByTestId('export-png'));
  expect(png.name).toMatch(/\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.bytes.readUInt32BE(16)).toBe(960);
  expect(png.bytes.readUInt32BE(20)).toBe(720);
  expect(png.bytes.length).toBeGreaterThan(5_000);

  // The chart's data as CSV.
  const csv = await save(page, lorenz.getByTestId('export-csv'));
  const lines = csv.bytes.toString('utf8').split('\r\n');
  expect(lines[0]).toBe('\uFEFFTop share of customers,Share of value');

  // The segment table as an Excel workbook, read back: one row per segment, customers add up.
  const xlsx = await save(
    page,
    page.getByTestId('segment-table-actions').getByTestId('export-xlsx'),
  );
  expect(xlsx.name).toMatch(/^Segments-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const [sheet] = await readXlsxFile(xlsx.bytes);
  const rows = sheet!.data;
  expect(rows[0]).toEqual([
    'Segment',
    'Customers',
    '% customers',
    'Revenue',
    '% revenue',
    'Mean R',
    'Mean F',
    'Mean M',
  ]);
  const segmentRows = await page.getByTestId('segment-table').locator('tbody tr').count();
  expect(rows.length).toBe(segmentRows + 1);
  expect(rows[1]?.[0]).toBe('Champions');
  const total = rows.slice(1).reduce((n, r) => n + Number(r[1]), 0);
  expect(total).toBe(Number((await customerCount(page)).replace(/,/g, '')));
});

test('linked charts: a segment tile selects its customers, the others show the selection', async ({
  page,
}) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  const treemap = page.getByTestId('treemap');
  await expect(treemap.locator('g.tile').first()).toBeVisible();
  const tile = treemap.getByRole('button', { name: /^Champions / });
  const segment =
    (await page
      .getByTestId('segment-table')
      .locator('tbody tr')
      .first()
      .locator('td')
      .first()
      .textContent()) ?? '';
  const champions = Number(segment.replace(/,/g, ''));
  expect(champions).toBeGreaterThan(0);
  // Keyboard: focus the tile and press Enter, as a click would.
  await tile.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('linked-selection')).toHaveAttribute(
    'data-customers',
    String(champions),
  );
  await expect(page.getByTestId('linked-selection')).toContainText('Segment: Champions');
  // The heatmap's selected counts add up to the segment; the histogram's likewise.
  const heatmapSelected = await page
    .getByTestId('rfm-heatmap')
    .locator('g.cell')
    .evaluateAll((cells) => cells.reduce((n, c) => n + Number(c.getAttribute('data-selected')), 0));
  expect(heatmapSelected).toBe(champions);
  await expect(tile).toHaveAttribute('data-selected-share', '1');
  // The heatmap's own drill-down: a cell selects exactly its customers.
  const cell = page.getByTestId('rfm-heatmap').locator('g.cell[data-r="5"][data-f="5"]');
  const inCell = Number(await cell.getAttribute('data-customers'));
  await cell.click();
  await expect(page.getByTestId('linked-selection')).toHaveAttribute(
    'data-customers',
    String(inCell),
  );
  await expect(page.getByTestId('linked-selection')).toContainText('R 5 × F 5');
  // The treemap's SVG export works on a chart made here too.
  const file = await save(page, page.getByTestId('treemap-actions').getByTestId('export-svg'));
  expect(file.bytes.toString('utf8')).toContain('Champions');
});

test('linked charts: dragging across the histogram or clicking a bar selects by value', async ({
  page,
}) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  // The histogram is drawn again when total values arrive: measure bars once they have.
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready');
  const histogram = page.getByTestId('value-histogram');
  await expect(histogram.locator('g.bar').first()).toBeAttached();
  const selection = page.getByTestId('linked-selection');
  const selectedInBars = () =>
    histogram
      .locator('g.bar')
      .evaluateAll((bars) => bars.reduce((n, b) => n + Number(b.getAttribute('data-selected')), 0));

  await histogram.scrollIntoViewIfNeeded();
  const box = (await histogram.boundingBox())!;
  const y = box.y + box.height * 0.5;
  await page.mouse.move(box.x + box.width * 0.4, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
  await page.mouse.up();
  await expect(selection).toContainText(/Selected: .+ \d.*–.*\d/);
  const brushed = Number(await selection.getAttribute('data-customers'));
  expect(brushed).toBeGreaterThan(0);
  // Every selected customer falls in some bar (the range lies on the drawn axis).
  expect(await selectedInBars()).toBe(brushed);

  // A plain click selects the bar under the pointer: exactly the customers it counts.
  const tallest = await histogram.locator('g.bar').evaluateAll((bars) => {
    let best = 0;
    bars.forEach((b, i) => {
      if (Number(b.getAttribute('data-count')) > Number(bars[best]!.getAttribute('data-count')))
        best = i;
    });
    return best;
  });
  const bar = histogram.locator('g.bar').nth(tallest);
  const count = Number(await bar.getAttribute('data-count'));
  const barBox = (await bar.locator('rect.all').boundingBox())!;
  await page.mouse.click(barBox.x + barBox.width / 2, barBox.y + barBox.height - 3);
  await expect(selection).toHaveAttribute('data-customers', String(count));
  expect(await selectedInBars()).toBe(count);
  await expect(bar).toHaveAttribute('data-selected', String(count));

  // The keyboard does the same: Enter on a focused bar.
  const first = histogram.locator('g.bar').first();
  await first.focus();
  await page.keyboard.press('Enter');
  await expect(selection).toHaveAttribute(
    'data-customers',
    (await first.getAttribute('data-count')) ?? '',
  );
  await page.getByTestId('linked-clear').click();
  await expect(selection).toHaveCount(0);
});
