import { generateFixtures } from '../../scripts/generate-fixtures.mjs';

/** Vitest global setup: the generated fixtures exist (and are current) before any test reads them. */
export default async function setup(): Promise<void> {
  await generateFixtures();
}
