import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The blocking browser build of DuckDB-WASM is shipped by the package but not listed in its
// `exports`; we run it inside our own worker so that one worker owns both engine and models.
const duckdbBrowserBlocking = fileURLToPath(
  new URL('./node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser-blocking.mjs', import.meta.url),
);

type GlueBundle = 'eh' | 'mvp';

/**
 * The blocking build carries the emscripten JS glue of both wasm bundles (≈130 KB gzip each) though
 * a browser only ever runs one: `duckdb-wasm-browser-blocking/eh` and `/mvp` are that same file with
 * the other bundle's glue replaced by a stub that rejects, so a visitor downloads one glue, not two.
 * The file is matched strictly: a DuckDB-WASM upgrade that changes its shape fails the build loudly.
 */
function duckdbSingleGlue(): Plugin {
  const prefix = '\0duckdb-browser-blocking-';
  return {
    name: 'valuemap:duckdb-single-glue',
    enforce: 'pre',
    resolveId(id) {
      const bundle = /^duckdb-wasm-browser-blocking\/(eh|mvp)$/.exec(id)?.[1];
      return bundle ? `${prefix}${bundle}.mjs` : null;
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const keep = id.slice(prefix.length, -'.mjs'.length) as GlueBundle;
      return withoutGlue(readFileSync(duckdbBrowserBlocking, 'utf8'), keep === 'eh' ? 'mvp' : 'eh');
    },
  };
}

/** The blocking build's source with one bundle's glue (an esbuild CommonJS wrapper) stubbed out. */
function withoutGlue(code: string, drop: GlueBundle): string {
  const start = /var ([\w$]+)=([\w$]+)\(\(exports,module\)=>\{"use strict";var DuckDB=/g;
  const end =
    'typeof exports=="object"&&typeof module=="object"?module.exports=DuckDB:typeof define=="function"&&define.amd&&define([],()=>DuckDB)});';
  const glues = [...code.matchAll(start)].map((m) => {
    const to = code.indexOf(end, m.index);
    if (to < 0) throw new Error('duckdb-single-glue: end of a glue not found');
    const text = code.slice(m.index, to + end.length);
    // Only the eh glue uses wasm exception tags.
    return { from: m.index, to: to + end.length, name: m[1], wrap: m[2], text };
  });
  const eh = glues.filter((g) => g.text.includes('WebAssembly.Tag'));
  const mvp = glues.filter((g) => !g.text.includes('WebAssembly.Tag'));
  const glue = (drop === 'eh' ? eh : mvp)[0];
  if (glues.length !== 2 || eh.length !== 1 || mvp.length !== 1 || !glue) {
    throw new Error('duckdb-single-glue: expected one eh and one mvp glue in the blocking build');
  }
  const stub = `var ${glue.name}=${glue.wrap}((exports,module)=>{module.exports=()=>Promise.reject(new Error("DuckDB-WASM ${drop} glue is not in this chunk"))});`;
  return code.slice(0, glue.from) + stub + code.slice(glue.to);
}

/**
 * src/boot.ts as a script of its own, ahead of the app: a build entry whose chunk index.html loads
 * `async`, so the engine's worker (and DuckDB's wasm) starts while the app's JavaScript is still
 * downloading. A module script written into index.html would be bundled into the app's entry
 * chunk and wait for all of it. src/main.ts imports the same chunk, so the module runs once.
 */
function bootEntry(): Plugin {
  const entry = 'src/boot.ts';
  const root = fileURLToPath(new URL('.', import.meta.url));
  return {
    name: 'valuemap:boot-entry',
    config(_, { command }) {
      if (command !== 'build') return;
      return {
        build: {
          rolldownOptions: {
            input: { index: `${root}index.html`, boot: `${root}${entry}` },
          },
        },
      };
    },
    transformIndexHtml: {
      order: 'post',
      handler(_, context) {
        let src = `/${entry}`; // the dev server serves the module itself
        if (context.bundle) {
          const chunk = Object.values(context.bundle).find(
            (c) => c.type === 'chunk' && c.isEntry && c.name === 'boot',
          );
          if (!chunk) throw new Error('boot-entry: no boot chunk in the bundle');
          src = `./${chunk.fileName}`;
        }
        // After csp.js (end of head): the worker must inherit the connection policy it writes.
        return [
          {
            tag: 'script',
            attrs: { type: 'module', crossorigin: true, async: true, src },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}

export default defineConfig({
  // Relative base: the built app works from any sub-path of any static host.
  base: './',
  plugins: [svelte(), duckdbSingleGlue(), bootEntry()],
  resolve: {
    alias: [{ find: /^duckdb-wasm-browser-blocking$/, replacement: duckdbBrowserBlocking }],
  },
  // Without the exclusion the dev server re-optimises DuckDB and reloads mid-upload.
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm', 'duckdb-wasm-browser-blocking'] },
  worker: {
    format: 'es',
    plugins: () => [duckdbSingleGlue()],
    // DuckDB-WASM's JS in chunks of their own: a release of the app leaves them cached, and
    // scripts/bundle-size.mjs reports them apart from the app's code.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // First, or the DuckDB chunk would take Arrow in with it as its dependency.
            {
              name: 'apache-arrow',
              test: /node_modules[\\/](apache-arrow|flatbuffers|tslib)[\\/]/,
              priority: 1,
            },
            { name: 'duckdb-wasm-eh', test: /duckdb-browser-blocking-eh/ },
            { name: 'duckdb-wasm-mvp', test: /duckdb-browser-blocking-mvp/ },
          ],
        },
      },
    },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    globalSetup: ['tests/setup/fixtures.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
