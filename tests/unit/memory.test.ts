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

  it('adds up several files', () => {
    const half = 300_000_000;
    expect(() => checkMemory([sized('a.csv', half)])).not.toThrow();
    expect(() => checkMemory([sized('a.csv', half), sized('b.csv', half)])).toThrow(EngineError);
    expect(estimatePeakBytes(2 * half)).toBeGreaterThan(TAB_MEMORY_LIMIT);
  });
});
