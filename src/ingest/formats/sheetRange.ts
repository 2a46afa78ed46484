/**
 * Where the table sits in a sheet. Exports often put a title or blank rows above the header, leave
 * a blank column at the left, or carry formatted but empty rows at the end.
 */
export interface TableRange {
  /** 0-based row of the header: the first row with any value. */
  headerRow: number;
  /** 0-based last row with any value. */
  lastRow: number;
  /** 0-based columns with a header or any value; wholly empty columns carry nothing. */
  columns: number[];
}

export type IsBlank<T> = (cell: T | undefined) => boolean;

const hasValue = <T>(row: readonly T[] | undefined, isBlank: IsBlank<T>) =>
  !!row && row.some((c) => !isBlank(c));

/** The table's range, or null when the sheet has no value at all. */
export function tableRange<T>(
  rows: readonly (readonly T[])[],
  isBlank: IsBlank<T>,
): TableRange | null {
  const headerRow = rows.findIndex((row) => hasValue(row, isBlank));
  if (headerRow < 0) return null;
  let lastRow = rows.length - 1;
  while (!hasValue(rows[lastRow], isBlank)) lastRow--;
  const used: boolean[] = [];
  for (let r = headerRow; r <= lastRow; r++) {
    (rows[r] ?? []).forEach((cell, c) => {
      if (!isBlank(cell)) used[c] = true;
    });
  }
  const columns: number[] = [];
  used.forEach((u, c) => u && columns.push(c));
  return { headerRow, lastRow, columns };
}

/** Sheet names that hold notes about the data rather than the data (说明, 填写说明, README …). */
const NOTES_NAME = /说明|须知|注意事项|备注|目录|readme|notes?\b|instructions?/i;

/**
 * The sheet that looks most like a table of data: the most rows with two or more values (a notes
 * sheet of text lines has none). Ties go to a sheet not named like notes, then to the one with
 * more rows holding any value, then to the first.
 */
export function chooseDataSheet<T>(
  sheets: readonly { name: string; rows: readonly (readonly T[])[] }[],
  isBlank: IsBlank<T>,
): number {
  const scores = sheets.map((sheet) => {
    let tableRows = 0;
    let valueRows = 0;
    for (const row of sheet.rows) {
      let values = 0;
      for (const cell of row) if (!isBlank(cell) && ++values >= 2) break;
      if (values >= 2) tableRows++;
      if (values >= 1) valueRows++;
    }
    return { tableRows, valueRows, notes: NOTES_NAME.test(sheet.name) };
  });
  let best = 0;
  scores.forEach((s, i) => {
    const b = scores[best] as (typeof scores)[number];
    const better =
      s.tableRows !== b.tableRows
        ? s.tableRows > b.tableRows
        : s.notes !== b.notes
          ? !s.notes
          : s.valueRows > b.valueRows;
    if (better) best = i;
  });
  return best;
}
