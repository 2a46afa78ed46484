import { readFileSync } from 'node:fs';
import { chooseFile, downloadCsv, expect, generated, test, waitReady } from './fixtures';

/**
 * Each shape of the data-shape suite (scripts/fixtures/shapes.mjs) as a user meets it: the file
 * loads, the segments show, the value panel ends in a result or the labelled fallback within 10 s,
 * the lifecycle follows, the export has every column filled, and the engine never restarts.
 */
const manifest = JSON.parse(readFileSync(generated('shape-manifest.json'), 'utf8')) as {
  file: string;
  customers: number;
  asOf: string | null;
}[];

/** Filled for every customer (P(alive) only under a model: the heuristic has none). */
const FILLED = [
  'segment',
  'clv_historical',
  'value_current',
  'clv_predicted',
  'clv_total',
  'expected_purchases',
  'expected_avg_spend',
  'value_tier',
  'value_class',
  'value_quadrant',
  'behaviour',
  'lifecycle_stage',
  'lifecycle_phase',
  'churn_risk',
];

for (const shape of manifest) {
  test(`data shape ${shape.file}: segments, value within 10 s, lifecycle, a full export`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto('./?lang=en');
    await waitReady(page);
    await chooseFile(page, generated(shape.file));
    await expect(page.getByTestId('customer-count')).not.toHaveAttribute('data-count', '4000', {
      timeout: 60_000,
    });
    await waitReady(page);
    if (shape.asOf) {
      // Everyone left long ago: the analyst sets the as-of date at the end of the period.
      await page.getByTestId('as-of').fill(shape.asOf);
      await page.getByTestId('as-of').dispatchEvent('change');
      await expect(page.getByTestId('as-of')).toHaveValue(shape.asOf);
      await waitReady(page);
    }
    await expect(page.getByTestId('customer-count')).toHaveAttribute(
      'data-count',
      String(shape.customers),
    );
    await expect(page.getByTestId('segment-table')).toBeVisible();
    const segmentsShown = Date.now();
    await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
      timeout: 10_000,
    });
    expect(Date.now() - segmentsShown).toBeLessThan(10_000);
    const method = await page.getByTestId('value-method').getAttribute('data-method');
    expect(['model', 'heuristic']).toContain(method);
    // Model output in words: no NaN, no parameter shown at its bound as a raw number (2.249e+7).
    const panel = (await page.getByTestId('value-panel').textContent()) ?? '';
    expect(panel).not.toMatch(/NaN|Infinity|\de[+-]\d/);
    await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready', {
      timeout: 30_000,
    });

    const { header, lines } = await downloadCsv(page);
    expect(lines).toHaveLength(shape.customers);
    const columns = method === 'model' ? [...FILLED, 'p_alive'] : FILLED;
    for (const column of columns) {
      const i = header.indexOf(column);
      expect(i, column).toBeGreaterThanOrEqual(0);
      // Values here are plain (ids, numbers, keys, labels without commas): split is enough.
      const empty = lines.filter((l) => (l.split(',')[i] ?? '') === '').length;
      expect(empty, `${column} empty for ${empty} customers`).toBe(0);
    }
    expect(await page.evaluate(() => window.valuemap!.engine.restartCount)).toBe(0);
  });
}
