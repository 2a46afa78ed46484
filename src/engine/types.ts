import type { ColumnMapping } from '../analysis/mapping';
import type { IngestPolicy } from '../analysis/policy';
import type { QualityEffect, QualityRuleKey } from '../analysis/quality';
import type { SegmentKey, SegmentScheme } from '../analysis/segments';
import type { SortColumn } from '../analysis/customers';
import type { PlaybookExportRow } from '../analysis/playbook';
import type { ProfiledColumn } from '../ingest/profile';
import type { DateFamily } from '../ingest/dateFormats';
import type { FileFormat } from '../ingest/formats/detectFormat';
import type { DelimiterInfo } from '../ingest/delimiter';
import type { SourceEncoding } from '../ingest/encoding';
import type { EncodingInfo } from '../ingest/source';
import type { Locale } from '../i18n/locales';
import type { TierCuts } from '../analysis/valueSql';
import type { AttributeRef } from '../analysis/valueAttributesSql';
import type { ModelScore } from '../models/clv';
import type { FitReport, ModelProblem } from '../models/customerValue';
import type { TimeUnit } from '../models/summary';
import type { LifecycleRules } from '../analysis/lifecycleRules';
import type { CohortPeriod, LifecyclePeriod } from '../analysis/lifecycleSql';
import type { PurchaseModel } from '../models/clv';
import type { FrequencyBin, HoldoutErrors } from '../models/holdout';
import type { KScore } from '../models/kmeans';
import type { ValueMethod } from '../models/customerValue';

/** A file loaded into the engine as text columns, waiting for (or having) a mapping. */
export interface LoadedDataset {
  datasetId: number;
  /** The file's name, or the names joined with ' + ' when several files were combined. */
  fileName: string;
  /** Format, encoding and sheets of the (first) orders file: what the analyst can override. */
  format: FileFormat;
  encoding: EncodingInfo | null;
  sheets: string[] | null;
  sheet: string | null;
  /** The delimiter when not left to DuckDB's sniffer (whitespace runs found, or chosen). */
  delimiter: DelimiterInfo | null;
  /** An example of text that looks wrongly decoded (mojibake), or null when the text reads clean. */
  garbled: string | null;
  /** The order files appended into this dataset, in order. */
  files: { name: string; rows: number; format: FileFormat; encoding: SourceEncoding | null }[];
  /** The customer list joined on the customer id, when one was dropped with the orders. */
  attributes: AttributeSource | null;
  rowCount: number;
  columns: ProfiledColumn[];
  /** The engine's guess for each role; the analyst confirms or corrects it. */
  guess: ColumnMapping;
  /** The first rows as text, for the mapping preview. */
  preview: (string | null)[][];
}

/** A customer list (one row per customer) whose other columns describe each customer. */
export interface AttributeSource {
  fileName: string;
  /** The column holding the customer id. */
  key: string;
  /** The other columns, as named in the file. */
  columns: string[];
  rows: number;
  /** Distinct non-empty ids (rows beyond the first of an id are not used). */
  customers: number;
}

export interface AnalysisOptions {
  /** 'YYYY-MM-DD'; null = the day after the last valid order. */
  asOf: string | null;
  scheme: SegmentScheme;
  /** Returns, cancellations, duplicates and non-product lines; omitted = DEFAULT_POLICY. */
  policy?: IngestPolicy;
  /** The analyst's reading of the date column (e.g. D/M/Y); omitted or null = as profiled. */
  dateFamily?: DateFamily | null;
}

export interface Summary {
  rowsRead: number;
  rowsValid: number;
  rowsAfterAsOf: number;
  refundRows: number;
  /** Customers with valid rows before the as-of date but no purchase (only refunds or zero amounts). */
  customersWithoutPurchase: number;
  customers: number;
  orders: number;
  revenue: number;
  firstDay: string | null;
  lastDay: string | null;
}

/** One example row of a data-quality rule, as the file wrote it. */
export interface QualitySample {
  /** Data row (1-based, header excluded) for typed rows; file line for malformed rows. */
  sourceRow: number;
  customerText: string | null;
  dateText: string | null;
  /** The amount, or `quantity × unit price`, as written. */
  amountText: string | null;
  orderText: string | null;
  productText: string | null;
  /** The reader's complaint and the raw line, for rows the CSV reader rejected. */
  rawLine: string | null;
}

