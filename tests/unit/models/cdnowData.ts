import { readFileSync } from 'node:fs';
import type { DayTransaction } from '../../../src/models/summary';

/** Day number (days since 1970-01-01) of a YYYYMMDD date. */
export function dayOf(yyyymmdd: string): number {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** End of the CDNOW calibration period, 1997-09-30 (39 weeks after 1997-01-01). */
export const CDNOW_AS_OF = dayOf('19970930');

/** CDNOW_sample.txt: `master_id sample_id date cds dollars`, whitespace separated, CRLF. */
export function readCdnowSample(path: string): DayTransaction[] {
  const out: DayTransaction[] = [];
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    out.push({
      customerId: String(Number(f[1])),
      day: dayOf(f[2] as string),
      amount: Number(f[4]),
    });
  }
  return out;
}

export interface CdnowSummaryRow {
  id: string;
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

/** cdnow_customers_summary_with_transactions.csv: `ID,x,t_x,T,zbar`. */
export function readCdnowSummary(path: string): CdnowSummaryRow[] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  return lines.slice(1).map((line) => {
    const [id, x, tx, T, zbar] = line.split(',');
    return { id: String(id), x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) };
  });
}
