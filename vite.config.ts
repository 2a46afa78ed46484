import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

// The blocking browser build of DuckDB-WASM is shipped by the package but not listed in its
// `exports`; we run it inside our own worker so that one worker owns both engine and models.
const duckdbBrowserBlocking = fileURLToPath(
  new URL('./node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser-blocking.mjs', import.meta.url),
);

export default defineConfig({
  // Relative base: the built app works from any sub-path of any static host.
  base: './',
  plugins: [svelte()],
  resolve: {
    alias: [{ find: /^duckdb-wasm-browser-blocking$/, replacement: duckdbBrowserBlocking }],
  },
  // Without the exclusion the dev server re-optimises DuckDB and reloads mid-upload.
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm', 'duckdb-wasm-browser-blocking'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    globalSetup: ['tests/setup/fixtures.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