/** A rule of the data-quality report that fired, with its count and effect. */
export interface QualityRule {
  rule: QualityRuleKey;
  effect: QualityEffect;
  rows: number;
  /** Of the rows read (typed rows plus malformed lines). */
  share: number;
  /** Sum of the rows' parsed amounts; null when none could be read. */
  amount: number | null;
  /** Distinct customers among the rows; null when the rows have no customer id. */
  customers: number | null;
  /** The first rows (at most five), in file order. */
  samples: QualitySample[];
}

export interface QualityReport {
  /** Typed rows plus malformed lines: the denominator of every share. */
  rowsRead: number;
  /** The rules that fired, in the order of QUALITY_RULES. */
  rules: QualityRule[];
  /** The policy the analysis applied (validated and tidied). */
  policy: IngestPolicy;
}

export interface SegmentRow {
  segment: SegmentKey;
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number;
  meanR: number | null;
  meanF: number | null;
  meanM: number | null;
  meanRecencyDays: number | null;
  meanFrequency: number | null;
  meanMonetary: number | null;
}

export interface GridCell {
  r: number;
  fm: number;
  customers: number;
  revenue: number;
  segment: SegmentKey | null;
}

export interface SegmentView {
  scheme: SegmentScheme;
  /** Every segment of the scheme, in the scheme's order, empty ones included. */
  segments: SegmentRow[];
  /** All 25 cells, R-major, empty ones included. */
  grid: GridCell[];
}

export interface AnalysisResult extends SegmentView {
  datasetId: number;
  asOf: string;
  mapping: ColumnMapping;
  /** How the order dates were read. */
  dateFamily: DateFamily;
  /** The as-of date an analysis without a chosen one uses (the day after the last valid order). */
  defaultAsOf: string;
  summary: Summary;
  quality: QualityReport;
}

export interface CustomerPageRequest {
  scheme: SegmentScheme;
  segment: SegmentKey | null;
  sort: SortColumn;
  descending: boolean;
  offset: number;
  limit: number;
  /** Only the customers of the current selection (see Engine.setSelection). */
  selected?: boolean;
}

export interface ExportRequest {
  scheme: SegmentScheme;
  locale: Locale;
  /** The strategy playbook's action per segment, stage and tier, in the export's language. */
  playbook?: PlaybookExportRow[];
  /** Only the customers of the current selection (see setSelection); else every customer. */
  selected?: boolean;
  /** Only the customers of this segment of `scheme` (a drill-down); null = every segment. */
  segment?: SegmentKey | null;
}

/** Where the engine is in a long call, for the progress display. */
export type Stage =
  | 'decoding'
  | 'decompressing'
  | 'transcoding'
  | 'converting'
  | 'parsing'
  | 'profiling'
  | 'typing'
  | 'scoring'
  | 'summarising'
  | 'fitting'
  | 'valuing';

/** The analyst's value settings. */
export interface ValueOptions {
  unit: TimeUnit;
  /** Horizon of the predicted (potential) value, in months. */
  horizonMonths: number;
  monthlyDiscountRate: number;
  /** Share of revenue that is profit; 1 = values in revenue. */
  margin: number;
  /** Days of the recent window behind the current value. */
  windowDays: number;
  tiers: TierCuts;
  purchaseModel: 'auto' | 'bgnbd' | 'paretonbd';
  /** The customer's acquisition channel, for value and CLV/CAC by channel. */
  channel: AttributeRef | null;
  /** Who referred the customer (a customer id), for referral value. */
  referrer: AttributeRef | null;
  /** An orders column with each row's cost: historical value becomes profit. */
  costColumn: number | null;
  /** An orders column with each row's margin (0.35, 35 or 35%): the alternative to a cost column. */
  marginColumn: number | null;
  /** Each customer's acquisition cost, from the orders or the customer list. */
  cacColumn: AttributeRef | null;
  /** Acquisition cost per new customer, entered per channel. */
  cac: { channel: string; cac: number }[];
}

export const DEFAULT_VALUE_OPTIONS: ValueOptions = {
  unit: 'weeks',
  horizonMonths: 12,
  monthlyDiscountRate: 0.01,
  margin: 1,
  windowDays: 90,
  tiers: { high: 0.2, mid: 0.3 },
  purchaseModel: 'auto',
  channel: null,
  referrer: null,
  costColumn: null,
  marginColumn: null,
  cacColumn: null,
  cac: [],
};

export interface ChannelValue {
  /** null: customers without a channel. */
  channel: string | null;
  customers: number;
  meanHistorical: number;
  meanPredicted: number | null;
  meanTotal: number;
  /** Entered for the channel, else the mean of the CAC column over its customers. */
  cac: number | null;
  clvToCac: number | null;
}

export type ValueGroupColumn =
  'value_tier' | 'value_class' | 'value_quadrant' | 'behaviour' | 'referral_class';

