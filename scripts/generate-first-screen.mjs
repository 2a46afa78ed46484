// Writes public/samples/<name>.first.json: each built-in sample analysed at build time, exactly as
// the page analyses it (the engine's own steps on DuckDB-WASM's Node bindings), so a first visit
// shows the sample's summary, RFM grid and segments at once while the engine compiles.
//
//   node scripts/generate-first-screen.mjs
//
// Run by `npm run build` and `npm run dev` after generate-samples.mjs. The engine's TypeScript is
// loaded through Vite (ssrLoadModule), the way the unit tests load it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const samplesDir = path.join(root, 'public', 'samples');
/** Bump when the file's shape changes; the page ignores a file of another version. */
const FIRST_SCREEN_VERSION = 1; // = src/state/firstScreen.ts

const server = await createServer({
  root,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, watch: null },
  appType: 'custom',
  optimizeDeps: { noDiscovery: true },
});
try {
  const { startEngine } = await server.ssrLoadModule('/tests/unit/helpers/engine.ts');
  const { DEFAULT_POLICY } = await server.ssrLoadModule('/src/analysis/policy.ts');
  const engine = await startEngine();
  const index = JSON.parse(readFileSync(path.join(samplesDir, 'index.json'), 'utf8'));
  for (const sample of index) {
    const started = performance.now();
    const bytes = readFileSync(path.join(samplesDir, sample.file));
    // The page's own path: the file as a Blob, read options left to detection.
    const loaded = await engine.load([{ name: sample.file, blob: new Blob([bytes]) }], {
      encoding: null,
      sheet: null,
    });
    const result = await engine.analyse(loaded.datasetId, loaded.guess, {
      asOf: null,
      scheme: 'rfm11',
      policy: DEFAULT_POLICY,
      dateFamily: null,
    });
    const out = path.join(samplesDir, `${sample.name}.first.json`);
    const file = { version: FIRST_SCREEN_VERSION, sample: sample.name, scheme: 'rfm11', result };
    writeFileSync(out, JSON.stringify(file));
    const ms = Math.round(performance.now() - started);
    console.log(`first screen: ${path.relative(root, out)} (${ms} ms)`);
  }
} finally {
  await server.close();
}
