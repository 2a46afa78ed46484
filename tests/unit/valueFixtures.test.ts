import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELDS, type Field } from '../../src/analysis/mapping';
import type { DecimalSeparator } from '../../src/ingest/amounts';
import type { DateFamily } from '../../src/ingest/dateFormats';
import type { TestEngine as Engine } from './helpers/engine';
import { FIXTURES_DIR } from '../../scripts/generate-fixtures.mjs';
import { startEngine } from './helpers/engine';
import { parseCsv } from '../setup/csv';

interface Expected {
  file: string;
  delimiter: string;
  mapping: Partial<Record<Field, string>>;
  dateFamily: DateFamily;
  dateAmbiguous: boolean;
  decimal: DecimalSeparator;
}

const manifest = JSON.parse(
  readFileSync(join(FIXTURES_DIR, 'val-manifest.json'), 'utf8'),
) as Expected[];

/** What the `want_*` columns of a fixture say the engine must find. */
function answers(text: string, delimiter: string, idHeader: string) {
  const [header = [], ...rows] = parseCsv(text, delimiter);
  const names = header.map((h) => h.trim());
  const col = (name: string) => names.indexOf(name);
  const [id, day, value] = [col(idHeader), col('want_day'), col('want_value')];
  let invalidDates = 0;
  let invalidAmounts = 0;
  const netCents = new Map<string, number>();
  const buyers = new Set<string>();
  for (const row of rows) {
    const wantDay = (row[day] ?? '').trim();
    const wantValue = (row[value] ?? '').trim();
    if (wantDay === '') invalidDates++;
    else if (wantValue === '') invalidAmounts++;
    else {
      // The README's id rule: trimmed, "17850.0" is "17850".
      const customer = (row[id] ?? '').trim().replace(/^(\d+)\.0+$/, '$1');
      const cents = Math.round(Number(wantValue) * 100);
      netCents.set(customer, (netCents.get(customer) ?? 0) + cents);
      if (cents > 0) buyers.add(customer);
    }
  }
  const revenueCents = [...buyers].reduce((sum, c) => sum + (netCents.get(c) ?? 0), 0);
  return { rows: rows.length, invalidDates, invalidAmounts, customers: buyers.size, revenueCents };
}

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

describe('real-world value fixtures through the whole engine', () => {
  it('has every fixture the generator promises', () => {
    expect(manifest.map((m) => m.file).sort()).toEqual([
      'val-ambiguous.csv',
      'val-chinese-tab.tsv',
      'val-date-zoo.csv',
      'val-european.csv',
      'val-excel-serial.csv',
      'val-fullwidth.csv',
      'val-quoted.csv',
      'val-spaces.csv',
      'val-us-pipe.csv',
    ]);
  });

  it.each(manifest.map((m) => [m.file, m] as const))('%s', async (_file, expected) => {
    const bytes = readFileSync(join(FIXTURES_DIR, expected.file));
    const loaded = await engine.loadCsv(new Uint8Array(bytes), expected.file);
    const names = loaded.columns.map((c) => c.name.trim());
    const indexOf = (header: string | undefined) =>
      header === undefined ? null : names.indexOf(header);

    for (const field of FIELDS) {
      expect(loaded.guess[field], field).toBe(indexOf(expected.mapping[field]));
    }
    const dateColumn = loaded.columns[loaded.guess.orderDate ?? -1];
    const amountColumn = loaded.columns[loaded.guess.amount ?? -1];
    expect(dateColumn?.dateFamily).toBe(expected.dateFamily);
    expect(dateColumn?.dateAmbiguous).toBe(expected.dateAmbiguous);
    expect(amountColumn?.decimal).toBe(expected.decimal);
    // An amount column is never read as Excel day numbers, whatever its values.
    expect(amountColumn?.dateFamily).not.toBe('excelSerial');

    const want = answers(
      new TextDecoder().decode(bytes),
      expected.delimiter,
      expected.mapping.customerId ?? '',
    );
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    const excluded = (rule: string) => result.quality.rules.find((r) => r.rule === rule)?.rows ?? 0;
    expect(result.summary.rowsRead).toBe(want.rows);
    expect(excluded('malformed_row')).toBe(0);
    expect(excluded('invalid_date')).toBe(want.invalidDates);
    expect(excluded('invalid_amount')).toBe(want.invalidAmounts);
    expect(result.summary.rowsValid).toBe(want.rows - want.invalidDates - want.invalidAmounts);
    expect(result.summary.customers).toBe(want.customers);
    expect(Math.round(result.summary.revenue * 100)).toBe(want.revenueCents);
  });
});
