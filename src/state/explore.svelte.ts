import { LIFECYCLE_STAGES } from '../analysis/lifecycleRules';
import { segmentKeysOf } from '../analysis/segments';
import {
  decodeGroupOrders,
  decodePointExtras,
  decodePoints,
  maskWhere,
  selectedPositions,
  type PointsMeta,
} from '../explore/decodePoints';
import type { AttributeColouring, CustomerPoints, SelectionMask } from '../explore/points';
import type { CustomerAttribute } from '../engine/types';
import type { SavedSegment } from '../persist/config';
import { errorOf, type Session } from './session.svelte';

/** A selection the analyst kept under a name: a custom segment. */
export interface CustomSegment {
  name: string;
  /** Positions of its customers in the points' order. */
  positions: Int32Array;
}

const TIER_KEYS = ['high', 'mid', 'low'] as const;

/**
 * The exploring state shared by the value map, the linked charts and the customer list: every
 * customer's point on the main thread, the current selection (cross-filter), and the selections
 * saved as custom segments. The engine keeps a copy of the selection for the customer list.
 */
export class Explore {
  points = $state.raw<CustomerPoints | null>(null);
  loading = $state(false);
  error = $state<ReturnType<typeof errorOf> | null>(null);
  /** Null = nothing selected (every chart shows everyone). */
  selection = $state.raw<SelectionMask | null>(null);
  selectionLabel = $state('');
  customSegments = $state.raw<CustomSegment[]>([]);
  /** Kept selections read back from saved work, until the customers they name are on screen. */
  private segmentsToRestore: SavedSegment[] | null = null;
  /** An attribute whose groups the value map can colour by and select (segments by attribute). */
  attribute = $state.raw<AttributeColouring | null>(null);
  private request = 0;
  /** The scheme the points' segments were read under. */
  private scheme: string | null = null;

  constructor(private readonly session: Session) {
    session.onSelectionCleared = () => this.forgetSelection();
  }

  /**
   * Fetch the points of the analysis on screen (the columns of every step already finished with
   * them). Asked again for the same analysis and scheme, it does nothing.
   */
  async refresh(): Promise<void> {
    const current = this.session.current;
    if (!current) return;
    const { datasetId } = current.loaded;
    const scheme = this.session.scheme;
    const meta = this.meta();
    if (!meta) return;
    const shown = this.points;
    if (shown?.datasetId === datasetId && shown.asOf === meta.asOf && this.scheme === scheme)
      return;
    const mine = ++this.request;
    this.loading = true;
    try {
      const bytes = await this.session.engine.run('customers', 'points', [datasetId, scheme]);
      if (mine !== this.request) return;
      const points = decodePoints(bytes, meta);
      const samePeople = this.points?.datasetId === datasetId && this.points.asOf === points.asOf;
      if (!samePeople) {
        this.selection = null;
        this.selectionLabel = '';
        this.customSegments = [];
        this.attribute = null;
      }
      this.points = points;
      this.scheme = scheme;
      this.error = null;
      if (this.segmentsToRestore) this.restoreSegments(this.segmentsToRestore);
    } catch (e) {
      if (mine === this.request) this.error = errorOf(e);
    } finally {
      if (mine === this.request) this.loading = false;
    }
  }

  /**
   * A step finished for the analysis on screen: fetch only its columns and add them to the
   * points (the base and the other steps' columns stay as they are).
   */
  async addColumns(group: 'value' | 'stage' | 'cluster'): Promise<void> {
    const points = this.points;
    const meta = this.meta();
    if (!points || !meta || points.datasetId !== meta.datasetId || points.asOf !== meta.asOf)
      return;
    const request = this.request;
    try {
      const bytes = await this.session.engine.run('customers', 'points', [
        points.datasetId,
        this.session.scheme,
        [group],
      ]);
      // Newer base points (another analysis or scheme) were asked for meanwhile: they carry it.
      if (request !== this.request || this.points !== points) return;
      const extras = decodePointExtras(bytes, meta);
      const column = { value: 'value', stage: 'stage', cluster: 'cluster' } as const;
      if (extras[column[group]] === null) return;
      this.points = { ...points, [column[group]]: extras[column[group]] };
    } catch (e) {
      if (request === this.request) this.error = errorOf(e);
    }
  }

