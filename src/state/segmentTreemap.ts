/** The segment treemap as the page and the slide draw it: its tiles and its words. */
import type { TreemapOptions, TreemapTile } from '../charts/treemap';
import type { SegmentTotals } from '../explore/aggregate';
import type { Session } from './session.svelte';

/** The treemap's words in the UI's language, for one measure (the page's chart and its slide). */
export function treemapLabels(
  session: Session,
  measure: TreemapOptions['measure'],
): TreemapOptions['labels'] {
  const measureLabel = session.t(`charts.treemap.${measure}`);
  return {
    title: session.t('charts.treemap.title', { measure: measureLabel }),
    description: session.t('charts.treemap.description', { measure: measureLabel }),
    share: (share: number, selected: number | null) =>
      selected === null
        ? session.t('charts.treemap.share', { share: session.fmt.percent(share) })
        : session.t('charts.treemap.shareSelected', {
            share: session.fmt.percent(share),
            selected: session.fmt.percent(selected),
          }),
    tile: (t: TreemapTile, share: number, selected: number | null) =>
      session.t(selected === null ? 'charts.treemap.tile' : 'charts.treemap.tileSelected', {
        segment: t.label,
        customers: session.fmt.integer(t.customers),
        revenue: session.fmt.money(t.revenue),
        share: session.fmt.percent(share),
        measure: measureLabel,
        selectedCustomers: session.fmt.integer(t.selected?.customers ?? 0),
        selected: session.fmt.percent(selected ?? 0),
      }),
  };
}

/** The treemap's tiles: every segment with customers, named by `name`, with its selected part. */
export function segmentTiles(totals: SegmentTotals, name: (key: string) => string): TreemapTile[] {
  return totals.segments
    .filter((s) => s.all.customers > 0)
    .map((s) => ({
      index: s.segment,
      label: name(s.key),
      customers: s.all.customers,
      revenue: s.all.revenue,
      selected: s.selected && { customers: s.selected.customers, revenue: s.selected.revenue },
    }));
}
