/**
 * The first screen of a first visit, computed at build time (scripts/generate-first-screen.mjs):
 * the default sample's analysis as the engine returns it and its value map as the page opens it,
 * fetched as a small JSON file while the engine's wasm compiles, so the page shows the sample's
 * summary, grid, segments and value map at once.
 */
import type { ValueMapPreview } from '../charts/valueMapPreview';
import type { AnalysisResult } from '../engine/types';

/** The file's version; scripts/generate-first-screen.mjs writes the same number. */
export const FIRST_SCREEN_VERSION = 2;

export interface FirstScreen {
  version: number;
  /** The sample's name in public/samples/index.json. */
  sample: string;
  scheme: 'rfm11';
  result: AnalysisResult;
  /**
   * The value map after the value step with the page's default settings (marks sampled above a
   * few thousand customers: see valueMapPreview.ts); null when the value step failed.
   */
  valueMap: ValueMapPreview | null;
}

/** The sample a first visit opens: the one in `?sample=`, else the default of the UI language. */
export function firstScreenSample(
  params: URLSearchParams,
  locale: string,
  ownDataKept: boolean,
): string | null {
  // A link that brings data or settings, or the analyst's kept data, decides what is shown.
  if (params.has('config') || params.has('data')) return null;
  if (ownDataKept && !params.has('sample')) return null;
  return params.get('sample') ?? (locale === 'zh-CN' ? 'retail-zh' : 'online-retail-en');
}

/** The precomputed first screen, or null when there is none (dev without a build, old file). */
export async function fetchFirstScreen(sample: string): Promise<FirstScreen | null> {
  if (!/^[a-z0-9-]+$/.test(sample)) return null;
  try {
    const response = await fetch(`./samples/${sample}.first.json`);
    if (!response.ok) return null;
    const file = (await response.json()) as FirstScreen;
    return file.version === FIRST_SCREEN_VERSION && file.sample === sample ? file : null;
  } catch {
    return null;
  }
}
