import { describe, expect, it } from 'vitest';
import {
  CN8_CLASSES,
  RFM11_SEGMENTS,
  rfm11CaseSql,
  rfm11SegmentOf,
  cn8CaseSql,
  shortRecencyHistory,
  SHORT_RECENCY_HISTORY_DAYS,
} from '../../src/analysis/segments';
import { MODEL_REQUIREMENTS } from '../../src/models/valueFitPlan';
import { SEGMENT_LABELS } from '../../src/i18n/segmentLabels';
import { startSql } from './helpers/engine';

describe('segment schemes', () => {
  it('puts every one of the 25 (R, FM) cells in exactly one of the 11 segments', () => {
    const seen = new Map<string, string[]>();
    for (const s of RFM11_SEGMENTS)
      for (const cell of s.cells) seen.set(cell, [...(seen.get(cell) ?? []), s.key]);
    for (let r = 1; r <= 5; r++) {
      for (let fm = 1; fm <= 5; fm++)
        expect(seen.get(`${r}${fm}`), `cell ${r}${fm}`).toHaveLength(1);
    }
    expect(seen.size).toBe(25);
  });

  it('maps cells as published', () => {
    expect(rfm11SegmentOf(5, 5)).toBe('champions');
    expect(rfm11SegmentOf(5, 1)).toBe('new_customers');
    expect(rfm11SegmentOf(1, 5)).toBe('cant_lose_them');
    expect(rfm11SegmentOf(1, 3)).toBe('at_risk');
    expect(rfm11SegmentOf(2, 1)).toBe('about_to_sleep');
    expect(rfm11SegmentOf(1, 1)).toBe('lost');
  });

  it('the SQL mapping agrees with the TypeScript one on all 25 cells', async () => {
    const sql = await startSql();
    const rows = await sql.rows<{ r: number; fm: number; segment: string }>(
      `SELECT r, fm, ${rfm11CaseSql('r', 'fm')} AS segment FROM range(1, 6) a(r), range(1, 6) b(fm)`,
    );
    expect(rows).toHaveLength(25);
    for (const row of rows) expect(row.segment).toBe(rfm11SegmentOf(row.r, row.fm));
  });

  it('gives each of the 8 above/below-mean combinations its own class', async () => {
    const sql = await startSql();
    const rows = await sql.rows<{ r: boolean; f: boolean; m: boolean; c: string }>(
      `SELECT r, f, m, ${cn8CaseSql('r', 'f', 'm')} AS c
       FROM (VALUES (true), (false)) a(r), (VALUES (true), (false)) b(f), (VALUES (true), (false)) d(m)`,
    );
    expect(new Set(rows.map((x) => x.c)).size).toBe(8);
    const get = (r: boolean, f: boolean, m: boolean) =>
      rows.find((x) => x.r === r && x.f === f && x.m === m)?.c;
    expect(get(true, true, true)).toBe('important_value');
    expect(get(true, false, true)).toBe('important_develop');
    expect(get(false, true, true)).toBe('important_keep');
    expect(get(false, false, true)).toBe('important_retain');
    expect(get(false, false, false)).toBe('general_retain');
    expect(CN8_CLASSES).toHaveLength(8);
  });

  it('names every segment in both UI languages', () => {
    for (const key of [...RFM11_SEGMENTS.map((s) => s.key), ...CN8_CLASSES.map((c) => c.key)]) {
      expect(SEGMENT_LABELS.en[key]).toBeTruthy();
      expect(SEGMENT_LABELS['zh-CN'][key]).toBeTruthy();
    }
    expect(SEGMENT_LABELS['zh-CN'].important_value).toBe('重要价值客户');
    expect(SEGMENT_LABELS['zh-CN'].general_retain).toBe('一般挽留客户');
  });
});

describe('short recency history', () => {
  it('flags a history shorter than the floor, from the first purchase to the as-of date', () => {
    expect(shortRecencyHistory('2024-06-01', '2024-06-09')).toBe(8);
    expect(shortRecencyHistory('2024-06-01', '2024-07-30')).toBe(59);
    expect(shortRecencyHistory('2024-06-01', '2024-07-31')).toBeNull();
    expect(shortRecencyHistory(null, '2024-06-09')).toBeNull();
    expect(SHORT_RECENCY_HISTORY_DAYS).toBe(MODEL_REQUIREMENTS.historyDays);
  });
});
