import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VALUE_OPTIONS } from '../../src/engine/types';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8 } from './helpers/engine';
import { csvObjects } from '../setup/csv';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

describe('hostile text in the customers export', () => {
  it('is written as text a spreadsheet will not run; numbers stay numbers', async () => {
    const orders = [
      'customer_id,order_date,amount,channel',
      '"=HYPERLINK(""http://evil"",""x"")",2024-01-05,100,+cmd',
      'plain,2024-01-06,-20,@SUM(A1)',
      'plain,2024-01-07,50,web',
      '-negative-id,2024-01-08,10,<script>alert(1)</script>',
    ].join('\n');
    const list = ['customer_id,note', 'plain,=1+1', '-negative-id,fine'].join('\n');
    const loaded = await engine.load(
      [
        { name: 'orders.csv', blob: new Blob([utf8(orders)]) },
        { name: 'customers.csv', blob: new Blob([utf8(list)]) },
      ],
      { encoding: null, sheet: null },
    );
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' });
    await engine.value(loaded.datasetId, {
      ...DEFAULT_VALUE_OPTIONS,
      channel: { source: 'orders', column: 3 },
    });
    const bytes = await engine.exportCustomers(loaded.datasetId, {
      scheme: 'rfm11',
      locale: 'en',
    });
    const rows = csvObjects(new TextDecoder().decode(bytes.subarray(3)));
    const byId = Object.fromEntries(rows.map((r) => [r.customer_id, r]));
    expect(Object.keys(byId).sort()).toEqual([
      `'-negative-id`,
      `'=HYPERLINK("http://evil","x")`,
      'plain',
    ]);
    expect(byId[`'=HYPERLINK("http://evil","x")`]!.acquisition_channel).toBe("'+cmd");
    expect(byId.plain!.acquisition_channel).toBe("'@SUM(A1)");
    expect(byId.plain!.note).toBe("'=1+1");
    // Markup is plain text in a CSV: kept as it was, never interpreted.
    expect(byId[`'-negative-id`]!.acquisition_channel).toBe('<script>alert(1)</script>');
    expect(byId[`'-negative-id`]!.note).toBe('fine');
    // plain: 50 bought, 20 returned (netted); numbers are not prefixed.
    expect(byId.plain!.monetary).toBe('30.0');
  });
});
