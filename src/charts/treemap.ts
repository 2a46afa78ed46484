import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import { select } from 'd3-selection';
import { categoricalColour } from './palettes';
import { prepareSvg, textWidth, type PlotFrame } from './plot';

/**
 * Segments as a treemap: each tile's area is the segment's customers or revenue, labelled with its
 * name and share. With a selection, a hatched band rises from each tile's floor to the selected
 * share of that tile, and the label says the share in words, so neither colour nor area alone
 * carries the meaning. Tiles are buttons (click or Enter) for drilling into a segment.
 */

export interface TreemapTile {
  /** Index of the segment (passed back on click). */
  index: number;
  label: string;
  customers: number;
  revenue: number;
  /** Null without a selection. */
  selected: { customers: number; revenue: number } | null;
}

export interface TreemapOptions {
  measure: 'customers' | 'revenue';
  labels: {
    title: string;
    description: string;
    /** The tile's full text for its <title> and accessible name. */
    tile: (tile: TreemapTile, share: number, selectedShare: number | null) => string;
    /** The short second line: the tile's share (and the selected share when there is one). */
    share: (share: number, selectedShare: number | null) => string;
  };
  onSelect?: (index: number) => void;
  width?: number;
  height?: number;
}

export interface TreemapRect {
  tile: TreemapTile;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The tile's share of the measure over all tiles. */
  share: number;
  /** Selected part of this tile's measure (0–1), null without a selection. */
  selectedShare: number | null;
  colour: string;
  /** Whether the name and share fit inside the tile. */
  showLabel: boolean;
}

const size = (t: { customers: number; revenue: number }, measure: TreemapOptions['measure']) =>
  // A segment of net returns has negative revenue: it takes no area rather than breaking the layout.
  Math.max(0, measure === 'customers' ? t.customers : t.revenue);

/** Tile geometry, without a DOM. */
export function treemapLayout(
  tiles: readonly TreemapTile[],
  options: Pick<TreemapOptions, 'measure' | 'width' | 'height'>,
): { frame: PlotFrame; rects: TreemapRect[] } {
  // About the size it is shown at beside the other linked charts, so 12px text stays 12px.
  const width = options.width ?? 480;
  const height = options.height ?? 360;
  const frame: PlotFrame = { width, height, left: 0, right: width, top: 0, bottom: height };
  const total = tiles.reduce((s, t) => s + size(t, options.measure), 0);
  const root = hierarchy<{ tile?: TreemapTile; children?: { tile: TreemapTile }[] }>({
    children: tiles.filter((t) => size(t, options.measure) > 0).map((tile) => ({ tile })),
  })
    .sum((d) => (d.tile ? size(d.tile, options.measure) : 0))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const laid = treemap<{ tile?: TreemapTile }>()
    .tile(treemapSquarify)
    .size([width, height])
    .paddingInner(2)
    .round(true)(root);
  const rects = laid.leaves().map((leaf) => {
    const tile = leaf.data.tile as TreemapTile;
    const w = leaf.x1 - leaf.x0;
    const h = leaf.y1 - leaf.y0;
    const own = size(tile, options.measure);
    const selectedShare =
      tile.selected === null ? null : own > 0 ? size(tile.selected, options.measure) / own : 0;
    return {
      tile,
      x: leaf.x0,
      y: leaf.y0,
      width: w,
      height: h,
      share: total > 0 ? own / total : 0,
      selectedShare: selectedShare === null ? null : Math.min(1, Math.max(0, selectedShare)),
      colour: categoricalColour(tile.index),
      showLabel: w >= Math.max(70, textWidth(tile.label) + 12) && h >= 40,
    };
  });
  return { frame, rects };
}

/** Dark text on the light Okabe–Ito colours, white on the dark ones. */
function textColour(fill: string): string {
  const n = parseInt(fill.slice(1), 16);
  const lum = 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
  return lum > 140 ? '#111827' : '#ffffff';
}

