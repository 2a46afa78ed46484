import type { Table } from 'apache-arrow';
import {
  classifyAttribute,
  kindFromName,
  unusableAttribute,
} from '../../src/analysis/attributeKinds';
import {
  attributeBreakdownSql,
  attributeCrossTabSql,
  attributeFactsSql,
  attributeGroupsSql,
  type GroupKind,
} from '../../src/analysis/attributeSql';
import { clusterTraits, duplicateRanks } from '../../src/analysis/clusterNames';
import {
  clusterFeaturesSql,
  clusterProfileSql,
  clusterTableSql,
} from '../../src/analysis/clusterSql';
import { FIELDS, type ColumnMapping } from '../../src/analysis/mapping';
import { headerScore } from '../../src/ingest/headerGuess';
import {
  clusterKeysSql,
  groupKeysSql,
  personaDominantSql,
  personaProductsSql,
  personaSummarySql,
  personaTrendSql,
  segmentKeysSql,
} from '../../src/analysis/personaSql';
import { segmentKeysOf, type SegmentKey, type SegmentScheme } from '../../src/analysis/segments';
import { tableName } from '../../src/analysis/sql';
import { customerAttributeSql, type AttributeRef } from '../../src/analysis/valueAttributesSql';
import { EngineError } from '../../src/engine/errors';
import type {
  AttributeBreakdown,
  AttributeGroup,
  ClusterFit,
  ClusterInputs,
  GroupFacts,
  ClusterOptions,
  ClusterProfile,
  ClusterResult,
  CustomerAttribute,
  Persona,
  PersonaRequest,
  PersonaResult,
} from '../../src/engine/types';
import type { ProfiledColumn } from '../../src/ingest/profile';
import { DEFAULT_CHOOSE_K } from '../../src/models/kmeans';
import type { Engine } from '../engine';
import type { SqlRunner } from '../sqlRunner';

/** What segmentation reads about an analysed dataset beyond its tables' names. */
export interface SegmentationDataset {
  datasetId: number;
  asOf: string;
  columns: ProfiledColumn[];
  /** Columns of the joined customer list, or null without one. */
  listColumns: string[] | null;
  mapping: ColumnMapping;
  /** `value_<id>` holds values for this analysis. */
  valued: boolean;
  /** `cluster_<id>` holds clusters of this analysis. */
  clustered: boolean;
}

/** Bounds on what the UI may ask for. */
const MAX_CLUSTER_ATTRIBUTES = 5;
const MAX_DESCRIBED = 8;
const TOP_PRODUCTS = 3;
const K_RANGE = { kMin: 2, kMax: 8 } as const;

const tables = (ds: SegmentationDataset) => {
  const t = (p: Parameters<typeof tableName>[0]) => tableName(p, ds.datasetId);
  return {
    tx: t('tx'),
    raw: t('raw'),
    rfm: t('rfm'),
    params: t('params'),
    value: ds.valued ? t('value') : null,
    attrs: ds.listColumns ? t('attrs') : null,
    cluster: t('cluster'),
  };
};

function attributeSql(ds: SegmentationDataset, ref: AttributeRef): string {
  const t = tables(ds);
  return customerAttributeSql({
    ref,
    txTable: t.tx,
    rawTable: t.raw,
    attrsTable: t.attrs,
    asCustomerId: false,
  });
}

function mappedColumns(mapping: ColumnMapping): Set<number> {
  return new Set(Object.values(mapping).filter((v): v is number => v !== null));
}

/** A ref and binning the dataset has; anything else is refused. */
function checkAttribute(ds: SegmentationDataset, a: CustomerAttribute): CustomerAttribute {
  const { ref } = a;
  const ok =
    Number.isInteger(ref.column) &&
    ref.column >= 0 &&
    (ref.source === 'orders'
      ? ref.column < ds.columns.length
      : ref.source === 'customers' && ref.column < (ds.listColumns?.length ?? 0)) &&
    ['age', 'quantile', 'values'].includes(a.binning);
  if (!ok) throw new EngineError('engine_failed', { message: 'invalid attribute' });
  return a;
}

