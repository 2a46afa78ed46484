import { DataType, Type, tableFromIPC, util, type Table, type Vector } from 'apache-arrow';
import type { TableData } from '../state/tableExport';

export type ColumnKind = 'number' | 'date' | 'text' | 'boolean';

export interface ResultColumn {
  name: string;
  kind: ColumnKind;
  /** Arrow's name for the type, shown in the header's tooltip. */
  type: string;
}

export type CellValue = number | string | boolean | null;

/**
 * A cell's result on the main thread: the Arrow table as it came from the worker, read a value at
 * a time (nothing is copied into row objects, so 100k rows cost no more than their Arrow buffers).
 * DECIMAL and HUGEINT (DuckDB's sum of integers) become numbers, dates 'YYYY-MM-DD' text.
 */
export class CellResult {
  readonly columns: ResultColumn[];
  readonly numRows: number;
  private readonly vectors: Vector[];
  private readonly readers: ((v: unknown) => CellValue)[];

  constructor(readonly table: Table) {
    this.numRows = table.numRows;
    const fields = table.schema.fields;
    this.vectors = fields.map((_, k) => table.getChildAt(k) as Vector);
    this.columns = fields.map((f) => ({
      name: f.name,
      kind: kindOf(f.type),
      type: String(f.type),
    }));
    this.readers = fields.map((f) => readerOf(f.type));
  }

  static fromIpc(bytes: Uint8Array): CellResult {
    return new CellResult(tableFromIPC(bytes));
  }

  value(row: number, column: number): CellValue {
    const vector = this.vectors[column];
    const read = this.readers[column];
    if (!vector || !read) return null;
    const v: unknown = vector.get(row);
    return v === null || v === undefined ? null : read(v);
  }

  /** One column's values (charts read whole columns). */
  column(column: number): CellValue[] {
    const out = new Array<CellValue>(this.numRows);
    for (let r = 0; r < this.numRows; r++) out[r] = this.value(r, column);
    return out;
  }

  /** Columns and rows for CSV/XLSX export (booleans as text). */
  tableData(): TableData {
    const rows = [];
    for (let r = 0; r < this.numRows; r++) {
      rows.push(
        this.columns.map((_, c) => {
          const v = this.value(r, c);
          return typeof v === 'boolean' ? String(v) : v;
        }),
      );
    }
    return { columns: this.columns.map((c) => c.name), rows };
  }
}

function kindOf(type: DataType): ColumnKind {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
      return 'number';
    case Type.Date:
    case Type.Timestamp:
      return 'date';
    case Type.Bool:
      return 'boolean';
    default:
      return 'text';
  }
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTime = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$|Z$/, '');

function readerOf(type: DataType): (v: unknown) => CellValue {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
      return (v) => Number(v);
    case Type.Decimal: {
      const scale = (type as unknown as { scale: number }).scale;
      return (v) => util.bigNumToNumber(v as Parameters<typeof util.bigNumToNumber>[0], scale);
    }
    case Type.Date:
      return (v) => isoDay(v instanceof Date ? v.getTime() : Number(v));
    case Type.Timestamp:
      return (v) => isoTime(v instanceof Date ? v.getTime() : Number(v));
    case Type.Bool:
      return (v) => Boolean(v);
    case Type.Utf8:
    case Type.LargeUtf8:
      return (v) => String(v);
    default:
      return (v) => {
        const plain =
          v && typeof v === 'object' && 'toJSON' in v ? (v as { toJSON(): unknown }).toJSON() : v;
        return typeof plain === 'string'
          ? plain
          : JSON.stringify(plain, (_, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
      };
  }
}
