// Writes the ingest test fixtures to tests/fixtures/generated/ (gitignored): one module per family
// of cases in scripts/fixtures/, each exporting `generate(outDir)`. Binary fixtures (GBK, UTF-16,
// xlsx, Parquet) are made by the same libraries users' tools use, so they are never hand-edited.
import { mkdir, readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../tests/fixtures/generated/', import.meta.url));
const MODULES_DIR = new URL('./fixtures/', import.meta.url);

/** Every fixture module's files, written to `outDir`; returns the names of the modules run. */
export async function generateFixtures(outDir = FIXTURES_DIR) {
  await mkdir(outDir, { recursive: true });
  const modules = (await readdir(MODULES_DIR)).filter((f) => f.endsWith('.mjs')).sort();
  for (const name of modules) {
    const module = await import(new URL(name, MODULES_DIR).href);
    await module.generate(outDir);
  }
  return modules;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const modules = await generateFixtures();
  console.log(`fixtures: ${modules.join(', ')} → ${FIXTURES_DIR}`);
}
