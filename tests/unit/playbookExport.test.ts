import { beforeAll, describe, expect, it } from 'vitest';
import { emptyDoc, exportRows, type PlaybookExportRow } from '../../src/analysis/playbook';
import { playbookInsertSql, validExportRows } from '../../src/analysis/playbookSql';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine, utf8, valueAndStages } from './helpers/engine';
import { parseCsv } from '../setup/csv';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});

function exportTable(bytes: Uint8Array): Record<string, string>[] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...lines] = parseCsv(new TextDecoder().decode(bytes.subarray(3)));
  return lines.map((l) => Object.fromEntries(l.map((v, i) => [header![i], v])));
}

/** 40 customers over 2023–2024: steady buyers, lapsed ones, one-time buyers. */
function orders(): string {
  const rows = ['customer_id,order_date,amount'];
  const day = (d: number) => new Date(Date.UTC(2023, 0, 1 + d)).toISOString().slice(0, 10);
  for (let c = 0; c < 40; c++) {
    const start = (c * 7) % 300;
    if (c % 3 === 0)
      for (let k = 0; k < 10; k++) rows.push(`s${c},${day(start + k * 35)},${20 + c}`);
    if (c % 3 === 1)
      for (let k = 0; k < 3; k++) rows.push(`l${c},${day(start + k * 20)},${15 + c}`);
    if (c % 3 === 2) rows.push(`o${c},${day(start + 380)},${10 + c}`);
  }
  return rows.join('\n');
}

const HOSTILE_SQL = "'); DROP TABLE x; --";
const HOSTILE_FORMULA = '=HYPERLINK("x")';

describe('playbook actions in the customers export', () => {
  it('adds the segment, stage and tier action of every customer, as text', async () => {
    const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: '2025-01-01', scheme: 'rfm11' });
    await valueAndStages(engine, loaded.datasetId);

    const doc = emptyDoc();
    doc.entries['stage:churned'] = { goal: HOSTILE_FORMULA, actions: [HOSTILE_SQL, 'b, "c"'] };
    const rows = exportRows('rfm11', 'en', doc);
    // A raw row straight to the worker, not through actionCell: SQL must still see only data.
    const raw = rows.map((r) =>
      r.kind === 'tier' && r.key === 'low' ? { ...r, action: HOSTILE_SQL } : r,
    );
    const out = exportTable(
      await engine.exportCustomers(loaded.datasetId, {
        scheme: 'rfm11',
        locale: 'en',
        playbook: raw,
      }),
    );
    expect(out).toHaveLength(40);
    const action = (kind: string, key: string) =>
      raw.find((r) => r.kind === kind && r.key === key)!.action;
    for (const c of out) {
      expect(c.segment_action).toBe(action('segment', c.segment_key!));
      expect(c.stage_action).toBe(action('stage', c.lifecycle_stage!));
      expect(c.tier_action).toBe(action('tier', c.value_tier!));
    }
    const churned = out.filter((c) => c.lifecycle_stage === 'churned');
    expect(churned.length).toBeGreaterThan(0);
    // The formula reaches the file behind an apostrophe, the SQL text as plain text.
    expect(churned[0]!.stage_action).toBe(`'${HOSTILE_FORMULA} | ${HOSTILE_SQL}; b, "c"`);
    const low = out.filter((c) => c.value_tier === 'low');
    expect(low.length).toBeGreaterThan(0);
    for (const c of low) expect(c.tier_action).toBe(HOSTILE_SQL);
    // Column order: the actions follow the lifecycle columns.
    const names = Object.keys(out[0]!);
    expect(names.indexOf('segment_action')).toBe(names.indexOf('churn_risk') + 1);
    expect(
      names.slice(names.indexOf('segment_action'), names.indexOf('segment_action') + 3),
    ).toEqual(['segment_action', 'stage_action', 'tier_action']);

    // The database is intact and the playbook table is gone: a plain export still works.
    const plain = exportTable(
      await engine.exportCustomers(loaded.datasetId, { scheme: 'rfm11', locale: 'en' }),
    );
    expect(plain).toHaveLength(40);
    expect(plain[0]).not.toHaveProperty('segment_action');
  });

  it('writes Chinese actions for the cn8 classes, without stage or tier columns when not computed', async () => {
    const loaded = await engine.loadCsv(utf8(orders()), 'orders.csv');
    await engine.analyse(loaded.datasetId, loaded.guess, { asOf: '2025-01-01', scheme: 'cn8' });
    const rows = exportRows('cn8', 'zh-CN', emptyDoc());
    const out = exportTable(
      await engine.exportCustomers(loaded.datasetId, {
        scheme: 'cn8',
        locale: 'zh-CN',
        playbook: rows,
      }),
    );
    expect(out).toHaveLength(40);
    expect(out[0]).not.toHaveProperty('stage_action');
    expect(out[0]).not.toHaveProperty('tier_action');
    const keys = new Set(out.map((c) => c.segment_key));
    expect(keys.size).toBeGreaterThan(1);
    for (const c of out) {
      expect(c.segment_action).toBe(
        rows.find((r) => r.kind === 'segment' && r.key === c.segment_key)!.action,
      );
      expect(c.segment_action).toMatch(/\p{Script=Han}.*｜/u);
    }
  });
});

describe('playbook rows crossing to the worker', () => {
  it('keeps well-formed rows, once per kind and key', () => {
    const good: PlaybookExportRow = { kind: 'segment', key: 'lost', action: 'a' };
    expect(
      validExportRows([
        good,
        { ...good, action: 'duplicate' },
        { kind: 'stage', key: 'lost', action: 'b' },
        { kind: 'table', key: 'x', action: 'c' },
        { kind: 'tier', key: 3, action: 'd' },
        { kind: 'tier', key: 'high', action: 'e'.repeat(20_000) },
        null,
        'segment:lost',
      ]),
    ).toEqual([good, { kind: 'stage', key: 'lost', action: 'b' }]);
    expect(validExportRows(undefined)).toEqual([]);
    expect(validExportRows({ kind: 'segment' })).toEqual([]);
  });

  it('puts only placeholders into the insert statement', () => {
    const sql = playbookInsertSql('playbook_3', 2);
    expect(sql.match(/\?/g)).toHaveLength(6);
    expect(sql).not.toMatch(/'/);
    expect(() => playbookInsertSql('playbook_3', 0)).toThrow();
  });
});
