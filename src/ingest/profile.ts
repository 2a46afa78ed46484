import { columnRef } from '../analysis/sql';
import { decimalSeparatorFrom, parseAmountExpr, type DecimalSeparator } from './amounts';
import { bestDateFamily, DATE_FAMILIES, parseDateExpr, type DateFamily } from './dateFormats';
import { isDateHeader, type ColumnProfile } from './headerGuess';

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

/** A number with one or two decimals, not all zero: 66.9, ¥1,012.05, -3,50 (not 17850.0, not 1,234). */
const MONEY_LIKE = String.raw`[-+]?[¥$€£]?[0-9][0-9,. ]*[.,](0[1-9]|[1-9][0-9]?)`;

/**
 * One row of counts for columns [from, to): filled values, dates per family, numbers per decimal
 * separator, named `<count>_<column>`. The columns' values are first stacked into one (column,
 * text) list, so each parser is written, compiled and run once, whatever the number of columns.
 */
export function profileSql(rawTable: string, from: number, to: number): string {
  const columns = Array.from({ length: to - from }, (_, k) => from + k);
  const refs = columns.map((i) => columnRef(i)).join(', ');
  const tests: [string, string][] = [
    ['filled', 't IS NOT NULL'],
    ...DATE_FAMILIES.map((f): [string, string] => [f, `${parseDateExpr('t', f)} IS NOT NULL`]),
    ['point_numbers', `${parseAmountExpr('t', '.')} IS NOT NULL`],
    ['comma_numbers', `${parseAmountExpr('t', ',')} IS NOT NULL`],
    ['fractions', `regexp_full_match(t, '${MONEY_LIKE}')`],
  ];
  const counts = columns.flatMap((i) =>
    tests.map(([name]) => `count(*) FILTER (WHERE i = ${i} AND ${name}) AS ${name}_${i}`),
  );
  return `SELECT count(*) FILTER (WHERE i = ${from}) AS rows,
  ${counts.join(',\n  ')}
FROM (
  SELECT i, ${tests.map(([name, test]) => `${test} AS ${name}`).join(',\n    ')}
  FROM (
    SELECT i, NULLIF(trim(v), '') AS t
    FROM (
      SELECT unnest(range(${from}, ${to})) AS i, unnest([${refs}]) AS v
      FROM (SELECT * FROM ${rawTable} LIMIT ${PROFILE_ROWS})
    )
  )
)`;
}

export interface ProfiledColumn extends ColumnProfile {
  /** The family the column's dates are read with (the analyst may override it). */
  dateFamily: DateFamily;
  /** Share of non-empty values each family reads, for the analyst choosing another family. */
  dateShares: Record<DateFamily, number>;
  /**
   * Month-first and day-first read the same number of values (every day ≤ 12 in the rows profiled),
   * so the data cannot tell 03/04 from 04/03: `dateFamily` is `mdy` by default and the analyst
   * should confirm it. (A column where every such value has day = month is flagged too.)
   */
  dateAmbiguous: boolean;
  decimal: DecimalSeparator;
}

/**
 * Turn the counts of `profileSql` into per-column profiles with their best date family. Excel day
 * numbers compete only under a date header (`isDateHeader`): otherwise 30000–50000 in an amount
 * column would read as dates.
 */
export function readProfile(
  names: readonly string[],
  counts: Record<string, number>,
): ProfiledColumn[] {
  const rows = counts.rows ?? 0;
  return names.map((name, i) => {
    const get = (key: string) => Number(counts[`${key}_${i}`] ?? 0);
    const filled = get('filled');
    const share = (n: number) => (filled === 0 ? 0 : n / filled);
    const read = Object.fromEntries(DATE_FAMILIES.map((f) => [f, get(f)])) as Record<
      DateFamily,
      number
    >;
    const dateFamily = bestDateFamily(isDateHeader(name) ? read : { ...read, excelSerial: 0 });
    const dateAmbiguous = (dateFamily === 'mdy' || dateFamily === 'dmy') && read.mdy === read.dmy;
    const decimal = decimalSeparatorFrom({
      point: get('point_numbers'),
      comma: get('comma_numbers'),
    });
    return {
      index: i,
      name,
      filledShare: rows === 0 ? 0 : filled / rows,
      dateShare: share(read[dateFamily]),
      numberShare: share(decimal === '.' ? get('point_numbers') : get('comma_numbers')),
      fractionShare: share(get('fractions')),
      dateFamily,
      dateShares: Object.fromEntries(DATE_FAMILIES.map((f) => [f, share(read[f])])) as Record<
        DateFamily,
        number
      >,
      dateAmbiguous,
      decimal,
    };
  });
}
