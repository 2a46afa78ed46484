import { amountSource, type ColumnMapping, type Field } from '../analysis/mapping';
import { columnRef, constantLiteral } from '../analysis/sql';
import type { DecimalSeparator } from './amounts';

/**
 * Typed reading: the columns DuckDB's CSV reader types itself, so a large file is never held as
 * text in the columns the analysis reads most (issue 16). Only what reads exactly as our own
 * parsers would is typed; everything else stays text and goes through them.
 *
 * Measured against our parsers (tests/unit/typedRead.test.ts): the reader's DECIMAL(18,4) accepts
 * a subset of what `parseAmountExpr` reads and gives the same value; its DATE with the format
 * `%Y-%m-%d` (and TIMESTAMP with `%Y-%m-%d %H:%M:%S`) gives the same day as `parseDateExpr` for
 * everything it accepts, except two-digit or five-digit years and the words 'epoch' and
 * 'infinity' (read as 1900-01-01): `typedReadCheckSql` finds those as days outside 1901–2199.
 * A value the reader refuses is a CAST reject. Either finding makes the file be read as text
 * instead, so results never depend on which way the file was read.
 */
export type ReadType = 'DATE' | 'TIMESTAMP' | 'DECIMAL(18,4)';

export interface TypedColumn {
  index: number;
  type: ReadType;
  /**
   * Amounts: the number of decimals every sampled value was written with (76.30 → 2), so the
   * text form writes them back as the file did; null when the sample mixes them.
   */
  decimals?: number | null;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_SECOND = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** A plain decimal: what DECIMAL(18,4) holds without rounding (14 digits before the point). */
const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d{0,13})(?:\.\d{1,4})?$/;

/** The roles the reader's type serves exactly; any other role needs the column's text. */
const TYPED_ROLES: Record<ReadType, readonly Field[]> = {
  DATE: ['orderDate'],
  TIMESTAMP: ['orderDate'],
  'DECIMAL(18,4)': ['amount', 'quantity', 'unitPrice'],
};

function filledOf(values: readonly (string | null)[]): string[] {
  return values.filter((v): v is string => v !== null && v !== '');
}

/** The decimals all filled values share (0 for integers), or null when they differ. */
function sharedDecimals(values: readonly (string | null)[]): number | null {
  const counts = new Set(filledOf(values).map((v) => v.split('.')[1]?.length ?? 0));
  return counts.size === 1 ? ([...counts][0] ?? null) : null;
}

function typeOf(values: readonly (string | null)[]): ReadType | null {
  const filled = filledOf(values);
  if (filled.length === 0) return null;
  if (filled.every((v) => ISO_DAY.test(v))) return 'DATE';
  if (filled.every((v) => ISO_SECOND.test(v))) return 'TIMESTAMP';
  if (filled.every((v) => PLAIN_DECIMAL.test(v))) return 'DECIMAL(18,4)';
  return null;
}

/** The columns a mapping reads as dates or amounts (the ones worth typing). */
export function typedCandidates(mapping: ColumnMapping): number[] {
  const roles: Field[] =
    amountSource(mapping) === 'amount'
      ? ['orderDate', 'amount']
      : ['orderDate', 'quantity', 'unitPrice'];
  const indices = roles.flatMap((role) => (mapping[role] === null ? [] : [mapping[role]]));
  return [...new Set(indices)];
}

/** Whether every role `mapping` gives column `index` is one a column of `type` serves as it is. */
function servesEveryRole(mapping: ColumnMapping, index: number, type: ReadType): boolean {
  return (Object.keys(mapping) as Field[]).every(
    (f) => mapping[f] !== index || TYPED_ROLES[type].includes(f),
  );
}

/**
 * Which of the guessed date and amount columns to read typed, from a sample of their text (the
 * file's first rows): a column is typed when every filled value in the sample has one plain
 * form, and only for the role that form serves; amounts only with a decimal point.
 */
export function planTypedRead(
  mapping: ColumnMapping,
  sample: ReadonlyMap<number, readonly (string | null)[]>,
  decimalOf: (index: number) => DecimalSeparator,
): TypedColumn[] {
  return typedCandidates(mapping).flatMap((index): TypedColumn[] => {
    const values = sample.get(index) ?? [];
    const type = typeOf(values);
    if (type === null || !servesEveryRole(mapping, index, type)) return [];
    if (type !== 'DECIMAL(18,4)') return [{ index, type }];
    return decimalOf(index) === '.' ? [{ index, type, decimals: sharedDecimals(values) }] : [];
  });
}

