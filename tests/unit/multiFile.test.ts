import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors';
import type { SourceFile } from '../../src/ingest/source';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

const file = (name: string, text: string): SourceFile => ({ name, blob: new Blob([text]) });
const DETECT = { encoding: null, sheet: null };

async function exportText(datasetId: number): Promise<string[][]> {
  const bytes = await engine.exportCustomers(datasetId, { scheme: 'rfm11', locale: 'zh-CN' });
  return new TextDecoder()
    .decode(bytes.slice(3))
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

describe('several files at once', () => {
  it('appends monthly exports whose columns come in another order', async () => {
    const loaded = await engine.load(
      [
        file('2024-01.csv', '客户ID,下单日期,订单金额\nA,2024-01-03,10\nB,2024-01-05,20\n'),
        file('2024-02.csv', '订单金额,客户ID,下单日期\n30,A,2024-02-07\n'),
      ],
      DETECT,
    );
    expect(loaded.files.map((f) => [f.name, f.rows])).toEqual([
      ['2024-01.csv', 2],
      ['2024-02.csv', 1],
    ]);
    expect(loaded.rowCount).toBe(3);
    expect(loaded.attributes).toBeNull();
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
    });
    expect(result.summary).toMatchObject({ customers: 2, revenue: 60, orders: 3 });
  });

  it('joins a customer list on the id and adds its columns to the export', async () => {
    const loaded = await engine.load(
      [
        file('客户.csv', '会员编号,城市,年龄\n001,上海,34\n002,北京,51\n003,广州,28\n'),
        file(
          '订单.csv',
          '会员编号,购买日期,金额\n001,2024-01-03,10\n001,2024-02-03,15\n002,2024-01-09,8\n',
        ),
      ],
      DETECT,
    );
    expect(loaded.fileName).toBe('客户.csv + 订单.csv');
    expect(loaded.rowCount).toBe(3);
    expect(loaded.columns.map((c) => c.name)).toEqual(['会员编号', '购买日期', '金额']);
    expect(loaded.attributes).toEqual({
      fileName: '客户.csv',
      key: '会员编号',
      columns: ['城市', '年龄'],
      rows: 3,
      customers: 3,
    });
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: null, scheme: 'rfm11' });
    const [header, ...rows] = await exportText(loaded.datasetId);
    expect(header?.slice(-3)).toEqual(['segment_key', '城市', '年龄']);
    expect(rows.map((r) => [r[0], r.at(-2), r.at(-1)])).toEqual([
      ['001', '上海', '34'], // leading zeros on both sides still match: ids are text
      ['002', '北京', '51'],
    ]);
  });

  it('refuses unrelated files, naming them, and goes on loading the next', async () => {
    const error = await engine
      .load(
        [
          file('orders.csv', 'customer,date,amount\nA,2024-01-01,5\nA,2024-01-02,5\n'),
          file('stock.csv', 'sku,warehouse,count\nX,W1,5\nX,W2,3\n'),
        ],
        DETECT,
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('files_not_combinable');
    const loaded = await engine.loadCsv(
      new TextEncoder().encode('customer,date,amount\nA,2024-01-01,5\n'),
      'after.csv',
    );
    expect(loaded.rowCount).toBe(1);
  });
});
