import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors';
import { startSql } from './helpers/engine';

describe('SqlRunner', () => {
  it('stops a long statement soon after cancel and runs the next one', async () => {
    const sql = await startSql();
    sql.beginWork();
    const started = performance.now();
    const running = sql.run('SELECT sum(i * i) FROM range(2000000000) t(i)');
    setTimeout(() => sql.cancel(), 200);
    const error = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('cancelled');
    expect(performance.now() - started).toBeLessThan(2000);
    sql.beginWork();
    expect(await sql.row<{ x: number }>('SELECT 42 AS x')).toEqual({ x: 42 });
  });

  it('binds values as parameters, never as SQL text', async () => {
    const sql = await startSql();
    const hostile = "'); DROP TABLE t; --";
    const { tableFromIPC } = await import('apache-arrow');
    const out = tableFromIPC(sql.runWithParams('SELECT ? AS v', [hostile]))
      .get(0)
      ?.toJSON();
    expect(out).toEqual({ v: hostile });
  });
});
