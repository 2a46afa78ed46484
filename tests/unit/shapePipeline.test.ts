/**
 * Every step on every shape of the data-shape suite (scripts/fixtures/shapes.mjs): real-looking
 * exports no one tuned the code for. Each file loads, is analysed, valued (a model, or the labelled
 * heuristic, with the reason for every model left out), staged, and exported with every customer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../scripts/generate-fixtures.mjs';
import { DEFAULT_VALUE_OPTIONS } from '../../src/engine/types';
import { csvObjects } from '../setup/csv';
import { defaultLifecycleOptions, startEngine, type TestEngine } from './helpers/engine';
import { expectValueIdentity } from './helpers/valueIdentity';

const manifest = JSON.parse(readFileSync(join(FIXTURES_DIR, 'shape-manifest.json'), 'utf8')) as {
  file: string;
  customers: number;
  asOf: string | null;
}[];

/** What each shape's value step must come to. */
const EXPECTED: Record<string, { model: string | null; notUsed: Partial<Record<string, string>> }> =
  {
    'shape-wholesale-1y.csv': { model: 'bgnbd', notUsed: {} },
    // Nobody leaves: both dropout models run off towards "no dropout"; the NBD is the model.
    'shape-nochurn-zh.csv': { model: 'nbd', notUsed: { bgnbd: 'bound', paretonbd: 'bound' } },
    // Everyone gone long ago: the Pareto/NBD dropout heterogeneity runs off (all leave at one rate).
    'shape-churned-early.csv': { model: 'bgnbd', notUsed: { paretonbd: 'bound' } },
    'shape-one-time.csv': { model: null, notUsed: {} },
    'shape-small-300.csv': { model: 'bgnbd', notUsed: {} },
    'shape-50k.csv': { model: 'bgnbd', notUsed: {} },
  };

let engine: TestEngine;
beforeAll(async () => {
  engine = await startEngine();
});

describe('every step on every data shape', () => {
  it('covers every file of the suite', () => {
    expect(manifest.map((m) => m.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const shape of manifest) {
    it(
      shape.file,
      async () => {
        const expected = EXPECTED[shape.file]!;
        const bytes = new Uint8Array(readFileSync(join(FIXTURES_DIR, shape.file)));
        const loaded = await engine.loadCsv(bytes, shape.file);
        const { datasetId } = loaded;
        const analysis = await engine.analyse(datasetId, loaded.guess, {
          asOf: shape.asOf,
          scheme: 'rfm11',
        });
        expect(analysis.summary.customers).toBe(shape.customers);

        const value = await engine.value(datasetId, DEFAULT_VALUE_OPTIONS);
        expect(value.method).toBe(expected.model === null ? 'heuristic' : 'model');
        expect(value.purchaseModel).toBe(expected.model);
        const notUsed = Object.fromEntries(
          value.problems.flatMap((p) =>
            p.reason === 'no_convergence' ? [[p.model, p.stop?.kind ?? 'threw']] : [],
          ),
        );
        expect(notUsed).toEqual(expected.notUsed);
        for (const fit of value.fits) {
          expect(Number.isFinite(fit.logLikelihood)).toBe(true);
          // A fit that was used has its standard errors; one that was not says why.
          if (fit.converged)
            expect(Object.values(fit.standardErrors).every(Number.isFinite)).toBe(true);
          else expect(fit.stop.kind).not.toBe('converged');
        }
        expect(Number.isFinite(value.totals.predicted)).toBe(true);

        const lifecycle = await engine.lifecycle(datasetId, defaultLifecycleOptions(), 'rfm11');
        expect(lifecycle.stages.reduce((n, s) => n + s.customers, 0)).toBe(shape.customers);
        if (shape.file === 'shape-churned-early.csv')
          expect(lifecycle.stages.map((s) => s.stage)).toEqual(['churned']);

        const rows = csvObjects(
          new TextDecoder().decode(
            await engine.exportCustomers(datasetId, { scheme: 'rfm11', locale: 'en' }),
          ),
        );
        expect(rows).toHaveLength(shape.customers);
        // Every value and stage column is filled for every customer; P(alive) exists only under a
        // model (the heuristic has none, and leaves it empty rather than inventing one).
        const filled = [
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
          ...(value.method === 'model' ? ['p_alive'] : []),
        ];
        for (const column of filled) {
          const empty = rows.filter((r) => (r[column] ?? '') === '').length;
          expect(empty, `${column} empty for ${empty} customers`).toBe(0);
        }
        if (value.method === 'heuristic') expect(rows.every((r) => r.p_alive === '')).toBe(true);
        expectValueIdentity(rows, { ...DEFAULT_VALUE_OPTIONS, margin: value.margin.value });
        engine.drop(datasetId);
      },
      60_000,
    );
  }
});
