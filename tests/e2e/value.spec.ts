import { customerCount, downloadCsv, expect, test, waitReady } from './fixtures';

/** A money card's text as a number (en formatting: 1,234.56). */
async function money(page: import('@playwright/test').Page, testId: string): Promise<number> {
  return Number(((await page.getByTestId(testId).textContent()) ?? '').replace(/,/g, ''));
}

test('customer value: models fitted in the worker, tiers, settings and the export columns', async ({
  page,
}) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  const status = page.getByTestId('value-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // Finished work offers nothing to cancel.
  await expect(page.getByTestId('value-cancel')).toHaveCount(0);
  await expect(page.getByTestId('value-method')).toHaveAttribute('data-method', 'model');
  // Both purchase models are fitted and compared; exactly one is used.
  await expect(page.getByTestId('model-fit-bgnbd')).toBeVisible();
  await expect(page.getByTestId('model-fit-paretonbd')).toBeVisible();
  await expect(page.locator('[data-testid^=model-fit-][data-chosen=true]')).toHaveCount(2);
  // Every customer is in exactly one tier, and the top tier is the cut's share.
  const customers = Number((await customerCount(page)).replace(/,/g, ''));
  const tierCounts = await page
    .getByTestId('value-groups-value_tier')
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-customers'))));
  expect(tierCounts.reduce((a, b) => a + b, 0)).toBe(customers);
  expect(tierCounts[0]).toBe(Math.ceil(customers * 0.2));
  await expect(page.getByTestId('pareto-share')).toContainText('top 20% of customers brought');
  // The Pareto curve is drawn and the Gini coefficient given.
  await expect(page.getByTestId('lorenz-curve').locator('path.series')).toHaveCount(1);
  const gini = Number(await page.getByTestId('gini').getAttribute('data-gini'));
  expect(gini).toBeGreaterThan(0);
  expect(gini).toBeLessThan(1);
  const historical = await money(page, 'value-historical');
  const predicted = await money(page, 'value-predicted');
  expect(predicted).toBeGreaterThan(0);
  expect(await money(page, 'value-total')).toBeCloseTo(historical + predicted, 0);

  // The holdout check: fitted before the split, compared after it, both charts drawn.
  await page.getByTestId('holdout').locator('summary').click();
  await page.getByTestId('holdout-run').click();
  await expect(page.getByTestId('holdout-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('holdout-errors')).toContainText('aggregate error');
  const aggregate = Number(await page.getByTestId('holdout-errors').getAttribute('data-aggregate'));
  expect(Number.isFinite(aggregate)).toBe(true);
  await expect(page.getByTestId('tracking-plot').locator('path')).not.toHaveCount(0);
  await expect(page.getByTestId('frequency-plot').locator('path')).not.toHaveCount(0);
  await expect(page.getByTestId('tracking-plot').locator('title').first()).toHaveText(
    'Cumulative repeat purchases, actual and predicted, by week',
  );

  // A 50% margin halves every value (the same model: profit instead of revenue).
  await page.getByTestId('value-options').locator('summary').click();
  await page.getByTestId('value-margin').fill('50');
  await page.getByTestId('value-margin').dispatchEvent('change');
  await page.getByTestId('value-apply').click();
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect
    .poll(async () => (await money(page, 'value-predicted')) / predicted)
    .toBeCloseTo(0.5, 2);
  expect(await money(page, 'value-historical')).toBeCloseTo(historical / 2, 1);

  const { header: names, lines } = await downloadCsv(page);
  for (const c of [
    'clv_historical',
    'value_current',
    'clv_predicted',
    'p_alive',
    'expected_purchases',
    'expected_avg_spend',
    'value_tier',
  ])
    expect(names).toContain(c);
  expect(lines).toHaveLength(customers);
  const tier = names.indexOf('value_tier');
  expect(new Set(lines.map((l) => l.split(',')[tier]))).toEqual(new Set(['high', 'mid', 'low']));
});

test('too little data for a model: the heuristic, labelled, with what is missing', async ({
  page,
}) => {
  await page.goto('./?lang=en');
  await waitReady(page);
  await page.getByTestId('file-input').setInputFiles({
    name: 'few.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'customer_id,order_date,amount\na,2024-01-01,100\na,2024-02-01,50\nb,2024-01-15,80\nc,2024-08-20,10\n',
    ),
  });
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '3');
  await expect(page.getByTestId('value-method')).toHaveAttribute('data-method', 'heuristic', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('value-problem-too_few_repeat_customers')).toContainText(
    'Only 1 customers bought on more than one day',
  );
});

