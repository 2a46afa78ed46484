import type { ColumnMapping } from '../analysis/mapping';
import type { SegmentKey, SegmentScheme } from '../analysis/segments';
import type { SortColumn } from '../analysis/customers';
import type { ProfiledColumn } from '../ingest/profile';
import type { SourceEncoding } from '../ingest/encoding';
import type { Locale } from '../i18n/locales';

/** A file loaded into the engine as text columns, waiting for (or having) a mapping. */
export interface LoadedDataset {
  datasetId: number;
  fileName: string;
  encoding: SourceEncoding;
  rowCount: number;
  columns: ProfiledColumn[];
  /** The engine's guess for each role; the analyst confirms or corrects it. */
  guess: ColumnMapping;
  /** The first rows as text, for the mapping preview. */
  preview: (string | null)[][];
}

export interface AnalysisOptions {
  /** 'YYYY-MM-DD'; null = the day after the last valid order. */
  asOf: string | null;
  scheme: SegmentScheme;
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

export interface ExclusionSample {
  /** Data row (1-based, header excluded) for typed rows; file line for malformed rows. */
  sourceRow: number;
  customerText: string | null;
  dateText: string | null;
  amountText: string | null;
  /** The reader's complaint and the raw line, for rows the CSV reader rejected. */
  rawLine: string | null;
}

export interface Exclusion {
  reason: 'missing_customer_id' | 'invalid_date' | 'invalid_amount' | 'malformed_row';
  rows: number;
  samples: ExclusionSample[];
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
  summary: Summary;
  exclusions: Exclusion[];
}

export interface CustomerPageRequest {
  scheme: SegmentScheme;
  segment: SegmentKey | null;
  sort: SortColumn;
  descending: boolean;
  offset: number;
  limit: number;
}

export interface ExportRequest {
  scheme: SegmentScheme;
  locale: Locale;
}

/** Where the engine is in a long call, for the progress display. */
export type Stage = 'decoding' | 'parsing' | 'profiling' | 'typing' | 'scoring' | 'summarising';
