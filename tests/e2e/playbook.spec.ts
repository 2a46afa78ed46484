import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, waitReady } from './fixtures';
import { parseCsv } from '../setup/csv';

async function downloadText(page: Page, testId: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  return readFileSync(await (await download).path(), 'utf8').replace(/^\uFEFF/, '');
}

const EDITED = 'Call every champion personally before the spring launch';
const FORMULA = '=HYPERLINK("http://x","click")';

test('playbook: edits persist, reach the export and the printed plan only', async ({ page }) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  const panel = page.getByTestId('playbook-panel');
  await expect(panel).toBeVisible();
  // The current scheme's 11 segments are listed first, with their size.
  await expect(panel.getByTestId('playbook-entry')).toHaveCount(11);
  const champions = panel.locator('[data-testid=playbook-entry][data-key="segment:champions"]');
  await expect(champions).toContainText('Champions');
  await expect(champions).toContainText(/\d[\d,]* customers · [\d.]+% of revenue/);
  await expect(champions.getByTestId('playbook-reset')).toBeDisabled();

  // Edit the first action, add one with a formula, name an owner.
  await champions.locator('[data-field=action]').first().fill(EDITED);
  await champions.getByTestId('playbook-add-action').click();
  await champions.locator('[data-field=action]').last().fill(FORMULA);
  await champions.locator('[data-field=owner]').fill('CRM team');
  await champions.locator('[data-field=kpi]').fill(FORMULA);
  await expect(champions.getByTestId('playbook-reset')).toBeEnabled();

  // Reload: the edits are still there.
  await page.reload();
  await waitReady(page);
  const again = page.locator('[data-testid=playbook-entry][data-key="segment:champions"]');
  await expect(again.locator('[data-field=action]').first()).toHaveValue(EDITED);
  await expect(again.locator('[data-field=action]')).toHaveCount(5);
  await expect(again.locator('[data-field=action]').last()).toHaveValue(FORMULA);
  await expect(again.locator('[data-field=owner]')).toHaveValue('CRM team');

  // Stage and tier entries appear under their tabs once computed.
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 90_000,
  });
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 90_000,
  });
  await page.getByTestId('playbook-tab-stage').click();
  await expect(page.getByTestId('playbook-entry')).toHaveCount(6);
  await expect(page.locator('[data-key="stage:at_risk"]')).toContainText(/customers · /);
  await page.getByTestId('playbook-tab-stage').press('ArrowRight');
  await expect(page.getByTestId('playbook-tab-tier')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('playbook-entry')).toHaveCount(3);
  await expect(page.locator('[data-key="tier:high"]')).toContainText(/of lifetime value/);

  // The customers export carries the edited action for every champion, and stage/tier actions.
  const exported = parseCsv(await downloadText(page, 'export-customers'));
  const header = exported[0]!;
  const col = (name: string) => header.indexOf(name);
  expect(col('segment_action')).toBeGreaterThan(0);
  expect(col('stage_action')).toBeGreaterThan(0);
  expect(col('tier_action')).toBeGreaterThan(0);
  const rows = exported.slice(1).filter((r) => r.length === header.length);
  const champs = rows.filter((r) => r[col('segment_key')] === 'champions');
  expect(champs.length).toBeGreaterThan(0);
  for (const r of champs) expect(r[col('segment_action')]).toContain(EDITED);
  const others = rows.filter((r) => r[col('segment_key')] === 'lost');
  expect(others.length).toBeGreaterThan(0);
  expect(others[0]![col('segment_action')]).toMatch(/^Make one low-cost attempt/);
  expect(rows.every((r) => r[col('stage_action')] !== '')).toBe(true);

  // The plan CSV has every entry; the formula is neutralised.
  const plan = parseCsv(await downloadText(page, 'playbook-csv'));
  expect(plan[0]).toEqual([
    'Section',
    'Group',
    'Customers',
    'Share of revenue or value',
    'Goal',
    'Actions',
    'Channel',
    'Offer',
    'Budget',
    'KPI',
    'Owner',
  ]);
  expect(plan.filter((r) => r.length === 11)).toHaveLength(1 + 11 + 6 + 3 + 3);
  const planChampions = plan.find((r) => r[1] === 'Champions')!;
  expect(planChampions[5]).toContain(EDITED);
  // Inside a cell a formula is harmless text; at the start of one it is made text.
  expect(planChampions[5]).toMatch(/; =HYPERLINK/);
  expect(planChampions[9]).toBe(`'${FORMULA}`);
  expect(planChampions[10]).toBe('CRM team');

  // Print: the button calls window.print; print media shows the plan and nothing else.
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed++;
    };
  });
  await page.getByTestId('playbook-print').click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  const printedPlan = page.getByTestId('playbook-plan');
  await expect(printedPlan).toBeHidden();
  await page.emulateMedia({ media: 'print' });
  await expect(printedPlan).toBeVisible();
  await expect(printedPlan.locator('h1')).toHaveText('Customer strategy plan');
  await expect(printedPlan.getByTestId('playbook-plan-source')).toContainText('sample');
  const planRow = printedPlan.locator('tr[data-key="segment:champions"]');
  await expect(planRow).toContainText(EDITED);
  await expect(planRow).toContainText('CRM team');
  await expect(planRow).toContainText(/%/);
  for (const id of ['playbook-panel', 'segment-table', 'language', 'status'])
    await expect(page.getByTestId(id)).toBeHidden();
  // Nothing outside the plan is visible, and the plan is black on white.
  const stray = await page.evaluate(() => {
    const plan = document.querySelector('[data-testid=playbook-plan]')!;
    return [...document.body.querySelectorAll('*')]
      .filter((el) => !plan.contains(el) && !el.contains(plan) && el.checkVisibility())
      .map((el) => el.tagName);
  });
  expect(stray).toEqual([]);
  const colours = await planRow
    .locator('td')
    .first()
    .evaluate((td) => {
      const style = getComputedStyle(td);
      return [style.color, getComputedStyle(td.closest('article')!).backgroundColor];
    });
  expect(colours).toEqual(['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
  await page.emulateMedia({ media: 'screen' });
  await expect(printedPlan).toBeHidden();
  await expect(page.getByTestId('playbook-panel')).toBeVisible();

  // Reset brings back the default.
  await page.getByTestId('playbook-tab-segment').click();
  await again.getByTestId('playbook-reset').click();
  await expect(again.locator('[data-field=action]').first()).toHaveValue(
    /^Enrol in the top loyalty tier/,
  );
  await expect(again.locator('[data-field=owner]')).toHaveValue('');
});

test('playbook: damaged storage falls back to the defaults with a notice', async ({ page }) => {
  await page.addInitScript(() => {
    localStorage.setItem('valuemap.playbook.v1.rfm11', '{"version":1,"entries":{"segment:lost"');
  });
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  await expect(page.getByTestId('playbook-damaged')).toBeVisible();
  const lost = page.locator('[data-testid=playbook-entry][data-key="segment:lost"]');
  await expect(lost.locator('[data-field=goal]')).toHaveValue(/^Make one low-cost attempt/);
  await page.getByTestId('playbook-damaged').getByRole('button').click();
  await expect(page.getByTestId('playbook-damaged')).toBeHidden();
});

test('playbook: no accessibility violations in the panel (zh-CN)', async ({ page }) => {
  await page.goto('./?sample=retail-zh&lang=zh-CN');
  await waitReady(page);
  await expect(page.getByTestId('playbook-panel')).toContainText('客户策略手册');
  const results = await new AxeBuilder({ page })
    .include('[data-testid=playbook-panel]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(results.violations.map((v) => ({ id: v.id, nodes: v.nodes.length }))).toEqual([]);
});