export interface ValueGroup {
  group: string;
  customers: number;
  customerShare: number;
  historicalValue: number;
  currentValue: number;
  predictedValue: number;
  totalValue: number;
  valueShare: number | null;
  meanPAlive: number | null;
}

export interface ValueResult {
  datasetId: number;
  asOf: string;
  options: ValueOptions;
  /**
   * 'model': a purchase model was fitted; 'heuristic': the labelled fallback; 'none': too little
   * history to predict, so predicted value, expected purchases and spend are not given (NULL).
   */
  method: ValueMethod;
  purchaseModel: 'bgnbd' | 'paretonbd' | 'nbd' | null;
  /** Gamma-Gamma gave expected spend; else each customer's mean order value. */
  spendModel: boolean;
  fits: FitReport[];
  scores: ModelScore[];
  problems: ModelProblem[];
  frequencySpendCorrelation: number | null;
  totals: { historical: number; current: number; predicted: number | null; total: number };
  /** The margin applied: the setting, or profit ÷ revenue from the cost column. */
  /** source 'cost': from the cost or margin column. */
  margin: { value: number; source: 'setting' | 'cost'; rowsWithoutCost: number };
  /** referral_class is empty without a referred-by column. */
  groups: Record<ValueGroupColumn, ValueGroup[]>;
  /** Per channel, when a channel column is read. */
  channels: ChannelValue[] | null;
  /** The Pareto (Lorenz) curve of historical value: the top `pct`% of customers' share of it. */
  lorenz: { pct: number; share: number | null }[];
  /** Gini coefficient of historical value; null when nothing was earned. */
  gini: number | null;
  facts: {
    /** The top share of customers by historical value (the tier cut), and their share of revenue. */
    topShare: number;
    topShareRevenue: number | null;
    repeatRate: number;
    retentionRate: number | null;
    retentionBase: number;
  };
  fitMs: number;
}

/**
 * The value step's inputs as the engine hands them to the compute worker: each customer's summary
 * in days (in the order of `vinputs_<id>`), mean order value, and the margin in force. `ticket`
 * ties the later `finish` to this run.
 */
export interface ValueInputs {
  ticket: number;
  asOf: string;
  margin: ValueResult['margin'];
  summary: { x: Float64Array; tx: Float64Array; T: Float64Array; monetary: Float64Array };
  orderValue: Float64Array;
}

/** What the compute worker predicted for each customer, in the order of the inputs. */
export interface ValuePredictions {
  pAlive: Float64Array | null;
  expectedPurchases: Float64Array;
  expectedSpend: Float64Array;
  predictedValue: Float64Array;
}

/** What the engine computes from the predictions (the value result's SQL side). */
export type ValueTables = Pick<ValueResult, 'totals' | 'groups' | 'channels'>;

/** What the engine computes from the inputs alone, while the models are fitted. */
export type ValueFacts = Pick<ValueResult, 'lorenz' | 'gini' | 'facts'>;

/** A calibration/holdout check: the split date, with the analysis's as-of date as the end. */
export interface HoldoutOptions {
  /** 'YYYY-MM-DD': the first holdout day. */
  splitDate: string;
  unit: TimeUnit;
  purchaseModel: 'auto' | 'bgnbd' | 'paretonbd';
}

/** The engine's side of a holdout check, for the compute worker's fit and comparison. */
export interface HoldoutInputs {
  split: string;
  end: string;
  holdoutDays: number;
  /** Each customer's summary on the purchases before the split, in days. */
  calibrationDays: { x: Float64Array; tx: Float64Array; T: Float64Array };
  /** Each customer's purchases in the holdout period, in the same order. */
  actual: Float64Array;
  /** Repeat transactions per week of the holdout, as days from the split. */
  periods: { startOffset: number; endOffset: number; actual: number }[];
}

export interface HoldoutResult {
  datasetId: number;
  split: string;
  /** Exclusive end of the holdout: the analysis's as-of date. */
  end: string;
  unit: TimeUnit;
  /** The model fitted on the calibration period. */
  model: PurchaseModel;
  /** Customers with a purchase before the split (the cohort compared). */
  customers: number;
  bins: FrequencyBin[];
  errors: HoldoutErrors;
  /** Cumulative repeat transactions of the cohort, actual and expected, at the end of each week (days from the split). */
  tracking: { endOffset: number; cumulativeActual: number; cumulativeExpected: number }[];
}

