import type { TablePrefix } from '../../src/analysis/sql';

/**
 * The pipeline's steps: the tables each creates for a dataset and the steps whose tables it reads.
 * A step is current until a step it depends on runs again; then its tables are dropped with it
 * (workers/dataset.ts), so nothing can read a value table made for another as-of date.
 */
export const STEPS = {
  /**
   * The files as read: `raw_<id>` as text (a table, or a text view over `rawtyped_<id>` when the
   * file was read typed), the reader's rejects, a joined customer list.
   */
  ingest: { tables: ['raw', 'rawtyped', 'rejects', 'attrs'], dependsOn: [] },
  /** Rows typed with one mapping and policy (kept while only the as-of date changes). */
  typing: { tables: ['tx'], dependsOn: ['ingest'] },
  /** Per-customer totals, RFM scores and segments at one as-of date. */
  analysis: { tables: ['totals', 'rfm', 'params'], dependsOn: ['typing'] },
  value: {
    tables: ['clvsum', 'vparams', 'vinputs', 'vpred', 'value', 'vextra', 'vcac'],
    dependsOn: ['analysis'],
  },
  /** The customers numbered and their used rows summed per day, at the as-of date. */
  customerDays: { tables: ['cids', 'cdays'], dependsOn: ['analysis'] },
  lifecycle: {
    tables: ['lcrules', 'lcdays', 'lcstage', 'lchist', 'lccohort'],
    dependsOn: ['customerDays'],
  },
  clusters: { tables: ['cluster'], dependsOn: ['analysis'] },
  /** The analyst's selection on the value map, for the customer list and export. */
  selection: { tables: ['sel', 'selk'], dependsOn: ['analysis'] },
} as const satisfies Record<
  string,
  { tables: readonly TablePrefix[]; dependsOn: readonly string[] }
>;

export type StepName = keyof typeof STEPS;

/** `step` and every step that reads its tables, directly or through others. */
export function withDependents(step: StepName): StepName[] {
  const out: StepName[] = [step];
  for (let i = 0; i < out.length; i++) {
    for (const [name, def] of Object.entries(STEPS) as [StepName, (typeof STEPS)[StepName]][]) {
      if ((def.dependsOn as readonly string[]).includes(out[i] as string) && !out.includes(name))
        out.push(name);
    }
  }
  return out;
}
