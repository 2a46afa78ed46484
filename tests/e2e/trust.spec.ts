import {
  brushValueMap,
  customerCount,
  downloadCsv,
  dropFiles,
  expect,
  test,
  waitReady,
} from './fixtures';

/**
 * Issue 15: results an analyst can trust. No money column taken for the customer; logs whose
 * fields are separated by runs of spaces read as their columns, with the delimiter offered.
 */

const encode = (text: string) => Buffer.from(text, 'utf8');

/** A Tmall-like order report: one row per order, no customer column. */
function orderReport(): string {
  const lines = ['订单编号,总金额,买家实际支付金额,收货地址,订单创建时间,订单付款时间,退款金额'];
  for (let i = 0; i < 40; i++) {
    const paid = (50 + ((i * 37) % 90) + 0.9).toFixed(2);
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(
      `T2024${String(i).padStart(6, '0')},${paid},${paid},浙江省 杭州市 西湖区,2024-03-${day} 10:00:00,2024-03-${day} 10:05:00,0`,
    );
  }
  return lines.join('\n') + '\n';
}

test('an order report without a customer column: no amount taken for the customer, the analyst is asked', async ({
  page,
}) => {
  await page.goto('./?lang=zh-CN');
  await waitReady(page);
  await dropFiles(page, [{ name: '订单报表.csv', bytes: encode(orderReport()) }]);
  const mapping = page.getByTestId('mapping');
  await expect(mapping).toBeVisible();
  await expect(page.getByTestId('no-customer-key')).toContainText('没有一列像客户标识');
  await expect(page.getByTestId('map-customerId')).toHaveValue('');
  await expect(page.getByTestId('map-amount')).toHaveValue('1');
  await expect(page.getByTestId('apply-mapping')).toBeDisabled();
  // What works without a customer key: revenue by day and province, the share refunded.
  await page.getByTestId('order-level-show').click();
  await expect(page.getByTestId('order-level-orders')).toHaveAttribute('data-count', '40');
  await expect(page.getByTestId('order-level-basis')).toContainText('40 行中有 40 行');
  await expect(page.getByTestId('order-level-basis')).toContainText('退款取自“退款金额”列');
  await expect(page.getByTestId('order-level-refund-share')).toHaveText('0%');
  await expect(page.getByTestId('order-level-by-day').locator('.bars rect')).toHaveCount(28);
  await expect(page.getByTestId('order-level-by-region')).toContainText('各省收入');
  await expect(page.getByTestId('order-level-by-region').locator('tbody tr')).toHaveText([
    /浙江省\s*40/,
  ]);
  // Picking the amount paid anyway is questioned in words.
  await page.getByTestId('map-customerId').selectOption('2');
  await expect(page.getByTestId('customer-not-key')).toContainText('买家实际支付金额');
  await expect(page.getByTestId('customer-not-key')).toContainText('不是客户编号');
});

/** A log as CDNOW's master file is written: a leading space, columns aligned by runs of spaces. */
function whitespaceLog(): { text: string; customers: number } {
  const lines = [' customer_id  date number_of_cds  dollar_value'];
  const ids = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const id = String(1 + (i % 17)).padStart(5, '0');
    ids.add(id);
    const day = `1997${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 27)).padStart(2, '0')}`;
    const dollars = (5 + ((i * 13) % 70) + 0.77).toFixed(2).padStart(8);
    lines.push(` ${id} ${day}  ${1 + (i % 3)} ${dollars}`);
  }
  return { text: lines.join('\r\n') + '\r\n', customers: ids.size };
}

test('a log separated by runs of spaces reads as its columns; the delimiter can be chosen', async ({
  page,
}) => {
  const log = whitespaceLog();
  await page.goto('./?lang=en');
  await waitReady(page);
  await dropFiles(page, [{ name: 'CDNOW_master.txt', bytes: encode(log.text) }]);
  await expect(page.getByTestId('customer-count')).toHaveAttribute(
    'data-count',
    String(log.customers),
  );
  await waitReady(page);
  const delimiter = page.getByTestId('delimiter');
  await expect(delimiter).toHaveValue('auto');
  await expect(delimiter.locator('option:checked')).toHaveText('Runs of spaces (detected)');
  await expect(page.getByTestId('mapping')).toContainText('dollar_value');

  // The analyst names the delimiter; the file is read again with it and the choice is shown.
  await delimiter.selectOption('whitespace');
  await waitReady(page);
  await expect(page.getByTestId('delimiter')).toHaveValue('whitespace');
  await page.getByTestId('apply-mapping').click();
  await waitReady(page);
  expect(await customerCount(page)).toBe(String(log.customers));
});

/** A mainframe-style extract with touching columns: id 6, date 8, amount 8 characters. */
function touchingExtract(): { text: string; customers: number } {
  const lines = ['CUSTNODATE      AMOUNT'];
  const ids = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const id = `C${String(1 + (i % 13)).padStart(5, '0')}`;
    ids.add(id);
    const day = `2024${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 27)).padStart(2, '0')}`;
    lines.push(`${id}${day}${(10 + ((i * 7) % 90) + 0.5).toFixed(2).padStart(8)}`);
  }
  return { text: lines.join('\n') + '\n', customers: ids.size };
}

