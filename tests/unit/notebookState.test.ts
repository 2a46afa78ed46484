import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors';
import type { NotebookRunResult } from '../../src/engine/types';
import {
  MAX_ROWS,
  Notebook,
  readSnapshot,
  type NotebookHost,
} from '../../src/notebook/notebook.svelte';

function host(answer: (sql: string) => NotebookRunResult | Promise<NotebookRunResult>) {
  const calls: { sql: string; maxRows: number; runId: number }[] = [];
  const cancelled: number[] = [];
  const h: NotebookHost = {
    analysisKey: () => 'a1',
    run: async (sql, maxRows, runId) => {
      calls.push({ sql, maxRows, runId });
      return answer(sql);
    },
    schema: async () => [{ name: 'orders', columns: [{ name: 'amount', type: 'DOUBLE' }] }],
    cancel: (runId) => {
      cancelled.push(runId);
    },
  };
  return { h, calls, cancelled };
}

const ok = (): NotebookRunResult => ({
  status: 'ok',
  ipc: tableToIPC(tableFromArrays({ segment: ['a', 'b'], n: Float64Array.from([3, 4]) }), 'stream'),
  totalRows: 2,
  shownRows: 2,
  ms: 12.4,
});

describe('Notebook', () => {
  it('runs a SQL cell and keeps the result and its meta', async () => {
    const { h, calls } = host(ok);
    const nb = new Notebook(h);
    const id = nb.addCell('sql', 'SELECT segment, n FROM x');
    await nb.run(id);
    expect(calls).toEqual([{ sql: 'SELECT segment, n FROM x', maxRows: MAX_ROWS, runId: 1 }]);
    const result = nb.resultOf(id);
    expect(result?.numRows).toBe(2);
    expect(result?.value(1, 1)).toBe(4);
    expect(result?.tableData()).toEqual({
      columns: ['segment', 'n'],
      rows: [
        ['a', 3],
        ['b', 4],
      ],
    });
    expect(nb.cell(id)?.meta).toMatchObject({ totalRows: 2, ms: 12, columns: ['segment', 'n'] });
    expect(nb.isStale(id)).toBe(false);
  });

  it('keeps errors, refusals and engine failures apart', async () => {
    const { h } = host((sql) => {
      if (sql.startsWith('DROP'))
        return { status: 'refused', reason: 'not_read_only', keyword: 'drop' };
      if (sql.startsWith('bad'))
        return { status: 'error', type: 'Parser', message: 'syntax error', offset: 0, ms: 1 };
      throw new EngineError('cancelled');
    });
    const nb = new Notebook(h);
    const [a, b, c] = ['DROP TABLE t', 'bad', 'SELECT 1'].map((s) => nb.addCell('sql', s)) as [
      string,
      string,
      string,
    ];
    await Promise.all([nb.run(a), nb.run(b), nb.run(c)]);
    expect(nb.runs[a]).toEqual({ status: 'refused', reason: 'not_read_only', keyword: 'drop' });
    expect(nb.runs[b]).toEqual({
      status: 'error',
      error: { type: 'Parser', message: 'syntax error', offset: 0 },
      ms: 1,
    });
    expect(nb.runs[c]).toEqual({ status: 'failed', code: 'cancelled', details: {} });
    expect(nb.resultOf(c)).toBeNull();
  });

  it('round-trips a snapshot (plain JSON, no results) and orders cells', async () => {
    const { h } = host(ok);
    const nb = new Notebook(h);
    const sqlId = nb.addCell('sql', 'SELECT 1');
    const md = nb.addCell('markdown', '# Notes');
    const chart = nb.addCell('chart');
    nb.setOptions(chart, { x: 'segment', y: 'n', mark: 'bar' });
    nb.moveCell(md, -1);
    await nb.run(sqlId);
    const snap = nb.snapshot();
    expect(snap.cells.map((c) => c.kind)).toEqual(['markdown', 'sql', 'chart']);
    expect(snap.cells[2]?.options).toEqual({
      source: sqlId,
      x: 'segment',
      y: 'n',
      colour: null,
      mark: 'bar',
    });
    const json = JSON.parse(JSON.stringify(snap));
    expect(json).toEqual(snap);
    const other = new Notebook(h);
    other.restore(json);
    expect(other.snapshot()).toEqual(snap);
    expect(other.resultOf(sqlId)).toBeNull();
    // Removing the source cell unlinks the chart.
    other.removeCell(sqlId);
    expect(other.cell(chart)?.options?.source).toBeNull();
  });

  it('drops what is malformed in a snapshot from a file', () => {
    const cells = readSnapshot({
      version: 1,
      cells: [
        { id: 'ok1', kind: 'sql', source: 'SELECT 1', options: null, meta: { totalRows: 'x' } },
        { id: 'bad', kind: 'script', source: 'alert(1)' },
        { id: '<img>', kind: 'markdown', source: 'hi' },
        { id: 'ok1', kind: 'chart', source: '', options: { source: 'gone', mark: 'pie', x: 5 } },
        null,
      ],
    });
    expect(cells.map((c) => c.kind)).toEqual(['sql', 'markdown', 'chart']);
    expect(cells[0]).toEqual({
      id: 'ok1',
      kind: 'sql',
      source: 'SELECT 1',
      options: null,
      meta: null,
      from: null,
    });
    expect(cells[1]?.id).not.toBe('<img>');
    expect(cells[2]?.id).not.toBe('ok1');
    expect(cells[2]?.options).toEqual({
      source: null,
      x: null,
      y: null,
      colour: null,
      mark: 'point',
    });
    expect(readSnapshot('nonsense')).toEqual([]);
  });

  it('marks cells from a link or a file, never runs them, and forgets the mark once run', async () => {
    const { h, calls } = host(() => ({ status: 'refused', reason: 'empty', keyword: '' }));
    const nb = new Notebook(h);
    const shared = {
      version: 1,
      cells: [
        { id: 'a', kind: 'sql', source: 'SELECT 1', options: null, meta: null },
        { id: 'b', kind: 'markdown', source: '# hi', options: null, meta: null },
      ],
    } as const;
    nb.restore(structuredClone(shared) as never, 'link');
    expect(nb.cells.map((c) => c.from)).toEqual(['link', null]);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(0); // nothing ran by itself
    // The mark is saved with the cell, so a reload still says where it came from.
    expect(nb.snapshot().cells[0]).toMatchObject({ from: 'link' });
    nb.restore(nb.snapshot());
    expect(nb.cells[0]?.from).toBe('link');
    await nb.run('a');
    expect(calls).toHaveLength(1);
    expect(nb.cells[0]?.from).toBeNull();
    expect(nb.snapshot().cells[0]).not.toHaveProperty('from');
    // Own saved work carries no mark; a file's cells do.
    nb.restore(structuredClone(shared) as never);
    expect(nb.cells[0]?.from).toBeNull();
    nb.restore(structuredClone(shared) as never, 'file');
    expect(nb.cells[0]?.from).toBe('file');
  });

  it('cancels the cell’s own run through the host, and refreshes the schema', async () => {
    let release: (r: NotebookRunResult) => void = () => {};
    const { h, calls, cancelled } = host(() => new Promise((r) => (release = r)));
    const nb = new Notebook(h);
    const a = nb.addCell('sql', 'SELECT 1');
    const b = nb.addCell('sql', 'SELECT 2');
    nb.cancel(a); // not running: nothing to cancel
    const running = nb.run(b);
    nb.cancel(b);
    expect(cancelled).toEqual([calls[0]?.runId]);
    release(ok());
    await running;
    nb.cancel(b); // finished: nothing to cancel
    expect(cancelled.length).toBe(1);
    await nb.refreshSchema();
    expect(nb.schema.map((t) => t.name)).toEqual(['orders']);
  });
});