/**
 * Whether a typed read still serves `mapping`: every typed column plays only the role its type
 * serves, and amounts are read with a decimal point. Otherwise the file is read again as text.
 */
export function typedReadServes(
  plan: readonly TypedColumn[],
  mapping: ColumnMapping,
  decimal: DecimalSeparator,
): boolean {
  return plan.every(
    ({ index, type }) =>
      servesEveryRole(mapping, index, type) && (type !== 'DECIMAL(18,4)' || decimal === '.'),
  );
}

/** The reader's `types` list: one per column, VARCHAR but where the plan types it. */
function readTypes(columnCount: number, plan: readonly TypedColumn[]): string[] {
  return Array.from(
    { length: columnCount },
    (_, i) => plan.find((c) => c.index === i)?.type ?? 'VARCHAR',
  );
}

/** The options of `read_csv` that type the plan's columns (formats fixed, as measured). */
export function typedReadOptions(columnCount: number, plan: readonly TypedColumn[]): string {
  const types = readTypes(columnCount, plan).map(constantLiteral).join(', ');
  return `auto_type_candidates = ['VARCHAR'], types = [${types}],
  dateformat = '%Y-%m-%d', timestampformat = '%Y-%m-%d %H:%M:%S'`;
}

/**
 * One row: the reader's refusals of a typed value (CAST rejects) and typed days outside
 * 1901–2199 (how the reader's lenient years and words show). Both must be 0 to keep the read.
 */
export function typedReadCheckSql(
  table: string,
  rejectsTable: string,
  plan: readonly TypedColumn[],
): string {
  const days = plan
    .filter((c) => c.type !== 'DECIMAL(18,4)')
    .map(
      (c) =>
        `NOT (CAST(${columnRef(c.index)} AS DATE) BETWEEN DATE '1901-01-01' AND DATE '2199-12-31')`,
    );
  const outOfRange =
    days.length === 0 ? '0' : `(SELECT count(*) FROM ${table} WHERE ${days.join(' OR ')})`;
  return `SELECT (SELECT count(*) FROM ${rejectsTable} WHERE error_type = 'CAST') AS refused,
  ${outOfRange} AS out_of_range`;
}

/**
 * A typed column as text, as our parsers read it: a day as YYYY-MM-DD, a timestamp to the
 * second, an amount with the decimals the sample was written with (76.30), else without trailing
 * zeros (12.5000 → 12.5). The sample had these forms; a value past it may have been written
 * otherwise (2024-3-5, 12.5 among 12.50s) and reads the same.
 */
export function typedAsText(ref: string, column: TypedColumn): string {
  switch (column.type) {
    case 'DATE':
      return `strftime(${ref}, '%Y-%m-%d')`;
    case 'TIMESTAMP':
      return `strftime(${ref}, '%Y-%m-%d %H:%M:%S')`;
    case 'DECIMAL(18,4)': {
      const trimmed = `regexp_replace(CAST(${ref} AS VARCHAR), '\\.?0+$', '')`;
      const d = column.decimals;
      if (d === null || d === undefined || d >= 4) return trimmed;
      // Only where no digit is lost, so the text still reads as the value.
      return `CASE WHEN ${ref} = round(${ref}, ${d}) THEN CAST(CAST(${ref} AS DECIMAL(18,${d})) AS VARCHAR) ELSE ${trimmed} END`;
    }
  }
}

/**
 * `raw_<id>` over a typed read: every column as text, in file order, and the table's row id as a
 * last column named `rowid` (a view has none of its own), so every reader of the loaded rows
 * works unchanged whichever way the file was read.
 */
export function rawTextViewSql(
  view: string,
  typedTable: string,
  columnCount: number,
  plan: readonly TypedColumn[],
): string {
  const columns = Array.from({ length: columnCount }, (_, i) => {
    const typed = plan.find((c) => c.index === i);
    const ref = columnRef(i);
    return typed ? `${typedAsText(ref, typed)} AS ${ref.replace('#', 'c')}` : ref;
  });
  return `CREATE OR REPLACE VIEW ${view} AS SELECT ${columns.join(', ')}, rowid AS rowid FROM ${typedTable}`;
}