/**
 * Columns that can describe customers: the orders' unmapped columns that are not dates and do not
 * name an order role (an unmapped product description or price says nothing about the customer),
 * and every column of the customer list; each classified (kind, family, binning) from its name and values.
 * Empty columns, one-value columns and per-customer identifiers are left out.
 */
export async function listAttributes(
  sql: SqlRunner,
  ds: SegmentationDataset,
): Promise<CustomerAttribute[]> {
  const t = tables(ds);
  const mapped = mappedColumns(ds.mapping);
  const candidates: { ref: AttributeRef; name: string }[] = [
    ...ds.columns
      .filter(
        (c) =>
          !mapped.has(c.index) &&
          c.dateShare < 0.8 &&
          (kindFromName(c.name) !== null || FIELDS.every((f) => headerScore(c.name, f) === 0)),
      )
      .map((c) => ({ ref: { source: 'orders' as const, column: c.index }, name: c.name })),
    ...(ds.listColumns ?? []).map((name, column) => ({
      ref: { source: 'customers' as const, column },
      name,
    })),
  ];
  const { n: customers } = await sql.row<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM ${t.rfm}`,
  );
  const out: CustomerAttribute[] = [];
  for (const c of candidates) {
    const f = await sql.row<{
      filled: number;
      distinct_values: number;
      numbers: number;
      top_values: string[] | { toArray(): string[] };
    }>(attributeFactsSql({ attributeSql: attributeSql(ds, c.ref), rfmTable: t.rfm }));
    const topValues = Array.isArray(f.top_values) ? f.top_values : [...f.top_values.toArray()];
    const facts = {
      name: c.name,
      filled: f.filled,
      distinctValues: f.distinct_values,
      numericShare: f.filled > 0 ? f.numbers / f.filled : 0,
      topValues,
    };
    if (unusableAttribute(facts, customers)) continue;
    out.push({
      ref: c.ref,
      name: c.name,
      ...classifyAttribute(facts),
      filled: f.filled,
      distinctValues: f.distinct_values,
    });
  }
  return out;
}

/** The engine's row of what a group of customers amounts to (attribute group or cluster). */
type RawFacts = {
  customers: number;
  customer_share: number;
  revenue: number;
  revenue_share: number | null;
  historical_value: number | null;
  total_value: number | null;
  value_share: number | null;
  mean_recency_days: number;
  mean_frequency: number;
  mean_monetary: number;
  mean_r: number;
  mean_f: number;
  mean_m: number;
};

type RawGroup = RawFacts & {
  grp_order: number;
  grp_kind: GroupKind;
  grp: string | null;
  lo: number | null;
  hi: number | null;
};

function factsOf(r: RawFacts): GroupFacts {
  return {
    customers: r.customers,
    customerShare: r.customer_share,
    revenue: r.revenue,
    revenueShare: r.revenue_share,
    historicalValue: r.historical_value,
    totalValue: r.total_value,
    valueShare: r.value_share,
    meanRecencyDays: r.mean_recency_days,
    meanFrequency: r.mean_frequency,
    meanMonetary: r.mean_monetary,
    meanR: r.mean_r,
    meanF: r.mean_f,
    meanM: r.mean_m,
  };
}

function groupOf(r: RawGroup): AttributeGroup {
  return { order: r.grp_order, kind: r.grp_kind, group: r.grp, lo: r.lo, hi: r.hi, ...factsOf(r) };
}

function groupsSqlOf(ds: SegmentationDataset, a: CustomerAttribute): string {
  return attributeGroupsSql({
    attributeSql: attributeSql(ds, a.ref),
    rfmTable: tables(ds).rfm,
    binning: a.binning,
  });
}

async function attributeGroups(sql: SqlRunner, ds: SegmentationDataset, a: CustomerAttribute) {
  const t = tables(ds);
  const rows = await sql.rows<RawGroup>(
    attributeBreakdownSql({ groupsSql: groupsSqlOf(ds, a), rfmTable: t.rfm, valueTable: t.value }),
  );
  return rows.map(groupOf);
}

/**
 * Every customer's group of one attribute (its display order, 1-based) as Arrow IPC, in customer-id
 * order like the value map's points: the attribute's groups become segments in every view.
 */
export async function attributeGroupOrders(
  sql: SqlRunner,
  ds: SegmentationDataset,
  attribute: CustomerAttribute,
): Promise<Uint8Array> {
  const a = checkAttribute(ds, attribute);
  return sql.run(`SELECT grp_order FROM (${groupsSqlOf(ds, a)}) ORDER BY customer_id`);
}

/** Value and RFM per group of one attribute, and the segment × group cross-tab. */
export async function attributeBreakdown(
  sql: SqlRunner,
  ds: SegmentationDataset,
  attribute: CustomerAttribute,
  scheme: SegmentScheme,
): Promise<AttributeBreakdown> {
  const a = checkAttribute(ds, attribute);
  const t = tables(ds);
  const groups = await attributeGroups(sql, ds, a);
  const crossTab = await sql.rows<{
    grp_order: number;
    segment: SegmentKey;
    customers: number;
    revenue: number;
  }>(attributeCrossTabSql({ groupsSql: groupsSqlOf(ds, a), rfmTable: t.rfm, scheme }));
  return {
    datasetId: ds.datasetId,
    asOf: ds.asOf,
    attribute: a,
    scheme,
    valued: ds.valued,
    groups,
    crossTab: crossTab.map((c) => ({
      order: c.grp_order,
      segment: c.segment,
      customers: c.customers,
      revenue: c.revenue,
    })),
  };
}

function column(table: Table, name: string): Float64Array {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`missing column ${name}`);
  return Float64Array.from(vector.toArray() as ArrayLike<number>, Number);
}

/**
 * k-means on the customers of an analysed dataset, engine side: the standardised features in SQL
 * (`cluster_<id>_features`), handed out as a row-major matrix with each customer's spend for the
 * compute worker, which chooses k and fits (src/compute/jobs.ts).
 */
async function clusterInputs(
  engine: Engine,
  datasetId: number,
  options: ClusterOptions,
): Promise<ClusterInputs> {
  const ds = segmentationDataset(engine, datasetId);
  const dataset = engine.analysed(datasetId);
  const { sql } = engine;
  sql.beginStep('clusters');
  if (
    options.k !== null &&
    !(Number.isInteger(options.k) && options.k >= K_RANGE.kMin && options.k <= K_RANGE.kMax)
  )
    throw new EngineError('engine_failed', {
      message: `k must be ${K_RANGE.kMin}–${K_RANGE.kMax}`,
    });
  const attributes = options.attributes.slice(0, MAX_CLUSTER_ATTRIBUTES).map((a) => {
    checkAttribute(ds, a);
    if (!a.numeric) throw new EngineError('engine_failed', { message: 'non-numeric feature' });
    return a;
  });
  const ticket = dataset.starting(sql, 'clusters');
  const t = tables(ds);
  const features = `${t.cluster}_features`;
  const attributeSqls = attributes.map((a) => attributeSql(ds, a.ref));
  await sql.run(clusterFeaturesSql({ rfmTable: t.rfm, attributeSqls, outTable: features }));
  const d = 3 + attributes.length;
  const z = Array.from({ length: d }, (_, j) => `z${j}`);
  const table = await sql.table(`SELECT monetary, ${z.join(', ')} FROM ${features} ORDER BY k`);
  const n = table.numRows;
  if (n < 3) throw new EngineError('engine_failed', { message: 'at least 3 customers are needed' });
  const data = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const values = column(table, `z${j}`);
    for (let i = 0; i < n; i++) data[i * d + j] = values[i] as number;
  }
  return {
    ticket,
    attributes,
    matrix: { data, n, d },
    monetary: column(table, 'monetary'),
    range: { ...K_RANGE, fixedK: options.k },
  };
}

/**
 * k-means, engine side again: the compute worker's clusters (numbered by mean spend) into
 * `cluster_<id>` (customer_id, cluster), then each cluster's profile and name.
 */
async function clusterFinish(
  engine: Engine,
  datasetId: number,
  inputs: Pick<ClusterInputs, 'ticket' | 'attributes'> & { k: number | null },
  fit: ClusterFit,
): Promise<ClusterResult> {
  const started = performance.now();
  const ds = segmentationDataset(engine, datasetId);
  const dataset = engine.analysed(datasetId);
  dataset.checkTicket('clusters', inputs.ticket);
  const { sql } = engine;
  sql.beginStep('clusters', true);
  const t = tables(ds);
  const features = `${t.cluster}_features`;
  const labels = `${t.cluster}_labels`;
  const { attributes } = inputs;
  const attributeSqls = attributes.map((a) => attributeSql(ds, a.ref));
  const n = fit.cluster.length;
  try {
    sql.insertColumns(labels, {
      k: Int32Array.from({ length: n }, (_, i) => i),
      cluster: fit.cluster,
    });
    await sql.run(
      clusterTableSql({ featuresTable: features, labelsTable: labels, outTable: t.cluster }),
    );
    type Raw = RawFacts & { cluster: number } & Record<`attr${number}`, number | null>;
    const profiles = await sql.rows<Raw>(
      clusterProfileSql({
        clusterTable: t.cluster,
        rfmTable: t.rfm,
        valueTable: t.value,
        attributeSqls,
      }),
    );
    const d = fit.centroids.length / fit.k;
    const centroidOf = (c: number) => Array.from(fit.centroids.subarray((c - 1) * d, c * d));
    const traits = profiles.map((p) => {
      const [r, f, m] = centroidOf(p.cluster) as [number, number, number];
      return clusterTraits([r, f, m], p.mean_frequency);
    });
    const duplicates = duplicateRanks(traits);
    const clusters: ClusterProfile[] = profiles.map((p, i) => ({
      cluster: p.cluster,
      traits: traits[i]!,
      duplicate: duplicates[i]!,
      ...factsOf(p),
      attributeMeans: attributes.map((_, j) => p[`attr${j}`] ?? null),
      centroid: centroidOf(p.cluster),
    }));
    dataset.completed('clusters', dataset.asOf);
    return {
      datasetId,
      asOf: ds.asOf,
      options: { k: inputs.k, attributes },
      k: fit.k,
      chosenBy: inputs.k === null ? 'silhouette' : 'analyst',
      scores: fit.scores,
      customers: n,
      sampled: n > DEFAULT_CHOOSE_K.fitSample ? DEFAULT_CHOOSE_K.fitSample : null,
      clusters,
      valued: ds.valued,
      fitMs: fit.ms,
      totalMs: fit.ms + performance.now() - started,
    };
  } finally {
    sql.runNow(`DROP TABLE IF EXISTS ${features}`);
    sql.runNow(`DROP TABLE IF EXISTS ${labels}`);
  }
}

/**
 * Persona cards: one per segment of the scheme, per cluster, or per group of an attribute — size,
 * value, medians, the dominant value of each described attribute, top products (when a product
 * column is mapped) and the last months' activity.
 */
export async function personas(
  sql: SqlRunner,
  ds: SegmentationDataset,
  request: PersonaRequest,
): Promise<PersonaResult> {
  const t = tables(ds);
  const describe = request.describe.slice(0, MAX_DESCRIBED).map((a) => checkAttribute(ds, a));
  let keysSql: string;
  let groups: AttributeGroup[] | null = null;
  if (request.basis === 'segments') keysSql = segmentKeysSql(t.rfm, request.scheme);
  else if (request.basis === 'clusters') {
    if (!ds.clustered) throw new EngineError('engine_failed', { message: 'no clusters yet' });
    keysSql = clusterKeysSql(t.cluster);
  } else {
    if (!request.attribute) throw new EngineError('engine_failed', { message: 'no attribute' });
    const a = checkAttribute(ds, request.attribute);
    keysSql = groupKeysSql(groupsSqlOf(ds, a));
    groups = await attributeGroups(sql, ds, a);
  }
  type RawSummary = {
    persona: string;
    customers: number;
    customer_share: number;
    revenue: number;
    revenue_share: number | null;
    total_value: number | null;
    value_share: number | null;
    median_recency_days: number;
    median_frequency: number;
    median_monetary: number;
    median_order_value: number;
  };
  const summary = await sql.rows<RawSummary>(
    personaSummarySql({ keysSql, rfmTable: t.rfm, valueTable: t.value }),
  );
  const byKey = new Map<string, Persona>(
    summary.map((s) => [
      s.persona,
      {
        key: s.persona,
        customers: s.customers,
        customerShare: s.customer_share,
        revenue: s.revenue,
        revenueShare: s.revenue_share,
        totalValue: s.total_value,
        valueShare: s.value_share,
        medianRecencyDays: s.median_recency_days,
        medianFrequency: s.median_frequency,
        medianMonetary: s.median_monetary,
        medianOrderValue: s.median_order_value,
        dominant: describe.map(() => null),
        products: [],
        trend: [],
      },
    ]),
  );
  for (const [j, a] of describe.entries()) {
    const rows = await sql.rows<{
      persona: string;
      grp_kind: GroupKind;
      grp: string | null;
      share: number;
      overall_share: number;
      lo: number | null;
      hi: number | null;
    }>(personaDominantSql({ keysSql, groupsSql: groupsSqlOf(ds, a) }));
    for (const r of rows) {
      const p = byKey.get(r.persona);
      if (p)
        p.dominant[j] = {
          kind: r.grp_kind,
          group: r.grp,
          lo: r.lo,
          hi: r.hi,
          share: r.share,
          overallShare: r.overall_share,
        };
    }
  }
  const product = ds.mapping.product;
  if (product !== null) {
    const rows = await sql.rows<{
      persona: string;
      product: string;
      buyers: number;
      buyer_share: number;
      revenue: number;
    }>(
      personaProductsSql({
        keysSql,
        txTable: t.tx,
        rawTable: t.raw,
        paramsTable: t.params,
        productColumn: product,
        top: TOP_PRODUCTS,
      }),
    );
    for (const r of rows)
      byKey.get(r.persona)?.products.push({
        product: r.product,
        buyers: r.buyers,
        buyerShare: r.buyer_share,
        revenue: r.revenue,
      });
  }
  const trend = await sql.rows<{
    persona: string;
    month: string;
    customers: number;
    revenue: number;
  }>(personaTrendSql({ keysSql, txTable: t.tx, paramsTable: t.params, months: request.months }));
  for (const r of trend)
    byKey.get(r.persona)?.trend.push({
      month: r.month,
      customers: r.customers,
      revenue: r.revenue,
    });
  const order =
    request.basis === 'segments'
      ? (key: string) => segmentKeysOf(request.scheme).indexOf(key as SegmentKey)
      : (key: string) => Number(key);
  return {
    datasetId: ds.datasetId,
    asOf: ds.asOf,
    request: { ...request, describe },
    valued: ds.valued,
    hasProducts: product !== null,
    personas: [...byKey.values()].sort((a, b) => order(a.key) - order(b.key)),
    groups,
  };
}

/** What segmentation reads of an analysed dataset. */
function segmentationDataset(engine: Engine, datasetId: number): SegmentationDataset {
  const dataset = engine.analysed(datasetId);
  if (!dataset.typed) throw new EngineError('unknown_dataset', { datasetId });
  return {
    datasetId,
    asOf: dataset.asOf,
    columns: dataset.columns,
    listColumns: dataset.attributes?.columns ?? null,
    mapping: dataset.typed.mapping,
    valued: dataset.isCurrent('value'),
    clustered: dataset.isCurrent('clusters'),
  };
}

/** The worker's API of this step (workers/api.ts). */
export const methods = {
  /** Columns that can describe customers, classified. */
  attributes: (engine: Engine, datasetId: number) =>
    listAttributes(engine.sql, segmentationDataset(engine, datasetId)),
  /** Every customer's group of an attribute, in the points' order. */
  groupOrders: (engine: Engine, datasetId: number, attribute: CustomerAttribute) =>
    attributeGroupOrders(engine.sql, segmentationDataset(engine, datasetId), attribute),
  /** Value and RFM per group of one attribute, and the segment × group cross-tab. */
  breakdown: (
    engine: Engine,
    datasetId: number,
    attribute: CustomerAttribute,
    scheme: SegmentScheme,
  ) => {
    const ds = segmentationDataset(engine, datasetId);
    engine.sql.beginStep('breakdown');
    return attributeBreakdown(engine.sql, ds, attribute, scheme);
  },
  clusterInputs,
  clusterFinish,
  /** Persona cards per segment, cluster or attribute group. */
  personas: (engine: Engine, datasetId: number, request: PersonaRequest) => {
    const ds = segmentationDataset(engine, datasetId);
    engine.sql.beginStep('personas');
    return personas(engine.sql, ds, request);
  },
};