  private meta(): PointsMeta | null {
    const current = this.session.current;
    if (!current) return null;
    return {
      datasetId: current.loaded.datasetId,
      asOf: current.result.asOf,
      segmentKeys: segmentKeysOf(this.session.scheme),
      tierKeys: TIER_KEYS,
      stageKeys: LIFECYCLE_STAGES,
    };
  }

  /**
   * Show an attribute's groups on the value map (colour and legend), e.g. 城市 or age bands: the
   * attribute's groups become segments the analyst selects like any other.
   */
  async showAttribute(
    attribute: CustomerAttribute,
    labels: readonly string[],
  ): Promise<AttributeColouring | null> {
    const current = this.session.current;
    if (!current) return null;
    const plain = $state.snapshot(attribute) as CustomerAttribute; // a proxy cannot be posted
    const bytes = await this.session.engine.run('segmentation', 'groupOrders', [
      current.loaded.datasetId,
      plain,
    ]);
    if (this.session.current !== current) return null;
    this.attribute = { name: attribute.name, codes: decodeGroupOrders(bytes), labels };
    return this.attribute;
  }

  /** Select the customers of one group (by code) of the attribute shown. */
  async selectAttributeGroup(code: number, label: string): Promise<void> {
    const attribute = this.attribute;
    if (!attribute) return;
    await this.select(
      maskWhere(attribute.codes.length, (i) => attribute.codes[i] === code),
      label,
    );
  }

  /** Make `mask` the selection everywhere (null clears it); the customer list follows. */
  async select(mask: SelectionMask | null, label = ''): Promise<void> {
    this.selection = mask;
    this.selectionLabel = mask ? label : '';
    await this.session.filterBySelection(
      mask ? { positions: selectedPositions(mask), label } : null,
    );
  }

  /**
   * Drill down from a table row: select the customers whose lifecycle stage or value tier is one
   * of `keys` (a phase is several stages). False when the points do not carry that column yet.
   */
  async selectCategory(
    kind: 'stage' | 'tier',
    keys: readonly string[],
    label: string,
  ): Promise<boolean> {
    const points = this.points;
    const column =
      kind === 'stage'
        ? points?.stage
        : points?.value && { codes: points.value.tier, keys: points.value.tierKeys };
    if (!points || !column) return false;
    const wanted = column.keys.map((k) => keys.includes(k));
    await this.select(
      maskWhere(points.n, (i) => wanted[column.codes[i]!] === true),
      label,
    );
    return true;
  }

  /** Keep the current selection as a custom segment. */
  saveSelection(name: string): void {
    const mask = this.selection;
    const trimmed = name.trim();
    if (!mask || !trimmed) return;
    const others = this.customSegments.filter((s) => s.name !== trimmed);
    this.customSegments = [...others, { name: trimmed, positions: selectedPositions(mask) }];
  }

  async showCustomSegment(segment: CustomSegment): Promise<void> {
    const n = this.points?.n ?? 0;
    const mask = new Uint8Array(n);
    for (const k of segment.positions) if (k < n) mask[k] = 1;
    await this.select(mask, segment.name);
  }

  removeCustomSegment(segment: CustomSegment): void {
    this.customSegments = this.customSegments.filter((s) => s !== segment);
  }

  /** The kept selections by customer id, for saved work (positions change with the data). */
  savedSegments(): SavedSegment[] {
    const ids = this.points?.ids;
    if (!ids) return this.segmentsToRestore ?? [];
    return this.customSegments.map((s) => ({
      name: s.name,
      customers: Array.from(s.positions, (k) => ids[k] as string),
    }));
  }

  /**
   * Kept selections from saved work: each keeps the customers of the data on screen that it
   * names (a customer no longer there is left out). Before the points arrive, they wait.
   */
  restoreSegments(segments: SavedSegment[]): void {
    const points = this.points;
    if (!points) {
      this.segmentsToRestore = segments;
      return;
    }
    this.segmentsToRestore = null;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup built and read here only
    const position = new Map(points.ids.map((id, k) => [id, k]));
    const restored = segments.map((s) => ({
      name: s.name,
      positions: Int32Array.from(
        s.customers.flatMap((id) => {
          const k = position.get(id);
          return k === undefined ? [] : [k];
        }),
      ),
    }));
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup built and read here only
    const names = new Set(restored.map((s) => s.name));
    this.customSegments = [...this.customSegments.filter((s) => !names.has(s.name)), ...restored];
  }

  /** A segment drill-down replaced the selection in the customer list: forget the mask. */
  private forgetSelection(): void {
    this.selection = null;
    this.selectionLabel = '';
  }
}
