import { columnRef } from '../analysis/sql';
import {
  decimalEvidenceSql,
  decimalSeparatorFrom,
  parseAmountExpr,
  type DecimalSeparator,
} from './amounts';
import { bestDateFamily, DATE_FAMILIES, parseDateExpr, type DateFamily } from './dateFormats';
import type { ColumnProfile } from './headerGuess';

/** Rows read to profile columns; enough to judge types, cheap on any file size. */
export const PROFILE_ROWS = 1000;

/** Columns profiled per statement: wide exports (100+ columns) in one statement exhaust wasm memory. */
export const PROFILE_BATCH = 16;

/** The profile statements for a table of `columnCount` columns, `PROFILE_BATCH` columns each. */
export function profileSqlBatches(rawTable: string, columnCount: number): string[] {
  const batches: string[] = [];
  for (let first = 0; first < columnCount; first += PROFILE_BATCH) {
    batches.push(profileSql(rawTable, first, Math.min(columnCount, first + PROFILE_BATCH)));
  }
  return batches;
}

/** One row of counts for columns [from, to): filled values, dates per family, numbers, decimal evidence. */
export function profileSql(rawTable: string, from: number, to: number): string {
  const parts: string[] = ['count(*) AS rows'];
  for (let i = from; i < to; i++) {
    const text = `NULLIF(trim(${columnRef(i)}), '')`;
    parts.push(`count(${text}) AS filled_${i}`);
    for (const family of DATE_FAMILIES)
      parts.push(`count(${parseDateExpr(text, family)}) AS ${family}_${i}`);
    parts.push(`count(${parseAmountExpr(text, '.')}) AS point_numbers_${i}`);
    parts.push(`count(${parseAmountExpr(text, ',')}) AS comma_numbers_${i}`);
    parts.push(decimalEvidenceSql(text, `_${i}`));
  }
  return `SELECT ${parts.join(',\n  ')} FROM (SELECT * FROM ${rawTable} LIMIT ${PROFILE_ROWS})`;
}

export interface ProfiledColumn extends ColumnProfile {
  dateFamily: DateFamily;
  decimal: DecimalSeparator;
}

/** Turn the counts of `profileSql` into per-column profiles with their best date family. */
export function readProfile(
  names: readonly string[],
  counts: Record<string, number>,
): ProfiledColumn[] {
  const rows = counts.rows ?? 0;
  return names.map((name, i) => {
    const get = (key: string) => Number(counts[`${key}_${i}`] ?? 0);
    const filled = get('filled');
    const dateFamily = bestDateFamily({ ymd: get('ymd'), mdy: get('mdy'), dmy: get('dmy') });
    const decimal = decimalSeparatorFrom({
      pointDecimals: get('pointDecimals'),
      commaDecimals: get('commaDecimals'),
    });
    const numbers = decimal === '.' ? get('point_numbers') : get('comma_numbers');
    return {
      index: i,
      name,
      filledShare: rows === 0 ? 0 : filled / rows,
      dateShare: filled === 0 ? 0 : get(dateFamily) / filled,
      numberShare: filled === 0 ? 0 : numbers / filled,
      dateFamily,
      decimal,
    };
  });
}
