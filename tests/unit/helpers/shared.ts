import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `../shared` beside the clone: always there in CI, maybe not in a developer's clone. */
export const SHARED_DIR = fileURLToPath(new URL('../../../../shared/', import.meta.url));

export function sharedPath(relative: string): string | null {
  const path = SHARED_DIR + relative;
  if (existsSync(path)) return path;
  console.warn(
    `Skipping tests that need ${path}: ../shared is not beside this clone (it always is in CI).`,
  );
  return null;
}
