/**
 * Every customer of the analysis on screen as columns of typed arrays, held on the main thread so
 * that brushing, cross-filtering and the linked charts need no round trip to the engine. Categories
 * (segment, tier, stage, cluster) are small integer codes into their key lists; -1 = none.
 */
export interface CustomerPoints {
  /** The analysis these points belong to. */
  datasetId: number;
  asOf: string;
  n: number;
  ids: string[];
  recencyDays: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
  rScore: Uint8Array;
  fScore: Uint8Array;
  mScore: Uint8Array;
  segment: Int8Array;
  segmentKeys: readonly string[];
  /** Value columns: null until the value step has run. */
  value: {
    historical: Float64Array;
    current: Float64Array;
    predicted: Float64Array;
    total: Float64Array;
    pAlive: Float64Array;
    tier: Int8Array;
    tierKeys: readonly string[];
  } | null;
  /** Lifecycle stage: null until the lifecycle step has run. */
  stage: { codes: Int8Array; keys: readonly string[] } | null;
  /** k-means cluster (code = cluster number − 1): null until the customers are clustered. */
  cluster: { codes: Int8Array; k: number } | null;
}

/** The groups of one customer attribute (code = group order − 1), shown as segments. */
export interface AttributeColouring {
  /** The attribute's name, as the file wrote it. */
  name: string;
  codes: Int8Array;
  /** Group labels by code. */
  labels: readonly string[];
}

/**
 * A selection of customers: a mask over the points (1 = selected). `null` everywhere means "no
 * selection" (all customers shown), which is different from an empty selection.
 */
export type SelectionMask = Uint8Array;
