import { generateFixtures } from '../../scripts/generate-fixtures.mjs';
import { generateSamples } from '../../scripts/generate-samples.mjs';

/**
 * Vitest global setup: the generated fixtures and the app's samples exist (and are current) before
 * any test reads them — a clean clone has neither.
 */
export default async function setup(): Promise<void> {
  await generateFixtures();
  generateSamples();
}
