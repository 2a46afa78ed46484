// Writes public/samples/<name>.first.json: each built-in sample analysed at build time, exactly as
// the page analyses it (the engine's own steps on DuckDB-WASM's Node bindings), so a first visit
// shows the sample's summary, RFM grid, segments and value map at once while the engine compiles.
// The value map is the page's default view after the value step (the page's default value
// settings, value columns found by name as the page finds them), reduced to what the chart draws:
// marks placed on the plot in thousandths, an even sample of them above MAX_MARKS customers
// (src/charts/valueMapPreviewData.ts), so each file stays a few kB gzip.
//
//   node scripts/generate-first-screen.mjs
//
// Run by `npm run build` and `npm run dev` after generate-samples.mjs. The engine's TypeScript is
// loaded through Vite (ssrLoadModule), the way the unit tests load it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createServer } from 'vite';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const samplesDir = path.join(root, 'public', 'samples');
/** Bump when the file's shape changes; the page ignores a file of another version. */
const FIRST_SCREEN_VERSION = 2; // = src/state/firstScreen.ts

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
  const { guessValueColumns } = await server.ssrLoadModule('/src/analysis/valueColumns.ts');
  const { segmentKeysOf } = await server.ssrLoadModule('/src/analysis/segments.ts');
  const { LIFECYCLE_STAGES } = await server.ssrLoadModule('/src/analysis/lifecycleRules.ts');
  const { DEFAULT_VALUE_OPTIONS } = await server.ssrLoadModule('/src/engine/types.ts');
  const { decodePoints } = await server.ssrLoadModule('/src/explore/decodePoints.ts');
  const { valueMapPreviewOf } = await server.ssrLoadModule('/src/charts/valueMapPreviewData.ts');
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
    // The value step as the page starts it after the analysis (Session.analyse → computeValue).
    const guessed = guessValueColumns(
      loaded.columns.map((c) => c.name),
      loaded.attributes?.columns ?? null,
    );
    let valueMap = null;
    try {
      engine.beginWork();
      await engine.value(loaded.datasetId, { ...DEFAULT_VALUE_OPTIONS, ...guessed, cac: [] });
      engine.beginWork();
      const bytes = await engine.points(loaded.datasetId, 'rfm11');
      const points = decodePoints(bytes, {
        datasetId: loaded.datasetId,
        asOf: result.asOf,
        segmentKeys: segmentKeysOf('rfm11'),
        tierKeys: ['high', 'mid', 'low'],
        stageKeys: LIFECYCLE_STAGES,
      });
      valueMap = valueMapPreviewOf(points);
    } catch (e) {
      console.warn(`first screen: ${sample.name}: no value map (${e?.message ?? e})`);
    }
    const out = path.join(samplesDir, `${sample.name}.first.json`);
    const file = {
      version: FIRST_SCREEN_VERSION,
      sample: sample.name,
      scheme: 'rfm11',
      result,
      valueMap,
    };
    const json = JSON.stringify(file);
    writeFileSync(out, json);
    const ms = Math.round(performance.now() - started);
    const kb = (gzipSync(json).length / 1000).toFixed(1);
    const marks = valueMap ? `${valueMap.marks.y.length} of ${valueMap.n} marks` : 'no value map';
    console.log(`first screen: ${path.relative(root, out)} (${kb} kB gzip, ${marks}; ${ms} ms)`);
  }
} finally {
  await server.close();
}
