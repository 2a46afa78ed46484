import { tableFromIPC, type Table } from 'apache-arrow';
import type { CustomerPoints } from './points';

/** Category text → small integer codes, with the keys in a fixed order first (known keys). */
function codes(
  column: ArrayLike<unknown> & Iterable<unknown>,
  known: readonly string[],
): {
  codes: Int8Array;
  keys: string[];
} {
  const keys = [...known];
  const index = new Map(keys.map((k, i) => [k, i]));
  const out = new Int8Array(column.length);
  let i = 0;
  for (const value of column) {
    if (value === null || value === undefined) {
      out[i++] = -1;
      continue;
    }
    const key = String(value);
    let code = index.get(key);
    if (code === undefined) {
      code = keys.length;
      keys.push(key);
      index.set(key, code);
    }
    out[i++] = code;
  }
  return { codes: out, keys };
}

function doubles(table: Table, name: string): Float64Array {
  const column = table.getChild(name);
  if (!column) throw new Error(`Points lack column ${name}`);
  const out = new Float64Array(table.numRows);
  let i = 0;
  for (const v of column) out[i++] = v === null ? Number.NaN : Number(v);
  return out;
}

/** Clusters are numbered 1..k: code = number − 1, so codes follow the clusters' order. */
function clusterCodes(table: Table): { codes: Int8Array; k: number } | null {
  const column = table.getChild('cluster');
  if (!column) return null;
  const out = new Int8Array(table.numRows);
  let k = 0;
  let i = 0;
  for (const v of column) {
    const n = v === null ? 0 : Number(v);
    out[i++] = n - 1;
    if (n > k) k = n;
  }
  return { codes: out, k };
}

function bytes(table: Table, name: string): Uint8Array {
  return Uint8Array.from(doubles(table, name));
}

/** What fixes the points' identity and category codes. */
export interface PointsMeta {
  datasetId: number;
  asOf: string;
  segmentKeys: readonly string[];
  tierKeys: readonly string[];
  stageKeys: readonly string[];
}

/** The columns later steps add to the points: null for a step whose columns are not there. */
export type PointExtras = Pick<CustomerPoints, 'value' | 'stage' | 'cluster'>;

/** The engine's points (pointsSql) as typed columns; key orders fix the category codes. */
export function decodePoints(ipc: Uint8Array, meta: PointsMeta): CustomerPoints {
  const table = tableFromIPC(ipc);
  const n = table.numRows;
  const ids = (table.getChild('customer_id')?.toArray() ?? []) as string[];
  const segmentColumn = table.getChild('segment');
  const segment = codes(segmentColumn ? [...segmentColumn] : [], meta.segmentKeys);
  return {
    datasetId: meta.datasetId,
    asOf: meta.asOf,
    n,
    ids: Array.from(ids, String),
    recencyDays: doubles(table, 'recency_days'),
    frequency: doubles(table, 'frequency'),
    monetary: doubles(table, 'monetary'),
    rScore: bytes(table, 'r_score'),
    fScore: bytes(table, 'f_score'),
    mScore: bytes(table, 'm_score'),
    segment: segment.codes,
    segmentKeys: segment.keys,
    ...extrasOf(table, meta),
  };
}

/** Columns a step added later (pointsSql without the base), in the same customer order. */
export function decodePointExtras(ipc: Uint8Array, meta: PointsMeta): PointExtras {
  return extrasOf(tableFromIPC(ipc), meta);
}

function extrasOf(table: Table, meta: PointsMeta): PointExtras {
  const column = (name: string) => {
    const c = table.getChild(name);
    return c ? [...c] : null;
  };
  const tierColumn = column('value_tier');
  const stageColumn = column('stage');
  return {
    value: tierColumn
      ? (() => {
          const tier = codes(tierColumn, meta.tierKeys);
          return {
            historical: doubles(table, 'historical_value'),
            current: doubles(table, 'current_value'),
            predicted: doubles(table, 'predicted_value'),
            total: doubles(table, 'total_value'),
            pAlive: doubles(table, 'p_alive'),
            tier: tier.codes,
            tierKeys: tier.keys,
          };
        })()
      : null,
    stage: stageColumn ? codes(stageColumn, meta.stageKeys) : null,
    cluster: clusterCodes(table),
  };
}

/** An attribute's group orders (1-based, in the points' order) as codes: order − 1. */
export function decodeGroupOrders(ipc: Uint8Array): Int8Array {
  const column = tableFromIPC(ipc).getChild('grp_order');
  if (!column) throw new Error('Group orders lack grp_order');
  const out = new Int8Array(column.length);
  let i = 0;
  for (const v of column) out[i++] = v === null ? -1 : Number(v) - 1;
  return out;
}

/** Positions of the selected points, for the engine (Engine.setSelection). */
export function selectedPositions(mask: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  const out = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[j++] = i;
  return out;
}

/** A mask selecting the points where `test(i)` holds. */
export function maskWhere(n: number, test: (i: number) => boolean): Uint8Array {
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (test(i)) mask[i] = 1;
  return mask;
}
