import { sankey, sankeyLinkHorizontal, type SankeyGraph } from 'd3-sankey';
import { prepareSvg, type PlotFrame } from './plot';
import { STAGE_COLOURS } from './stageArea';

/**
 * Customers moving between lifecycle stages from one date to another: stages at the first date on
 * the left, at the second on the right, a band per transition as wide as its customers. Every node
 * is named with its count and every band has a tooltip, so colour only echoes the stage names.
 */

export interface StageTransition {
  /** Stage at the first date; 'none' for customers not acquired yet. */
  from: string;
  to: string;
  customers: number;
}

export interface StageSankeyOptions {
  labels: { title: string; description: string };
  /** The name shown for a stage key (including 'none'). */
  stageLabel: (key: string) => string;
  formatNumber: (v: number) => string;
  width?: number;
  height?: number;
}

export interface SankeyNodeBox {
  id: string;
  stage: string;
  side: 'from' | 'to';
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  customers: number;
}

export interface SankeyBand {
  from: string;
  to: string;
  customers: number;
  path: string;
  width: number;
}

export interface StageSankeyLayout {
  frame: PlotFrame;
  nodes: SankeyNodeBox[];
  bands: SankeyBand[];
}

interface NodeDatum {
  id: string;
  stage: string;
  side: 'from' | 'to';
}
interface LinkDatum {
  from: string;
  to: string;
}

/** The geometry (d3-sankey), without a DOM; stages keep the order given. */
export function stageSankeyLayout(
  transitions: readonly StageTransition[],
  stageOrder: readonly string[],
  options: Pick<StageSankeyOptions, 'width' | 'height'>,
): StageSankeyLayout {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  // Room either side for the stage names and counts.
  const frame: PlotFrame = {
    width,
    height,
    left: 170,
    right: width - 150,
    top: 10,
    bottom: height - 10,
  };
  const flows = transitions.filter((t) => t.customers > 0);
  const rank = (stage: string) => {
    const i = stageOrder.indexOf(stage);
    return i < 0 ? stageOrder.length : i;
  };
  const ids = new Map<string, NodeDatum>();
  for (const t of flows) {
    ids.set(`from:${t.from}`, { id: `from:${t.from}`, stage: t.from, side: 'from' });
    ids.set(`to:${t.to}`, { id: `to:${t.to}`, stage: t.to, side: 'to' });
  }
  const nodes = [...ids.values()].sort((a, b) =>
    a.side === b.side ? rank(a.stage) - rank(b.stage) : a.side === 'from' ? -1 : 1,
  );
  if (nodes.length === 0) return { frame, nodes: [], bands: [] };
  const graph = sankey<NodeDatum, LinkDatum>()
    .nodeId((d) => d.id)
    .nodeWidth(14)
    .nodePadding(12)
    .nodeSort((a, b) => rank(a.stage) - rank(b.stage))
    .extent([
      [frame.left, frame.top],
      [frame.right, frame.bottom],
    ])({
    nodes: nodes.map((d) => ({ ...d })),
    links: flows.map((t) => ({
      source: `from:${t.from}`,
      target: `to:${t.to}`,
      value: t.customers,
      from: t.from,
      to: t.to,
    })),
  } as unknown as SankeyGraph<NodeDatum, LinkDatum>);
  const path = sankeyLinkHorizontal<NodeDatum, LinkDatum>();
  return {
    frame,
    nodes: graph.nodes.map((n) => ({
      id: n.id,
      stage: n.stage,
      side: n.side,
      x0: n.x0 ?? 0,
      x1: n.x1 ?? 0,
      y0: n.y0 ?? 0,
      y1: n.y1 ?? 0,
      customers: n.value ?? 0,
    })),
    bands: graph.links.map((l) => ({
      from: l.from,
      to: l.to,
      customers: l.value,
      path: path(l) ?? '',
      width: Math.max(1, l.width ?? 1),
    })),
  };
}

export function drawStageSankey(
  svgElement: SVGSVGElement,
  transitions: readonly StageTransition[],
  stageOrder: readonly string[],
  options: StageSankeyOptions,
): void {
  const layout = stageSankeyLayout(transitions, stageOrder, options);
  const svg = prepareSvg(svgElement, layout.frame, options.labels);
  const colour = (stage: string) => STAGE_COLOURS[stage] ?? '#8C8C8C';
  svg
    .append('g')
    .attr('fill', 'none')
    .selectAll('path')
    .data(layout.bands)
    .join('path')
    .attr('d', (b) => b.path)
    .attr('stroke', (b) => colour(b.from))
    .attr('stroke-opacity', 0.45)
    .attr('stroke-width', (b) => b.width)
    .append('title')
    .text(
      (b) =>
        `${options.stageLabel(b.from)} → ${options.stageLabel(b.to)}: ${options.formatNumber(b.customers)}`,
    );
  const node = svg.append('g').selectAll('g').data(layout.nodes).join('g');
  node
    .append('rect')
    .attr('x', (n) => n.x0)
    .attr('y', (n) => n.y0)
    .attr('width', (n) => n.x1 - n.x0)
    .attr('height', (n) => Math.max(1, n.y1 - n.y0))
    .attr('fill', (n) => colour(n.stage))
    .attr('data-stage', (n) => n.stage)
    .attr('data-side', (n) => n.side);
  node
    .append('text')
    .attr('x', (n) => (n.side === 'from' ? n.x0 - 6 : n.x1 + 6))
    .attr('y', (n) => (n.y0 + n.y1) / 2 + 4)
    .attr('text-anchor', (n) => (n.side === 'from' ? 'end' : 'start'))
    .attr('font-size', 12)
    .attr('fill', 'currentColor')
    .text((n) => `${options.stageLabel(n.stage)} ${options.formatNumber(n.customers)}`);
}
