/**
 * A cluster's name from its profile relative to the average customer: recency, frequency and
 * spend each above, near or below the mean of the standardised log features (the centroid's
 * z-scores), so the same centroids always give the same name. Words come from the messages
 * (`segmentation.trait.*`); this only picks them.
 */

export type RecencyTrait = 'recent' | 'average' | 'lapsed';
export type FrequencyTrait = 'frequent' | 'regular' | 'occasional' | 'one_off';
export type SpendTrait = 'high' | 'mid' | 'low';

export interface ClusterTraits {
  recency: RecencyTrait;
  frequency: FrequencyTrait;
  spend: SpendTrait;
}

/** Half a standard deviation from the mean counts as "above" or "below". */
export const TRAIT_CUT = 0.5;

/**
 * `z`: the centroid's z-scores of log recency, log frequency and log spend; `meanFrequency`: the
 * cluster's mean number of orders (a cluster of one-time buyers is "one-off", whatever its z).
 */
export function clusterTraits(
  z: readonly [number, number, number],
  meanFrequency: number,
): ClusterTraits {
  const [r, f, m] = z;
  return {
    // Fewer days since the last purchase is more recent.
    recency: r < -TRAIT_CUT ? 'recent' : r > TRAIT_CUT ? 'lapsed' : 'average',
    frequency:
      meanFrequency < 1.1
        ? 'one_off'
        : f > TRAIT_CUT
          ? 'frequent'
          : f < -TRAIT_CUT
            ? 'occasional'
            : 'regular',
    spend: m > TRAIT_CUT ? 'high' : m < -TRAIT_CUT ? 'low' : 'mid',
  };
}

const traitKey = (t: ClusterTraits) => `${t.recency}/${t.frequency}/${t.spend}`;

/**
 * For clusters sharing a name, the 1-based rank among them (in cluster order); 0 when the name is
 * the cluster's own.
 */
export function duplicateRanks(traits: readonly ClusterTraits[]): number[] {
  const counts = new Map<string, number>();
  for (const t of traits) counts.set(traitKey(t), (counts.get(traitKey(t)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return traits.map((t) => {
    const key = traitKey(t);
    if ((counts.get(key) ?? 0) < 2) return 0;
    const rank = (seen.get(key) ?? 0) + 1;
    seen.set(key, rank);
    return rank;
  });
}
