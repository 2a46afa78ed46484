import type { AttributeRef } from '../analysis/valueAttributesSql';
import type { SegmentKey } from '../analysis/segments';
import type {
  AttributeBreakdown,
  AttributeGroup,
  ClusterProfile,
  ClusterResult,
  CustomerAttribute,
  PersonaBasis,
  PersonaRequest,
  PersonaResult,
} from '../engine/types';
import { clusterStep } from '../compute/clusterStep';
import type { MessageKey } from '../i18n/messages';
import { Computation, type WorkContext } from './computation.svelte';
import type { Session } from './session.svelte';

export const refKey = (ref: AttributeRef) => `${ref.source}:${ref.column}`;

const TREND_MONTHS = 6;

/**
 * Segmentation of the analysis on screen: its attributes, the breakdown by the chosen one, k-means
 * clusters and persona cards. Work starts once the value step of the analysis has settled (so the
 * value columns are in), and is redone when the values, the scheme or the choices change.
 *
 * For other views: `clusterOf` is not kept per customer on the main thread; the engine keeps
 * `cluster_<id>` (customer_id, cluster 1..k) after `runClusters`, and `clusterName(n)` names a
 * cluster number in the UI language.
 */
export class Segmentation {
  readonly attributes = new Computation<CustomerAttribute[]>();
  /** The chosen attribute, as "orders:3" / "customers:1". */
  attributeKey = $state<string | null>(null);
  readonly breakdown = new Computation<AttributeBreakdown>();
  /** Analyst's k (null = by silhouette) and the numeric attributes added as features. */
  clusterK = $state<number | null>(null);
  clusterFeatures = $state<string[]>([]);
  readonly clusters = new Computation<ClusterResult>();
  personaBasis = $state<PersonaBasis>('segments');
  trendMeasure = $state<'customers' | 'revenue'>('customers');
  readonly personas = new Computation<PersonaResult>();

  /** The analysis (dataset, as-of date, valued or not) the results belong to. */
  private analysisKey = '';

  constructor(private readonly session: Session) {}

  /** The analysis on screen as "dataset|asOf"; null when there is none. */
  private currentKey(): string | null {
    const c = this.session.current;
    return c ? `${c.loaded.datasetId}|${c.result.asOf}` : null;
  }

  /** Whether the value step of the analysis on screen has finished (true), failed (false) or runs (null). */
  valueSettled(): boolean | null {
    const v = this.session.valuation;
    if (!v.isFor(this.session.analysisKey)) return null;
    return v.status === 'computing' ? null : v.status === 'ready';
  }

  get chosenAttribute(): CustomerAttribute | null {
    const list = this.attributes.result ?? [];
    return list.find((a) => refKey(a.ref) === this.attributeKey) ?? null;
  }

  /**
   * Everything for the analysis on screen once its value step settled: attributes, the breakdown,
   * clusters (auto k) and personas. `valued` is part of the key, so new values redo the work.
   */
  async refresh(valued: boolean): Promise<void> {
    const key = this.currentKey();
    if (key === null) return;
    const analysis = `${key}|${valued}`;
    if (analysis === this.analysisKey) return;
    const sameData = this.analysisKey.startsWith(`${key}|`);
    this.analysisKey = analysis;
    if (!sameData || !this.attributes.result) await this.loadAttributes();
    if (!this.still(analysis)) return;
    await this.loadBreakdown();
    if (!this.still(analysis)) return;
    await this.runClusters();
    if (!this.still(analysis)) return;
    await this.loadPersonas();
  }

  private still(analysis: string): boolean {
    return this.analysisKey === analysis;
  }

  /** Run `work` for the analysis on screen; a result for another analysis is never shown. */
  private async compute<T>(
    computation: Computation<T>,
    work: (datasetId: number, context: WorkContext) => Promise<T>,
  ): Promise<boolean> {
    const key = this.session.analysisKey;
    if (!key) return false;
    return computation.run(key, (context) => work(key.datasetId, context));
  }

  private async loadAttributes(): Promise<void> {
    await this.compute(this.attributes, (id) =>
      this.session.engine.run('segmentation', 'attributes', [id]),
    );
    const list = this.attributes.result ?? [];
    if (!list.some((a) => refKey(a.ref) === this.attributeKey)) {
      // Geographic, then demographic attributes say most about a customer base at first sight.
      const first =
        list.find((a) => a.family === 'geographic') ??
        list.find((a) => a.family === 'demographic') ??
        list[0];
      this.attributeKey = first ? refKey(first.ref) : null;
    }
    const numeric = list.filter((a) => a.numeric).map((a) => refKey(a.ref));
    this.clusterFeatures = this.clusterFeatures.filter((k) => numeric.includes(k));
  }