/** The analyst's lifecycle settings. */
export interface LifecycleOptions {
  rules: LifecycleRules;
  /** Period of the stage history (and of the flows' dates). */
  period: LifecyclePeriod;
  cohortPeriod: CohortPeriod;
  /** The flows' two dates (ISO); null = a year before the as-of date, and the as-of date. */
  flowFrom: string | null;
  flowTo: string | null;
}

export interface StageCount {
  stage: string;
  customers: number;
  share: number;
  revenue: number;
}

export interface LifecycleResult {
  datasetId: number;
  asOf: string;
  options: LifecycleOptions;
  /** Whether P(alive) from a fitted model took part in the stages and risk bands. */
  usedPAlive: boolean;
  stages: StageCount[];
  history: { periodEnd: string; stage: string; customers: number; revenue: number }[];
  flows: {
    from: string;
    to: string;
    periodEndA: string;
    periodEndB: string;
    transitions: { from: string; to: string; customers: number }[];
  };
  cohorts: {
    cohortStart: string;
    k: number;
    cohortSize: number;
    customers: number;
    share: number;
    revenue: number;
    cumulativeRevenuePerCustomer: number;
    complete: boolean;
  }[];
  cohortMean: { k: number; share: number | null; cumulativeRevenuePerCustomer: number | null }[];
  risk: {
    band: string;
    customers: number;
    share: number;
    revenue: number;
    predictedValue: number | null;
  }[];
  /** The most valuable customers at high risk and not churned: the "can't lose them" list. */
  atRisk: {
    customerId: string;
    stage: string;
    daysSinceLast: number;
    pAlive: number | null;
    revenue: number;
    totalValue: number | null;
  }[];
  behaviour: {
    judged: number;
    declined: number;
    improved: number;
    examples: {
      customerId: string;
      declined: boolean;
      rateChange: number | null;
      spendChange: number | null;
    }[];
  };
  crossTab: { stage: string; segment: string; customers: number; revenue: number }[];
}

// ——— Segmentation: attributes, clusters, personas (workers/segmentation.ts) ———

/** A column usable as a customer attribute, classified. */
export interface CustomerAttribute {
  ref: AttributeRef;
  name: string;
  kind: import('../analysis/attributeKinds').AttributeKind;
  family: import('../analysis/attributeKinds').AttributeFamily;
  /** Read as numbers (age, income…): grouped in bands, usable as a clustering feature. */
  numeric: boolean;
  binning: import('../analysis/attributeKinds').Binning;
  /** Scored customers with a value, and their distinct values. */
  filled: number;
  distinctValues: number;
}

/** One group of customers by an attribute; `order` is its key and display order. */
/** What a group of customers (an attribute's group, a cluster) amounts to. */
export interface GroupFacts {
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number | null;
  /** Null until the value step ran for this analysis. */
  historicalValue: number | null;
  totalValue: number | null;
  valueShare: number | null;
  meanRecencyDays: number;
  meanFrequency: number;
  meanMonetary: number;
  meanR: number;
  meanF: number;
  meanM: number;
}

export interface AttributeGroup extends GroupFacts {
  order: number;
  kind: import('../analysis/attributeSql').GroupKind;
  /** The value, or the band key ('lt25', 'q1'…); null for "other" and "missing". */
  group: string | null;
  /** The lowest and highest number in the group (bands). */
  lo: number | null;
  hi: number | null;
}

export interface AttributeBreakdown {
  datasetId: number;
  asOf: string;
  attribute: CustomerAttribute;
  scheme: SegmentScheme;
  valued: boolean;
  groups: AttributeGroup[];
  /** Customers and revenue per (group order, segment), non-empty pairs only. */
  crossTab: { order: number; segment: SegmentKey; customers: number; revenue: number }[];
}

export interface ClusterOptions {
  /** null: the k in 2..8 with the best silhouette. */
  k: number | null;
  /** Numeric attributes added to the standardised log R, F, M. */
  attributes: CustomerAttribute[];
}

export interface ClusterProfile extends GroupFacts {
  /** 1..k, by mean spend, highest first (the value in `cluster_<id>`). */
  cluster: number;
  traits: import('../analysis/clusterNames').ClusterTraits;
  /** For clusters sharing traits, their rank among them (1, 2…); 0 otherwise. */
  duplicate: number;
  /** Means of the numeric attributes, in the options' order. */
  attributeMeans: (number | null)[];
  /** The centroid in standardised feature space (R, F, M, attributes). */
  centroid: number[];
}

/** The engine's side of a clustering, for the compute worker's k-means. */
export interface ClusterInputs {
  ticket: number;
  /** The numeric attributes used as features beside log R, F, M. */
  attributes: CustomerAttribute[];
  /** Standardised features, row-major (n customers × d), in the order of the features table. */
  matrix: { data: Float64Array; n: number; d: number };
  /** Each customer's spend, to number clusters from the highest spending. */
  monetary: Float64Array;
  range: { kMin: number; kMax: number; fixedK: number | null };
}

