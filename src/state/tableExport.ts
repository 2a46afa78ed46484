import { csvText } from '../analysis/csvText';

/**
 * Any table on screen as a CSV or an Excel file. Cells keep their type: numbers stay numbers (so a
 * spreadsheet can sum them), text stays text. Text from the analyst's files (customer ids, segment
 * or channel names) may begin with a character a spreadsheet reads as the start of a formula; such
 * a cell must never run as one (CSV/formula injection, OWASP).
 */

export type TableCell = string | number | null;

export interface TableData {
  columns: readonly string[];
  rows: readonly (readonly TableCell[])[];
}

/** The table as CSV: UTF-8 with a BOM, CRLF, RFC 4180 quoting, formula-safe text (see csvText). */
export function tableCsv(table: TableData): string {
  return csvText(table.columns, table.rows);
}

export interface XlsxCell {
  value: string | number;
  type: StringConstructor | NumberConstructor;
  fontWeight?: 'bold';
}

/**
 * The sheet's cells for write-excel-file. Text is written as a string cell (`t="s"`, a shared
 * string): a string cell is never evaluated, so text beginning with "=" shows as typed and needs
 * no apostrophe. Formulas would need a cell of type 'Formula', which is never produced here.
 */
export function xlsxSheetData(table: TableData): (XlsxCell | null)[][] {
  const header = table.columns.map((c): XlsxCell => ({
    value: c,
    type: String,
    fontWeight: 'bold',
  }));
  const body = table.rows.map((row) =>
    row.map((v): XlsxCell | null => {
      if (v === null) return null;
      if (typeof v === 'number') return Number.isFinite(v) ? { value: v, type: Number } : null;
      return { value: v, type: String };
    }),
  );
  return [header, ...body];
}

/** Excel's rules for a sheet name: at most 31 characters, none of : \ / ? * [ ]. */
export function sheetName(name: string): string {
  const clean = name
    .replace(/[:\\/?*[\]]/g, ' ')
    .trim()
    .slice(0, 31);
  return clean || 'Sheet1';
}

/** Column widths (in characters) from the longest text in each column, within reason. */
function columnWidths(table: TableData): { width: number }[] {
  return table.columns.map((c, i) => {
    let longest = c.length;
    for (const row of table.rows.slice(0, 500)) {
      const v = row[i];
      if (v !== null) longest = Math.max(longest, String(v).length);
    }
    return { width: Math.min(60, Math.max(8, longest + 2)) };
  });
}

/**
 * The table as an .xlsx file. write-excel-file is imported on demand, so it is a chunk of its own
 * that is only fetched (from this origin) the first time someone exports to Excel.
 */
export async function tableXlsx(table: TableData, name: string): Promise<Blob> {
  const { default: writeXlsxFile } = await import('write-excel-file/browser');
  return writeXlsxFile(xlsxSheetData(table), {
    sheet: sheetName(name),
    columns: columnWidths(table),
    stickyRowsCount: 1,
  }).toBlob();
}

export const CSV_TYPE = 'text/csv;charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