  async loadBreakdown(): Promise<void> {
    const attribute = this.chosenAttribute;
    if (!attribute) {
      this.breakdown.reset();
      return;
    }
    const plain = $state.snapshot(attribute) as CustomerAttribute;
    const scheme = this.session.scheme;
    await this.compute(this.breakdown, (id) =>
      this.session.engine.run('segmentation', 'breakdown', [id, plain, scheme]),
    );
  }

  async chooseAttribute(key: string): Promise<void> {
    this.attributeKey = key;
    await this.loadBreakdown();
    if (this.personaBasis === 'attribute' || this.personaBasis === 'segments')
      await this.loadPersonas();
  }

  async runClusters(): Promise<void> {
    const list = this.attributes.result ?? [];
    const features = list
      .filter((a) => a.numeric && this.clusterFeatures.includes(refKey(a.ref)))
      .map((a) => $state.snapshot(a) as CustomerAttribute);
    const options = { k: this.clusterK, attributes: features };
    const ok = await this.compute(this.clusters, (id, context) =>
      clusterStep(this.session.ports, id, options, context),
    );
    if (ok && this.personaBasis === 'clusters') await this.loadPersonas();
  }

  async setPersonaBasis(basis: PersonaBasis): Promise<void> {
    this.personaBasis = basis;
    await this.loadPersonas();
  }

  async loadPersonas(): Promise<void> {
    const basis = this.personaBasis;
    if (basis === 'clusters' && this.clusters.status !== 'ready') {
      this.personas.reset();
      return;
    }
    const attribute = basis === 'attribute' ? this.chosenAttribute : null;
    if (basis === 'attribute' && !attribute) {
      this.personas.reset();
      return;
    }
    const describe = (this.attributes.result ?? [])
      .filter((a) => basis !== 'attribute' || refKey(a.ref) !== this.attributeKey)
      .slice(0, 6);
    const request = $state.snapshot({
      basis,
      scheme: this.session.scheme,
      attribute,
      describe,
      months: TREND_MONTHS,
    }) as PersonaRequest;
    await this.compute(this.personas, (id) =>
      this.session.engine.run('segmentation', 'personas', [id, request]),
    );
  }

  /** The scheme changed: the cross-tab and segment personas follow. */
  async schemeChanged(): Promise<void> {
    if (!this.attributes.result) return;
    await this.loadBreakdown();
    if (this.personaBasis === 'segments') await this.loadPersonas();
  }

  // ——— Words for the UI ———

  attributeLabel(a: CustomerAttribute): string {
    const t = this.session.t;
    const name =
      a.ref.source === 'customers' ? t('segmentation.fromList', { name: a.name }) : a.name;
    return t('segmentation.attributeOption', {
      name,
      family: t(`segmentation.family.${a.family}`),
      kind: t(`segmentation.kind.${a.kind}`),
    });
  }

  /** A group's name: its value, an age band, a quartile's range, "Other" or "Not given". */
  groupLabel(
    g: Pick<AttributeGroup, 'kind' | 'group' | 'lo' | 'hi'>,
    attribute: CustomerAttribute | null,
  ): string {
    const t = this.session.t;
    if (g.kind === 'other') return t('segmentation.group.other');
    if (g.kind === 'missing' || g.group === null) return t('segmentation.group.missing');
    if (g.kind === 'value') return g.group;
    if (attribute?.binning === 'age') return t(`segmentation.age.${g.group}` as MessageKey);
    const number = (v: number | null) => (v === null ? '–' : this.session.fmt.integer(v));
    return t('segmentation.band', { n: g.group.slice(1), lo: number(g.lo), hi: number(g.hi) });
  }

  /** "Recent, frequent, high spend" / "近期活跃·高频·高消费", numbered when two clusters share it. */
  clusterName(cluster: number | ClusterProfile): string {
    const c =
      typeof cluster === 'number'
        ? this.clusters.result?.clusters.find((x) => x.cluster === cluster)
        : cluster;
    if (!c) return String(cluster);
    const t = this.session.t;
    const words = [
      t(`segmentation.trait.recency.${c.traits.recency}`),
      t(`segmentation.trait.frequency.${c.traits.frequency}`),
      t(`segmentation.trait.spend.${c.traits.spend}`),
    ].join(t('segmentation.trait.separator'));
    const name = words.charAt(0).toUpperCase() + words.slice(1);
    return c.duplicate > 0 ? `${name} (${c.duplicate})` : name;
  }

  /** A persona card's title for the basis it was computed on. */
  personaTitle(result: PersonaResult, key: string): string {
    switch (result.request.basis) {
      case 'segments':
        return this.session.segmentLabel(key as SegmentKey);
      case 'clusters':
        return `${key}. ${this.clusterName(Number(key))}`;
      case 'attribute': {
        const g = result.groups?.find((x) => String(x.order) === key);
        return g ? this.groupLabel(g, result.request.attribute) : key;
      }
    }
  }
}
