import { readFileSync } from 'node:fs';
import { customerCount, expect, test, waitReady } from './fixtures';

test('lifecycle: stages, Sankey and cohort heatmap render for the sample and follow changed rules', async ({
  page,
}) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  const status = page.getByTestId('lifecycle-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  const customers = Number((await customerCount(page)).replace(/,/g, ''));
  const stageCounts = async () =>
    page
      .getByTestId('lifecycle-stages')
      .locator('tbody tr')
      .evaluateAll((rows) =>
        Object.fromEntries(
          rows.map((r) => [
            r.getAttribute('data-testid')!.replace('lifecycle-stage-', ''),
            Number(r.getAttribute('data-customers')),
          ]),
        ),
      );
  const before = await stageCounts();
  expect(Object.values(before).reduce((a, b) => a + b, 0)).toBe(customers);

  // The charts are drawn: Sankey nodes on both sides, cohort cells, stage bands.
  await expect(
    page.getByTestId('lifecycle-sankey').locator('rect[data-side=from]'),
  ).not.toHaveCount(0);
  await expect(page.getByTestId('lifecycle-sankey').locator('rect[data-side=to]')).not.toHaveCount(
    0,
  );
  const cells = page.getByTestId('lifecycle-cohorts').locator('rect[data-k]');
  await expect(cells).not.toHaveCount(0);
  await expect(page.getByTestId('lifecycle-area').locator('path[data-stage]')).toHaveCount(6);
  const sankeyBefore = await page.getByTestId('lifecycle-sankey').innerHTML();

  // The four-phase view groups the same customers.
  await page.getByTestId('lifecycle-grouping').selectOption('phase');
  const phases = await stageCounts();
  expect(Object.keys(phases)).toEqual(['introduction', 'growth', 'maturity', 'decline']);
  expect(Object.values(phases).reduce((a, b) => a + b, 0)).toBe(customers);
  await page.getByTestId('lifecycle-grouping').selectOption('stage');

  // A churn cut-off inside the New window is refused, naming the rule; the stages stay.
  await page.getByTestId('lifecycle-rules').locator('summary').click();
  await page.getByTestId('lifecycle-rule-churnDays').fill('60');
  await page.getByTestId('lifecycle-apply').click();
  await expect(page.getByTestId('lifecycle-error')).toContainText('churnDays');
  expect(await stageCounts()).toEqual(before);

  // A shorter churn cut-off: more customers churned, and the flows change with it.
  await page.getByTestId('lifecycle-rule-churnDays').fill('120');
  await page.getByTestId('lifecycle-apply').click();
  await expect
    .poll(async () => (await stageCounts()).churned, { timeout: 60_000 })
    .toBeGreaterThan(before.churned!);
  expect(await page.getByTestId('lifecycle-sankey').innerHTML()).not.toBe(sankeyBefore);

  // The "can't lose them" list downloads, and the export carries each customer's stage.
  const list = page.waitForEvent('download');
  await page.getByTestId('lifecycle-at-risk-csv').click();
  const listText = readFileSync(await (await list).path(), 'utf8');
  expect(listText.split('\r\n')[0]).toBe(
    '\uFEFFcustomer_id,stage,days_since_last,p_alive,revenue,lifetime_value',
  );
  const exported = page.waitForEvent('download');
  await page.getByTestId('export-customers').click();
  const header = readFileSync(await (await exported).path(), 'utf8').split('\n')[0]!;
  expect(header).toContain('lifecycle_stage,lifecycle_phase,churn_risk');
});
