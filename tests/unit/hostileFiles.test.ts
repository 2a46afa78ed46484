/**
 * Hostile and broken files (scripts/fixtures/hostile.mjs) end in data or a clear message within
 * seconds: a gzip bomb, mixed line endings, 5,000 columns, nothing but refunds, a file whose
 * text a tab could read but not analyse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../scripts/generate-fixtures.mjs';
import { EngineError } from '../../src/engine/errors';
import { countLineEndings, normaliseLineEndings, toLf } from '../../src/ingest/lineEndings';
import { checkMemory, estimateCells, textShape } from '../../src/ingest/memory';
import { startEngine, utf8, type TestEngine } from './helpers/engine';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startEngine();
});

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));

async function failure(work: Promise<unknown>): Promise<EngineError> {
  try {
    await work;
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

describe('hostile files', () => {
  it('a 2 MB gzip of 2 GiB of zeros is refused within seconds, as what it is', async () => {
    const started = performance.now();
    const e = await failure(engine.loadCsv(fixture('hostile-zeros.csv.gz'), 'zeros.csv.gz'));
    expect(e.code).toBe('compressed_too_large');
    expect(e.details).toMatchObject({ file: 'zeros.csv.gz' });
    expect(Number(e.details.ratio)).toBeGreaterThanOrEqual(100);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a CSV mixing CRLF, LF and CR line ends loads every row', async () => {
    const loaded = await engine.loadCsv(fixture('hostile-mixed-newlines.csv'), 'mixed.csv');
    expect(loaded.rowCount).toBe(30);
    const { summary } = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    expect(summary.customers).toBe(7);
    expect(summary.rowsValid).toBe(30);
  });

  it('5,000 columns: refused at once as too many for an order export', async () => {
    const started = performance.now();
    const e = await failure(engine.loadCsv(fixture('hostile-wide.csv'), 'wide.csv'));
    expect(e.code).toBe('too_many_columns');
    expect(e.details).toMatchObject({ columns: 5000, max: 500 });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('every amount negative: "every amount is a refund", not "choose a later date"', async () => {
    const loaded = await engine.loadCsv(fixture('hostile-refunds.csv'), 'refunds.csv');
    const e = await failure(
      engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' }),
    );
    expect(e.code).toBe('no_purchases');
    expect(e.details).toMatchObject({ rows: 30, refunds: 30 });
  });
});

describe('line endings', () => {
  it('counts and rewrites mixed endings, leaves one kind alone', async () => {
    expect(countLineEndings(utf8('a\r\nb\nc\rd\r'))).toEqual({ crlf: 1, lf: 1, cr: 2 });
    expect(new TextDecoder().decode(toLf(utf8('a\r\nb\nc\rd')))).toBe('a\nb\nc\nd');
    const clean = utf8('a\r\nb\r\n');
    expect(await normaliseLineEndings(clean)).toBe(clean);
  });

  it('a CRLF split across two chunks of a large Blob stays one line end', async () => {
    // 8 MiB chunks: put a CRLF exactly on the boundary of all-CRLF text — not mixed.
    const chunk = 8 * 1024 * 1024;
    const bytes = new Uint8Array(chunk + 10).fill(0x61);
    bytes[chunk - 1] = 0x0d;
    bytes[chunk] = 0x0a;
    const blob = new Blob([bytes]);
    expect(await normaliseLineEndings(blob)).toBe(blob);
    // The same with a bare LF further on: mixed, rewritten, the boundary CRLF one LF.
    bytes[chunk + 5] = 0x0a;
    const out = await normaliseLineEndings(new Blob([bytes]));
    expect(out).not.toBe(blob);
    const text = new Uint8Array(await (out as Blob).arrayBuffer());
    expect(countLineEndings(text)).toEqual({ crlf: 0, lf: 2, cr: 0 });
    expect(text.length).toBe(bytes.length - 1);
  });
});

describe('memory estimate with the shape of the text', () => {
  const narrowRow = 'C123456,2024-05-17,123.45\n'; // ≈ 26 bytes, 3 values: the bench file's shape
  const head = utf8(`customer_id,order_date,amount\n${narrowRow.repeat(10_000)}`);

  it('reads rows and columns from the first bytes', () => {
    const total = 26 * 10_000_000;
    const shape = textShape(head, total);
    expect(shape.columns).toBe(3);
    expect(shape.rows / 10_000_000).toBeCloseTo(1, 1);
    expect(estimateCells(head, total)).toBe(shape.rows * 3);
  });

  it('lets the 10M-row file through and refuses the 17M-row one that ran a tab out of memory', () => {
    const sized = (rows: number) => ({
      name: `orders-${rows}.csv`,
      bytes: 26 * rows,
      cells: estimateCells(head, 26 * rows),
    });
    expect(() => checkMemory([sized(10_000_000)])).not.toThrow();
    let refused: unknown = null;
    try {
      checkMemory([sized(17_000_000)]);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(EngineError);
    expect((refused as EngineError).code).toBe('file_too_large');
    // Bytes alone (the old estimate) would have let it through.
    expect(() => checkMemory([{ name: 'x.csv', bytes: 26 * 17_000_000 }])).not.toThrow();
  });
});
