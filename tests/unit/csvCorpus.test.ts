import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isComplete } from '../../src/analysis/mapping';
import { EngineError } from '../../src/engine/errors';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine } from './helpers/engine';
import { sharedPath } from './helpers/shared';

/** Errors that tell the user what is wrong with their file (as opposed to an engine failure). */
const CLEAR_ERRORS = new Set([
  'empty_file',
  'csv_unreadable',
  'no_rows',
  'no_usable_columns',
  'no_valid_rows',
  'no_customers',
  'no_purchases',
  'too_many_columns',
  'not_text',
  'unsupported_format',
  'all_rows_malformed',
]);

const corpus = sharedPath('datasets/csv-corpus/MANIFEST.tsv');
const files = corpus
  ? readFileSync(corpus, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t')[0] as string)
  : [];

describe.runIf(corpus !== null)(
  'edge-case CSV corpus: loaded data or a clear error, never a crash',
  () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await startEngine();
    });

    it('lists the 295 corpus files', () => {
      expect(files).toHaveLength(295);
    });

    it.each(files)('%s', async (file) => {
      const bytes = readFileSync(join(corpus!, '..', file));
      const outcome = await (async () => {
        const loaded = await engine.loadCsv(bytes, file);
        if (isComplete(loaded.guess)) {
          const result = await engine.analyse(loaded.datasetId, loaded.guess, {
            asOf: null,
            scheme: 'rfm11',
          });
          expect(result.summary.customers).toBeGreaterThan(0);
        }
        engine.drop(loaded.datasetId);
        return 'loaded';
      })().catch((e: unknown) => e);
      if (outcome !== 'loaded') {
        expect(outcome).toBeInstanceOf(EngineError);
        expect(CLEAR_ERRORS, `${file}: ${String(outcome)}`).toContain(
          (outcome as EngineError).code,
        );
      }
    });
  },
);
