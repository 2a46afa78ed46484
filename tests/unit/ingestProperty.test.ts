import fc from 'fast-check';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { isComplete } from '../../src/analysis/mapping';
import { RULE_EFFECT } from '../../src/analysis/quality';
import { EngineError, type EngineErrorCode } from '../../src/engine/errors';
import type { TestEngine as Engine } from './helpers/engine';
import { startEngine } from './helpers/engine';

/**
 * Errors that say what is wrong with the file and how to fix it. An engine failure, a plain
 * exception or a wait past HANG_MS is what this property hunts for.
 */
const FILE_ERRORS: ReadonlySet<EngineErrorCode> = new Set<EngineErrorCode>([
  'empty_file',
  'unsupported_format',
  'not_text',
  'file_damaged',
  'json_invalid',
  'json_not_records',
  'sheet_empty',
  'all_rows_malformed',
  'csv_unreadable',
  'no_rows',
  'no_usable_columns',
  'no_valid_rows',
  'no_customers',
  'no_purchases',
  'too_many_columns',
]);

/** Far above any input here (each takes well under a second); past it, the ingest path hung. */
const HANG_MS = 20_000;

type Outcome = { kind: 'analysed'; rowsRead: number } | { kind: 'loaded' } | { kind: 'error' };

/** Load, and analyse when the columns were recognised; checks every invariant on the way. */
async function ingest(engine: Engine, bytes: Uint8Array, name: string): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no answer in ${HANG_MS} ms`)), HANG_MS);
  });
  const work = (async (): Promise<Outcome> => {
    const loaded = await engine.loadCsv(bytes, name);
    try {
      if (!isComplete(loaded.guess)) return { kind: 'loaded' };
      const result = await engine.analyse(loaded.datasetId, loaded.guess, {
        asOf: null,
        scheme: 'rfm11',
      });
      // Bad rows are counted, never silently dropped: every row read is used or excluded by a rule.
      const excluded = result.quality.rules
        .filter((r) => RULE_EFFECT[r.rule] === 'excluded')
        .reduce((sum, r) => sum + r.rows, 0);
      expect(result.summary.rowsValid + excluded).toBe(result.quality.rowsRead);
      expect(result.summary.customers).toBeGreaterThan(0);
      return { kind: 'analysed', rowsRead: result.quality.rowsRead };
    } finally {
      engine.drop(loaded.datasetId);
    }
  })();
  try {
    return await Promise.race([work, hang]);
  } catch (e) {
    if (e instanceof EngineError && FILE_ERRORS.has(e.code)) return { kind: 'error' };
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

const NAMES = [
  'export.csv',
  'export.tsv',
  'export.txt',
  'orders.xlsx',
  'orders.parquet',
  'orders.json',
  'orders.ndjson',
  'orders.csv.gz',
  'noextension',
];

const id = fc.stringMatching(/^0{0,3}[1-9][0-9]{0,5}(\.0)?$/);
const date = fc.constantFrom(
  '2024-03-05',
  '2024/3/5 8:26',
  '2023-12-01',
  '2024年3月5日',
  '2018-01-01 星期五',
  '2018-02-29',
  '20240305',
);
const amount = fc.constantFrom('¥1,234.50', '(12.00)', '99', '－１２', 'RMB 99元', '0', '12.5');
/** Cells an export might hold, and the characters that break naive readers. */
const cell = fc.oneof(
  id,
  date,
  amount,
  fc.constantFrom('12/1/2010 8:26', '31/12/2019', '45352', '1.234,56', '', ' ', 'NULL'),
  fc.string({ unit: fc.constantFrom('a', '"', ',', ';', '\t', '|', '\n', '\r', ' ', '客', '\\') }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
/** Mostly order-shaped rows, so that the analysis runs; the rest any shape at all. */
const row = fc
  .oneof(
    { arbitrary: fc.tuple(id, date, amount, fc.array(cell, { maxLength: 2 })), weight: 3 },
    { arbitrary: fc.array(cell, { maxLength: 6 }), weight: 1 },
  )
  .map((r) => (Array.isArray(r[3]) ? [r[0], r[1], r[2], ...r[3]] : r) as string[]);

const table = fc.record({
  header: fc.oneof(
    fc.constant(['客户编号', '订单日期', '金额']),
    fc.constant(['customer_id', 'order_date', 'amount', 'invoice']),
    fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { minLength: 1, maxLength: 5 }),
  ),
  rows: fc.array(row, { maxLength: 25 }),
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  quoteAll: fc.boolean(),
  lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
  encoding: fc.constantFrom('utf-8', 'utf-8-bom', 'gb18030', 'utf-16le-bom', 'utf-16be'),
});

function quoteCell(value: string, delimiter: string, quoteAll: boolean): string {
  const needs = quoteAll || /["\n\r]/.test(value) || value.includes(delimiter);
  return needs ? `"${value.replaceAll('"', '""')}"` : value;
}

function encode(text: string, encoding: string): Uint8Array {
  switch (encoding) {
    case 'utf-8-bom':
      return new TextEncoder().encode(`\uFEFF${text}`);
    case 'utf-16le-bom':
      return new Uint8Array(iconv.encode(`\uFEFF${text}`, 'utf-16le'));
    case 'utf-8':
      return new TextEncoder().encode(text);
    default:
      return new Uint8Array(iconv.encode(text, encoding));
  }
}

describe('the ingest path (property): data or a clear error, never a crash or a hang', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });

  it('arbitrary bytes under any file name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          // Bytes behind a real magic number reach the converters rather than stopping early.
          fc
            .tuple(
              fc.constantFrom([0x50, 0x4b, 0x03, 0x04], [0x50, 0x41, 0x52, 0x31], [0x1f, 0x8b]),
              fc.uint8Array({ maxLength: 600 }),
            )
            .map(([magic, rest]) => new Uint8Array([...magic, ...rest])),
        ),
        fc.constantFrom(...NAMES),
        async (bytes, name) => {
          await ingest(engine, bytes, name);
        },
      ),
      { numRuns: 400 },
    );
  }, 300_000);

  it('reads a quoted CR whole in a file whose lines end in CR (found by the property below)', async () => {
    const csv = 'customer_id;order_date;amount;invoice\r1;2024-03-05;¥1,234.50;"\ra\r";1\r';
    const outcome = await ingest(engine, new TextEncoder().encode(csv), 'shape.csv');
    expect(outcome).toEqual({ kind: 'analysed', rowsRead: 1 });
  });

  it('arbitrary CSV shapes, delimiters, quoting, line ends and encodings', async () => {
    const kinds = { analysed: 0, loaded: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const lines = [t.header, ...t.rows].map((row: readonly string[]) =>
          row.map((v) => quoteCell(v, t.delimiter, t.quoteAll)).join(t.delimiter),
        );
        const bytes = encode(lines.join(t.lineEnd) + t.lineEnd, t.encoding);
        const name = t.delimiter === '\t' ? 'shape.tsv' : 'shape.csv';
        const outcome = await ingest(engine, bytes, name);
        kinds[outcome.kind]++;
        if (outcome.kind === 'analysed') {
          // Never more rows than the file has lines after the header.
          expect(outcome.rowsRead).toBeLessThanOrEqual(t.rows.length);
        }
      }),
      { numRuns: 150 },
    );
    // The generator must reach the analysis often enough for the invariants to mean something.
    expect(kinds.analysed).toBeGreaterThan(30);
  }, 300_000);
});