/** What the compute worker's k-means found: clusters numbered 1..k by mean spend. */
export interface ClusterFit {
  k: number;
  scores: KScore[];
  /** Each customer's cluster number, in the order of the inputs. */
  cluster: Int32Array;
  /** k × d, row c − 1 is cluster c's centroid. */
  centroids: Float64Array;
  ms: number;
}

export interface ClusterResult {
  datasetId: number;
  asOf: string;
  options: ClusterOptions;
  k: number;
  chosenBy: 'silhouette' | 'analyst';
  /** Every k tried: silhouette and inertia per customer (the elbow). */
  scores: import('../models/kmeans').KScore[];
  customers: number;
  /** Candidate fits were made on a sample of this many customers (null: on all). */
  sampled: number | null;
  clusters: ClusterProfile[];
  valued: boolean;
  fitMs: number;
  totalMs: number;
}

export type PersonaBasis = 'segments' | 'clusters' | 'attribute';

export interface PersonaRequest {
  basis: PersonaBasis;
  scheme: SegmentScheme;
  /** The attribute whose groups are the personas (basis 'attribute'). */
  attribute: CustomerAttribute | null;
  /** Attributes whose dominant value each card shows. */
  describe: CustomerAttribute[];
  months: number;
}

export interface Persona {
  /** Segment key, cluster number or group order, as text. */
  key: string;
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number | null;
  totalValue: number | null;
  valueShare: number | null;
  medianRecencyDays: number;
  medianFrequency: number;
  medianMonetary: number;
  medianOrderValue: number;
  /** Per described attribute (same order), its largest group, or null when none has a value. */
  dominant: ({
    kind: import('../analysis/attributeSql').GroupKind;
    group: string | null;
    lo: number | null;
    hi: number | null;
    share: number;
    overallShare: number;
  } | null)[];
  products: { product: string; buyers: number; buyerShare: number; revenue: number }[];
  /** One point per month (oldest first), zero-filled. */
  trend: { month: string; customers: number; revenue: number }[];
}

export interface PersonaResult {
  datasetId: number;
  asOf: string;
  request: PersonaRequest;
  valued: boolean;
  /** Whether a product column is mapped (top products shown). */
  hasProducts: boolean;
  personas: Persona[];
  /** For basis 'attribute': each persona's group (by key). */
  groups: AttributeGroup[] | null;
}

/** A friendly view of the notebook (workers/notebook.ts) and its columns, for completion. */
export interface NotebookTable {
  name: string;
  columns: { name: string; type: string }[];
}

/** Why a cell's SQL was not run (src/notebook/cellStatements.ts). */
export type NotebookRefusal = 'empty' | 'several_statements' | 'not_read_only';

/** A notebook cell's run: its first rows as Arrow IPC, DuckDB's error, or a refusal. */
export type NotebookRunResult =
  | { status: 'ok'; ipc: Uint8Array; totalRows: number; shownRows: number; ms: number }
  | { status: 'error'; type: string; message: string; offset: number | null; ms: number }
  | { status: 'refused'; reason: NotebookRefusal; keyword: string };

/** A statement a built-in step ran (for "Show SQL"), already rewritten for a notebook cell. */
export interface StepStatement {
  step: string;
  /** As the step ran it, internal table names and all. */
  sql: string;
  /** The same on the friendly views, ready for a cell; null when it changes a table. */
  cellSql: string | null;
  /** Whether it needs values the step bound at run time (`?` placeholders). */
  parameters: boolean;
  ms: number;
}

/** Order-level figures of a file without a customer column (workers/steps/orders.ts). */
export interface OrderLevelResult {
  datasetId: number;
  totals: {
    rows: number;
    /** Rows with a readable date and amount. */
    used: number;
    orders: number;
    /** Positive amounts. */
    revenue: number;
    /** Refund column's positive amounts plus negative amounts, as a positive sum. */
    refunds: number;
    refund_orders: number;
    first_day: string | null;
    last_day: string | null;
  };
  byDay: { day: string; orders: number; revenue: number }[];
  /** Top places, then the rest (`other`) and the unknown (`region` null); empty without a place column. */
  byRegion: {
    region: string | null;
    other: boolean;
    orders: number;
    revenue: number;
    share: number | null;
  }[];
  regionColumn: string | null;
  regionFromAddress: boolean;
  refundColumn: string | null;
}
