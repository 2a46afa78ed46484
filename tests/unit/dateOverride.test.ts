import { beforeAll, describe, expect, it } from 'vitest';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8 } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

describe("the analyst's reading of the dates", () => {
  it('flags day ≤ 12 dates as ambiguous and re-reads them when the analyst says D/M/Y', async () => {
    const csv = 'customer,date,amount\nA,03/04/2024,10\nA,05/04/2024,10\nB,01/02/2024,5\n';
    const loaded = await engine.loadCsv(utf8(csv), 'ambiguous.csv');
    const date = loaded.columns[1];
    expect(date?.dateAmbiguous).toBe(true);
    expect(date?.dateFamily).toBe('mdy');

    const usual = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    expect(usual.dateFamily).toBe('mdy');
    expect([usual.summary.firstDay, usual.summary.lastDay]).toEqual(['2024-01-02', '2024-05-04']);

    const chosen = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
      dateFamily: 'dmy',
    });
    expect(chosen.dateFamily).toBe('dmy');
    expect([chosen.summary.firstDay, chosen.summary.lastDay]).toEqual(['2024-02-01', '2024-04-05']);

    // Later analyses (another as-of date) keep the analyst's reading.
    const later = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: '2024-06-01',
      scheme: 'rfm11',
    });
    expect(later.dateFamily).toBe('dmy');
    expect(later.summary.lastDay).toBe('2024-04-05');
  });
});
