import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors';
import { checkMemory, estimatePeakBytes, TAB_MEMORY_LIMIT } from '../../src/ingest/memory';

const sized = (name: string, bytes: number) => ({ name, bytes });

describe('memory estimate', () => {
  it('lets through what a tab loaded and stops what ran it out of memory (bench:large)', () => {
    expect(() => checkMemory([sized('orders-10m.csv', 259_106_000)])).not.toThrow();
    let error: unknown = null;
    try {
      checkMemory([sized('orders-20m.csv', 518_210_596)]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('file_too_large');
    expect((error as EngineError).details).toMatchObject({
      file: 'orders-20m.csv',
      size: '494 MB',
    });
  });

  it('lets a typed read take more rows: 15M narrow rows typed pass, 17M do not (bench:large)', () => {
    // orders-<n>m.csv: 3 columns, the date and the amount typed; 25.9 bytes a row.
    const typed = (rows: number) => ({
      name: `orders-${rows / 1e6}m.csv`,
      bytes: Math.round(25.9 * rows),
      cells: rows,
      typedCells: 2 * rows,
    });
    const asText = (rows: number) => ({ ...typed(rows), cells: 3 * rows, typedCells: 0 });
    expect(() => checkMemory([typed(15_000_000)])).not.toThrow();
    expect(() => checkMemory([typed(17_000_000)])).toThrow(EngineError);
    // Read as text, 15M rows would not fit.
    expect(() => checkMemory([asText(15_000_000)])).toThrow(EngineError);
    expect(() => checkMemory([asText(10_000_000)])).not.toThrow();
  });

  it('adds up several files', () => {
    const half = 300_000_000;
    expect(() => checkMemory([sized('a.csv', half)])).not.toThrow();
    expect(() => checkMemory([sized('a.csv', half), sized('b.csv', half)])).toThrow(EngineError);
    expect(estimatePeakBytes(2 * half)).toBeGreaterThan(TAB_MEMORY_LIMIT);
  });
});
