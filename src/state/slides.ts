/**
 * The slides of presentation mode: one chart each, with a title and the key numbers. A slide shows
 * a copy of the chart the page already draws (found by its test id), so what is presented is
 * exactly what was analysed, in the same language and with the same settings.
 */
import { LIFECYCLE_STAGES } from '../analysis/lifecycleRules';
import type { Explore } from './explore.svelte';
import type { Session } from './session.svelte';

export interface KeyNumber {
  label: string;
  value: string;
}

export interface Slide {
  /** Stable, for links (`?present=<id>`). */
  id: string;
  title: string;
  numbers: KeyNumber[];
  /** CSS selector of the chart on the page to show. */
  chart: string;
  /** False while the analysis behind the chart is still running. */
  ready: boolean;
}

export function slidesOf(session: Session, explore: Explore): Slide[] {
  const current = session.current;
  if (!current) return [];
  const { t, fmt } = session;
  const summary = current.result.summary;
  const value = session.valuation.result ?? null;
  const life = session.lifecycle.result ?? null;
  const topSegment = [...current.result.segments].sort((a, b) => b.revenue - a.revenue)[0];
  const slides: Slide[] = [
    {
      id: 'overview',
      title: t('grid.title'),
      numbers: [
        { label: t('summary.customers'), value: fmt.integer(summary.customers) },
        { label: t('summary.orders'), value: fmt.integer(summary.orders) },
        { label: t('summary.revenue'), value: fmt.compact(summary.revenue) },
        ...(topSegment
          ? [
              {
                label: session.segmentLabel(topSegment.segment),
                value: t('present.revenueShare', { share: fmt.percent(topSegment.revenueShare) }),
              },
            ]
          : []),
      ],
      chart: '[data-testid="rfm-grid"]',
      ready: true,
    },
    {
      id: 'value-map',
      title: t('explore.title'),
      numbers: [
        { label: t('summary.customers'), value: fmt.integer(explore.points?.n ?? 0) },
        ...(value
          ? [
              {
                label: t('present.predicted'),
                value: value.totals.predicted === null ? '–' : fmt.compact(value.totals.predicted),
              },
              { label: t('present.total'), value: fmt.compact(value.totals.total) },
            ]
          : []),
      ],
      chart: '[data-testid="value-map"] .chart',
      ready: explore.points !== null,
    },
    {
      id: 'segments',
      title: t('present.segments'),
      numbers: current.result.segments
        .filter((s) => s.customers > 0)
        .sort((a, b) => b.revenue - a.revenue)
        .slice(0, 3)
        .map((s) => ({
          label: session.segmentLabel(s.segment),
          value: t('present.revenueShare', { share: fmt.percent(s.revenueShare) }),
        })),
      chart: '[data-testid="treemap"]',
      ready: explore.points !== null,
    },
    {
      id: 'pareto',
      title: t('value.lorenz.title'),
      numbers: value
        ? [
            {
              label: t('present.topShare', { top: fmt.percent(value.facts.topShare) }),
              value:
                value.facts.topShareRevenue === null
                  ? '–'
                  : fmt.percent(value.facts.topShareRevenue),
            },
            { label: t('present.gini'), value: value.gini === null ? '–' : value.gini.toFixed(2) },
            { label: t('present.repeatRate'), value: fmt.percent(value.facts.repeatRate) },
          ]
        : [],
      chart: '[data-testid="lorenz-curve"]',
      ready: value !== null,
    },
    {
      id: 'value-distribution',
      title: t('present.distribution'),
      numbers: value
        ? [
            { label: t('present.historical'), value: fmt.compact(value.totals.historical) },
            {
              label: t('present.predicted'),
              value: value.totals.predicted === null ? '–' : fmt.compact(value.totals.predicted),
            },
          ]
        : [],
      chart: '[data-testid="value-histogram"]',
      ready: explore.points !== null,
    },
    {
      id: 'rfm-heatmap',
      title: t('present.heatmap'),
      numbers: [{ label: t('summary.customers'), value: fmt.integer(summary.customers) }],
      chart: '[data-testid="rfm-heatmap"]',
      ready: explore.points !== null,
    },
    {
      id: 'lifecycle',
      title: t('present.lifecycle'),
      numbers: life
        ? LIFECYCLE_STAGES.map((stage) => life.stages.find((s) => s.stage === stage))
            .filter((s) => s !== undefined)
            .filter((s) => s.stage === 'active' || s.stage === 'at_risk' || s.stage === 'churned')
            .map((s) => ({ label: session.stageLabel(s.stage), value: fmt.integer(s.customers) }))
        : [],
      chart: '[data-testid="lifecycle-area"]',
      ready: life !== null,
    },
    {
      id: 'flows',
      title: t('present.flows'),
      numbers: life
        ? [
            {
              label: t('present.period'),
              value: `${life.flows.periodEndA} → ${life.flows.periodEndB}`,
            },
          ]
        : [],
      chart: '[data-testid="lifecycle-sankey"]',
      ready: life !== null,
    },
    {
      id: 'cohorts',
      title: t('lifecycle.cohorts.title'),
      numbers: life
        ? [
            {
              label: t('present.cohorts'),
              value: fmt.integer(new Set(life.cohorts.map((c) => c.cohortStart)).size),
            },
          ]
        : [],
      chart: '[data-testid="lifecycle-cohorts"]',
      ready: life !== null,
    },
    {
      id: 'personas',
      title: t('segmentation.personas.title'),
      numbers: [],
      chart: '[data-testid="personas"] ul.cards',
      ready: document.querySelector('[data-testid="personas"] ul.cards') !== null,
    },
  ];
  return slides;
}
