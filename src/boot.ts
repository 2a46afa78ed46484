/**
 * The page's first module: it starts the engine's worker, and so DuckDB-WASM's download and
 * compile, while the app's own JavaScript (src/main.ts, App.svelte and the rest) is still on its
 * way. index.html loads this chunk by itself, `async` (vite.config.ts, bootEntry); src/main.ts
 * imports the same module and adopts the worker as the engine's first. Keep it tiny: everything
 * it imports is downloaded before the worker can start.
 */
import dbWorkerUrl from '../workers/db.worker.ts?worker&url';

/**
 * A worker started from its own URL runs under its response's CSP, which a static host leaves
 * empty: it could connect anywhere. Started from a blob: URL that imports it, it inherits this
 * page's policy (connect-src, 'wasm-unsafe-eval') instead — tests/e2e/security.spec.ts checks it.
 */
export const blobStarting = (url: string): string =>
  URL.createObjectURL(
    new Blob([`import ${JSON.stringify(new URL(url, location.href).href)};`], {
      type: 'text/javascript',
    }),
  );

/** public/csp.js has written the connection policy a worker inherits; without it none starts. */
export const connectPolicyWritten = (): boolean =>
  document.querySelector('meta[data-csp="connect"]') !== null;

const dbWorkerBlob = blobStarting(dbWorkerUrl);

/** The engine's worker of one generation: `db-<generation>` numbers its datasets (db.worker.ts). */
export const startDbWorker = (generation: number): Worker =>
  new Worker(dbWorkerBlob, { type: 'module', name: `db-${generation}` });

let early: Worker | null = connectPolicyWritten() ? startDbWorker(0) : null;
// An error event before the page listens would be lost: remembered here instead.
let failedEarly = false;
early?.addEventListener('error', () => (failedEarly = true), { once: true });

/**
 * The generation-0 worker started above, once (null after, or when it could not start): the
 * engine client takes it instead of starting another. One that already failed is ended and the
 * client starts its own, as it would have without this head start.
 */
export function adoptEarlyDbWorker(): Worker | null {
  const worker = early;
  early = null;
  if (worker && failedEarly) {
    worker.terminate();
    return null;
  }
  return worker;
}