test('eight days of orders: no prediction, said plainly, none in the export (in Chinese)', async ({
  page,
}) => {
  await page.goto('./?lang=zh-CN');
  await waitReady(page);
  const rows = ['客户编号,下单时间,实付金额'];
  for (let c = 0; c < 80; c++)
    for (let k = 0; k <= c % 3; k++)
      rows.push(`M${c},2024-06-0${1 + ((c + k * 3) % 8)},${20 + c}.5`);
  await page.getByTestId('file-input').setInputFiles({
    name: '八天.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(rows.join('\n')),
  });
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '80');
  await expect(page.getByTestId('value-method')).toHaveAttribute('data-method', 'none', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('value-method')).toContainText('不做预测');
  await expect(page.getByTestId('value-problem-history_too_short')).toContainText('数据只覆盖');
  await expect(page.getByTestId('value-predicted')).toHaveText('未预测');
  const { header: names, lines } = await downloadCsv(page);
  expect(lines).toHaveLength(80);
  for (const column of ['clv_predicted', 'expected_purchases', 'expected_avg_spend', 'p_alive']) {
    const i = names.indexOf(column);
    expect(i, column).toBeGreaterThanOrEqual(0);
    expect(
      lines.every((l) => l.split(',')[i] === ''),
      column,
    ).toBe(true);
  }
  const [historical, total] = [names.indexOf('clv_historical'), names.indexOf('clv_total')];
  expect(lines.every((l) => l.split(',')[historical] === l.split(',')[total])).toBe(true);
  // Eight days are no pace to be overdue against: nobody is "can't lose them" for a silence of
  // a few days, and the churn-risk table says why it judges no one.
  await expect(page.getByTestId('lifecycle-risk-not_judged')).toHaveAttribute(
    'data-customers',
    '80',
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('lifecycle-risk-high')).toHaveAttribute('data-customers', '0');
  await expect(page.getByTestId('lifecycle-risk-not-judged')).toContainText('不判断流失风险');
  await expect(page.getByTestId('lifecycle-at-risk-none')).toBeVisible();
  // …and the segments say their recency compares days.
  await expect(page.getByTestId('segments-short-history')).toContainText('只覆盖 8 天');
  const after = await downloadCsv(page);
  const churnRisk = after.header.indexOf('churn_risk');
  expect(after.lines.every((l) => l.split(',')[churnRisk] === 'not_judged')).toBe(true);
});

test('value by channel: channel and referrer found by name, CAC entered, CLV/CAC shown', async ({
  page,
}) => {
  await page.goto('./?lang=en');
  await waitReady(page);
  const rows = ['customer_id,order_date,amount,channel,referred_by'];
  // 60 customers over 200 days, two channels; c1 referred everyone in the second channel.
  for (let c = 1; c <= 60; c++) {
    const channel = c % 2 ? 'search' : 'social';
    for (let k = 0; k < 1 + (c % 4); k++) {
      const day = new Date(Date.UTC(2024, 0, 1 + ((c * 7 + k * 37) % 200)));
      rows.push(
        `c${c},${day.toISOString().slice(0, 10)},${20 + c},${channel},${channel === 'social' ? 'c1' : ''}`,
      );
    }
  }
  await page.getByTestId('file-input').setInputFiles({
    name: 'channels.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(rows.join('\n')),
  });
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '60');
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  const channels = page.getByTestId('value-channel');
  await expect(channels).toHaveCount(2);
  await expect(page.getByTestId('value-groups-referral_class')).toBeVisible();
  // Enter applies the CAC: no Recompute button to find.
  await page.getByLabel('Acquisition cost per customer for search').fill('10');
  await page.getByLabel('Acquisition cost per customer for search').press('Enter');
  const search = page.locator('[data-testid=value-channel][data-channel=search]');
  await expect
    .poll(async () => Number((await search.getAttribute('data-ratio')) ?? 0), { timeout: 60_000 })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready');
  // The entered CAC reaches every search customer's acquisition_cost in the export.
  const { header: names, lines } = await downloadCsv(page);
  const [id, cac] = [names.indexOf('customer_id'), names.indexOf('acquisition_cost')];
  expect(cac).toBeGreaterThanOrEqual(0);
  for (const line of lines) {
    const cells = line.split(',');
    const searchCustomer = Number((cells[id] ?? '').slice(1)) % 2 === 1;
    expect(Number(cells[cac] || Number.NaN), cells[id]).toBe(searchCustomer ? 10 : Number.NaN);
  }
});