export function createTreemap(
  svgElement: SVGSVGElement,
  tiles: readonly TreemapTile[],
  options: TreemapOptions,
) {
  function draw(data: readonly TreemapTile[], o: TreemapOptions) {
    const { frame, rects } = treemapLayout(data, o);
    const svg = prepareSvg(svgElement, frame, o.labels)
      .attr('aria-label', o.labels.title)
      // A group when its marks are buttons: an image's children would be hidden from assistive tech.
      .attr('role', o.onSelect ? 'group' : 'img');
    const id = svgElement.getAttribute('data-chart-id') ?? 'treemap';
    // Hatching marks the selected part by texture as well as by darkness.
    svg
      .append('defs')
      .append('pattern')
      .attr('id', `${id}-hatch`)
      .attr('patternUnits', 'userSpaceOnUse')
      .attr('width', 6)
      .attr('height', 6)
      .attr('patternTransform', 'rotate(45)')
      .call((p) => {
        p.append('rect')
          .attr('width', 6)
          .attr('height', 6)
          .attr('fill', '#000000')
          .attr('fill-opacity', 0.45);
        p.append('line')
          .attr('x1', 0)
          .attr('y1', 0)
          .attr('x2', 0)
          .attr('y2', 6)
          .attr('stroke', '#ffffff')
          .attr('stroke-width', 1.5)
          .attr('stroke-opacity', 0.6);
      });
    const groups = svg
      .append('g')
      .attr('class', 'tiles')
      .selectAll('g')
      .data(rects)
      .join('g')
      .attr('class', 'tile')
      .attr('data-segment', (d) => d.tile.index)
      .attr('data-share', (d) => d.share)
      .attr('data-selected-share', (d) => d.selectedShare)
      .attr('transform', (d) => `translate(${d.x},${d.y})`)
      .attr('tabindex', o.onSelect ? 0 : null)
      .attr('role', o.onSelect ? 'button' : null)
      .style('cursor', o.onSelect ? 'pointer' : 'default')
      .on('click', (_, d) => o.onSelect?.(d.tile.index))
      .on('keydown', (event: KeyboardEvent, d) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          o.onSelect?.(d.tile.index);
        }
      });
    // The title is the tooltip and the tile's accessible name: it starts with what the tile shows.
    groups
      .append('title')
      .text(
        (d) =>
          `${d.tile.label} ${o.labels.share(d.share, d.selectedShare)}: ${o.labels.tile(d.tile, d.share, d.selectedShare)}`,
      );
    groups
      .append('rect')
      .attr('width', (d) => d.width)
      .attr('height', (d) => d.height)
      .attr('fill', (d) => d.colour);
    groups
      .filter((d) => d.selectedShare !== null && d.selectedShare > 0)
      .append('rect')
      .attr('class', 'selected-part')
      .attr('y', (d) => d.height * (1 - (d.selectedShare ?? 0)))
      .attr('width', (d) => d.width)
      .attr('height', (d) => d.height * (d.selectedShare ?? 0))
      .attr('fill', `url(#${id}-hatch)`)
      .style('pointer-events', 'none');
    const labelled = groups.filter((d) => d.showLabel);
    const text = labelled
      .append('text')
      .attr('aria-hidden', 'true')
      .attr('fill', (d) =>
        d.selectedShare && d.selectedShare > 0.5 ? '#ffffff' : textColour(d.colour),
      )
      .attr('font-size', 12)
      .style('pointer-events', 'none');
    text
      .append('tspan')
      .attr('x', 6)
      .attr('y', 16)
      .attr('font-weight', 600)
      .text((d) => d.tile.label);
    text
      .append('tspan')
      .attr('x', 6)
      .attr('y', 31)
      .text((d) => o.labels.share(d.share, d.selectedShare));
  }

  let current = options;
  draw(tiles, options);
  return {
    update(data: readonly TreemapTile[], next: Partial<TreemapOptions> = {}) {
      current = { ...current, ...next };
      // A redraw replaces the tiles: a keyboard user's focus stays on the same segment's tile.
      const focused = svgElement.querySelector('g.tile:focus')?.getAttribute('data-segment');
      draw(data, current);
      if (focused != null)
        (
          svgElement.querySelector(`g.tile[data-segment="${focused}"]`) as SVGGElement | null
        )?.focus();
    },
    destroy() {
      select(svgElement).selectAll('*').remove();
    },
  };
}
