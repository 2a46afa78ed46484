/**
 * A table read from a non-CSV file, handed to the CSV pipeline as UTF-8 CSV text, so that every
 * source goes through the same read_csv, rejects, exclusions and previews.
 */
export interface TableText {
  /** UTF-8 CSV, header row first, RFC 4180 quoting, '\n' line ends, no BOM. */
  csv: Uint8Array;
  /** Data rows (the header not counted). */
  rows: number;
  columns: string[];
  /** Every sheet of a workbook, in workbook order, so the UI can offer a choice. */
  sheets?: string[];
  /** The sheet read. */
  sheet?: string;
  /** Sheet row number (1-based) of the header: data row i is sheet row headerRow + i. */
  headerRow?: number;
}

/**
 * One CSV field. Every field is quoted, so that even a read_csv left to sniff the dialect (it does
 * with header=true) has one reading: a single column of "a;b" could otherwise be taken as
 * semicolon-separated. An empty string and a missing value both become an empty field, which
 * read_csv loads as NULL: order exports do not tell the two apart, and our parsers treat both as
 * missing. read_csv drops a byte-order mark at the start of a field, so it is dropped here too,
 * and a field that was only a BOM is empty like the others.
 */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const text = value.charCodeAt(0) === 0xfeff ? value.replace(/^\uFEFF+/, '') : value;
  if (text === '') return '';
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
}

/**
 * read_csv options that state the dialect of our CSV instead of sniffing it. The sniffer can take
 * a field with a backslash before a quote ("12\"" pizza", or JSON text such as {"a":"\""}) as
 * backslash-escaped and split the row; the dialect is known, so nothing needs guessing.
 */
export const CSV_DIALECT_OPTIONS = `delim = ',', quote = '"', escape = '"'`;

/** Rows are encoded into blocks of this many bytes (or one row's worth, when longer). */
const BLOCK_BYTES = 1 << 20;

/**
 * Builds the CSV of a table row by row, encoding each row to UTF-8 as it comes: no string of the
 * whole table is ever built (for a large table that string, and flattening it for the encoder,
 * would cost more than the conversion itself).
 */
export class CsvBuilder {
  private readonly encoder = new TextEncoder();
  private readonly blocks: Uint8Array[] = [];
  private block = new Uint8Array(BLOCK_BYTES);
  private used = 0;
  rows = 0;

  constructor(readonly columns: readonly string[]) {
    this.write(`${columns.map(csvField).join(',')}\n`);
  }

  /** A data row; missing trailing values are written as empty fields, extra ones are dropped. */
  addRow(values: readonly (string | null | undefined)[]): void {
    const width = this.columns.length;
    let line = csvField(values[0]);
    for (let i = 1; i < width; i++) line += `,${csvField(values[i])}`;
    // A one-column row with no value would be a blank line, which read_csv skips.
    this.write(width === 1 && line === '' ? '""\n' : `${line}\n`);
    this.rows++;
  }

  private write(text: string): void {
    const most = text.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (this.used + most > this.block.length) {
      this.blocks.push(this.block.subarray(0, this.used));
      this.block = new Uint8Array(Math.max(BLOCK_BYTES, most));
      this.used = 0;
    }
    this.used += this.encoder.encodeInto(text, this.block.subarray(this.used)).written;
  }

  finish(extra: Omit<TableText, 'csv' | 'rows' | 'columns'> = {}): TableText {
    this.blocks.push(this.block.subarray(0, this.used));
    const csv = new Uint8Array(this.blocks.reduce((n, b) => n + b.length, 0));
    let offset = 0;
    for (const block of this.blocks) {
      csv.set(block, offset);
      offset += block.length;
    }
    this.blocks.length = 0;
    this.block = new Uint8Array(0);
    this.used = 0;
    return { csv, rows: this.rows, columns: [...this.columns], ...extra };
  }
}

/**
 * Header names as read_csv will show them: trimmed (read_csv trims them), a blank name becomes
 * column_<position> (1-based; `positions` are 0-based places in the source, e.g. sheet columns),
 * and a name repeated (ignoring case, as SQL names do) gets _2, _3 … so every column can be told
 * apart and read_csv has nothing to rename.
 */
export function uniqueHeaders(
  names: readonly (string | null | undefined)[],
  positions: readonly number[] = names.map((_, i) => i),
): string[] {
  const base = names.map((name, i) => {
    const trimmed = (name ?? '').trim();
    return trimmed === '' ? `column_${(positions[i] ?? i) + 1}` : trimmed;
  });
  const taken = new Set(base.map((name) => name.toLowerCase()));
  const seen = new Set<string>();
  return base.map((name) => {
    if (!seen.has(name.toLowerCase())) {
      seen.add(name.toLowerCase());
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`.toLowerCase())) n++;
    const unique = `${name}_${n}`;
    taken.add(unique.toLowerCase());
    seen.add(unique.toLowerCase());
    return unique;
  });
}
