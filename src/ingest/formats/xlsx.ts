import { EngineError } from '../../engine/errors';
import { excelNumberText, sheetDateText } from './cellText';
import { damaged } from './damaged';
import { chooseDataSheet, tableRange } from './sheetRange';
import { CsvBuilder, uniqueHeaders, type TableText } from './toCsv';
import { zipHasEntry } from './zipEntries';

/** How workbooks we cannot read are named in 'unsupported_format' (its advice, save as CSV, fits). */
const XLS_FORMAT_NAME = 'Excel 97–2003 (.xls)';
const XLSB_FORMAT_NAME = 'Excel binary workbook (.xlsb)';

/** A number cell's text as stored in the file, so we round it as Excel shows it, once. */
class SheetNumber {
  constructor(readonly text: string) {}
}

type Cell = string | boolean | Date | SheetNumber | null;

/**
 * One sheet of an .xlsx workbook as CSV: the named sheet, or (sheet = null) the one that looks
 * most like data. The first non-empty row is the header; dates are written as ISO text of the day
 * and time Excel shows (no time-zone shift), numbers with Excel's 15 digits and no exponent, text
 * exactly as typed.
 */
export async function xlsxToCsv(
  bytes: Uint8Array,
  fileName: string,
  sheet: string | null,
): Promise<TableText> {
  // The universal entry runs in Node and in a module worker alike: no DOMParser, no worker of its
  // own for the XML (fflate may still inflate large entries in a short-lived worker).
  const { default: readXlsxFile } = await import('read-excel-file/universal');
  let workbook: { sheet: string; data: Cell[][] }[];
  try {
    workbook = (await withClockStill(() =>
      readXlsxFile(arrayBufferOf(bytes), {
        trim: false,
        parseNumber: (text: string) => new SheetNumber(text),
      }),
    )) as { sheet: string; data: Cell[][] }[];
  } catch (e) {
    if ((e as { code?: string } | null)?.code === 'XLS_FILE_NOT_SUPPORTED') {
      throw new EngineError('unsupported_format', { file: fileName, format: XLS_FORMAT_NAME });
    }
    // A binary workbook is a zip of xl/ entries too, but holds no XML to read.
    if (zipHasEntry(bytes, 'xl/workbook.bin')) {
      throw new EngineError('unsupported_format', { file: fileName, format: XLSB_FORMAT_NAME });
    }
    throw damaged(fileName, 'Excel (.xlsx)', e);
  }
  const sheets = workbook.map((s) => s.sheet);
  const grids = workbook.map((s) => ({ name: s.sheet, rows: s.data }));
  const chosen =
    sheet === null ? chooseDataSheet(grids, isBlank) : grids.findIndex((g) => g.name === sheet);
  if (chosen < 0) throw new EngineError('sheet_not_found', { file: fileName, sheet, sheets });
  const grid = grids[chosen];
  const range = grid && tableRange(grid.rows, isBlank);
  if (!grid || !range) {
    const withData = grids.filter((g) => tableRange(g.rows, isBlank)).map((g) => g.name);
    if (withData.length === 0) throw new EngineError('empty_file', { file: fileName });
    throw new EngineError('sheet_empty', {
      file: fileName,
      sheet: grid?.name ?? '',
      sheets: withData,
    });
  }
  const header = grid.rows[range.headerRow] ?? [];
  const csv = new CsvBuilder(
    uniqueHeaders(
      range.columns.map((c) => cellText(header[c])),
      range.columns,
    ),
  );
  const values = new Array<string | null>(range.columns.length);
  for (let r = range.headerRow + 1; r <= range.lastRow; r++) {
    const row = grid.rows[r] ?? [];
    range.columns.forEach((c, i) => (values[i] = cellText(row[c])));
    csv.addRow(values);
  }
  return csv.finish({ sheets, sheet: grid.name, headerRow: range.headerRow + 1 });
}

/**
 * read-excel-file 9.3 parses a sheet's XML in chunks sized by how long the previous chunk took
 * (Date.now), recursing once per chunk and copying the rows read so far after each one. On a busy
 * machine the chunks shrink: on our 2-core VM under load a 300k-row sheet overflowed the stack (a
 * valid file reported as damaged) and 100k rows took 8.7 s instead of 2.4 s. With the clock still,
 * the chunks only grow, so a sheet of any size takes a dozen. The library reads the clock for
 * nothing else; in the worker only SqlRunner's yield timer does, and no SQL runs while a file is
 * converted.
 */
async function withClockStill<T>(work: () => Promise<T>): Promise<T> {
  const now = Date.now;
  const still = now();
  Date.now = () => still;
  try {
    return await work();
  } finally {
    Date.now = now;
  }
}

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
}

const isBlank = (cell: Cell | undefined) =>
  cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');

function cellText(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof Date) return sheetDateText(cell.getTime());
  const n = Number(cell.text);
  return Number.isNaN(n) ? cell.text : excelNumberText(n);
}