test('fixed-width extracts: a padded layout is found; touching columns are read at the widths typed (in Chinese)', async ({
  page,
}) => {
  await page.goto('./?lang=zh-CN');
  await waitReady(page);
  const before = await customerCount(page);
  const extract = touchingExtract();
  await dropFiles(page, [{ name: '导出.txt', bytes: encode(extract.text) }]);
  // Nothing tells the columns apart: the file is refused, what was loaded stays, and the panel
  // offers to read it again by position.
  const error = page.getByTestId('error');
  await expect(error).toBeVisible();
  expect(await customerCount(page)).toBe(before);
  const again = page.getByTestId('read-again');
  await again.getByTestId('delimiter').selectOption('fixed');
  const widths = again.getByTestId('fixed-widths');
  await widths.fill('6, 八');
  await widths.press('Enter');
  await expect(again.getByTestId('fixed-widths-hint')).toContainText('请至少输入两个整数');
  await widths.fill('6, 8, 8');
  await widths.press('Enter');
  await expect(page.getByTestId('mapping')).toContainText('AMOUNT');
  await expect(page.getByTestId('delimiter')).toHaveValue('fixed');
  await expect(page.getByTestId('fixed-widths')).toHaveValue('6, 8, 8');
  await page.getByTestId('apply-mapping').click();
  await expect(page.getByTestId('customer-count')).toHaveAttribute(
    'data-count',
    String(extract.customers),
  );

  // A padded layout with a name column holding spaces: found without being asked.
  const padded = [
    '客户编号  姓名        下单日期    金额',
    ...Array.from({ length: 30 }, (_, i) => {
      const name = ['王小明', 'Li Wei', 'Anna Polo', '陈 晨'][i % 4] as string;
      const cells = [...name].reduce((n, ch) => n + (ch > '\u2e80' ? 2 : 1), 0); // two per Chinese character
      const day = `2024-0${1 + (i % 9)}-1${i % 10}`;
      return `M${String(i % 9).padStart(3, '0')}      ${name}${' '.repeat(12 - cells)}${day}  ${(20 + i).toFixed(2).padStart(6)}`;
    }),
  ].join('\n');
  await dropFiles(page, [{ name: '会员.txt', bytes: encode(padded + '\n') }]);
  await expect(page.getByTestId('customer-count')).toHaveAttribute('data-count', '9');
  await expect(page.getByTestId('delimiter').locator('option:checked')).toHaveText(
    '固定宽度（已识别）',
  );
});

test('the export follows the selection: these N customers by default, or all', async ({ page }) => {
  await page.goto('./?sample=retail-zh&lang=en');
  await waitReady(page);
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 90_000,
  });
  const all = Number(await customerCount(page));
  const count = await brushValueMap(page, [0.3, 0.3], [0.7, 0.7]);
  const chip = page.getByTestId('selection-chip');
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThan(all);

  await expect(page.getByTestId('export-listed')).toHaveText(
    `Export these ${count.toLocaleString('en')} customers (CSV)`,
  );
  const selected = await downloadCsv(page, 'export-listed');
  expect(selected.lines).toHaveLength(count);
  expect(selected.name).toMatch(
    new RegExp(`-customers-selection-${count}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  );
  const everyone = await downloadCsv(page);
  expect(everyone.lines).toHaveLength(all);
  expect(everyone.name).toMatch(/-customers-\d{4}-\d{2}-\d{2}\.csv$/);

  // A segment drilled into from the segment table: its customers, named by the segment's key.
  await page.getByTestId('segment-table').locator('tbody tr button').first().click();
  await expect(chip).toHaveCount(0);
  const listed = Number(
    ((await page.getByTestId('export-listed').textContent()) ?? '').replace(/\D/g, ''),
  );
  expect(listed).toBeGreaterThan(0);
  expect(listed).toBeLessThan(all);
  const segment = await downloadCsv(page, 'export-listed');
  expect(segment.lines).toHaveLength(listed);
  expect(segment.name).toMatch(/-customers-[a-z_]+-\d{4}-\d{2}-\d{2}\.csv$/);
});

test('Escape clears a brush made with the mouse; a cut-off table fades at its edge', async ({
  page,
}) => {
  await page.goto('./?sample=retail-zh&lang=zh-CN');
  await waitReady(page);
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 90_000,
  });
  await brushValueMap(page, [0.3, 0.3], [0.7, 0.7]);
  const chip = page.getByTestId('selection-chip');
  await expect(chip).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(chip).toHaveCount(0);
  await expect(page.getByTestId('export-listed')).toHaveCount(0);

  // The segment table is wider than its column at 1280 px: it scrolls, and says so by a fade.
  await page.setViewportSize({ width: 1280, height: 900 });
  const scroller = page.getByTestId('segment-table').locator('..');
  await expect(scroller).toHaveAttribute('data-more-right', '');
  await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  await expect(scroller).not.toHaveAttribute('data-more-right', '');
  await expect(scroller).toHaveAttribute('data-more-left', '');
});
