import type { Server } from 'node:http';
import { serveSubpath } from '../../scripts/serve-subpath.mjs';
import { customerCount, expect, test, waitReady } from './fixtures';

/**
 * The build served from a deep sub-path by a plain static server (no special headers), as on
 * GitHub Pages or an intranet: the worker, the wasm, the lazy chunks and the samples all resolve
 * relative to the page. The server answers 404 outside the sub-path, so an asset asked for from
 * the origin root would break the app and show up in `requests`.
 */
const PORT = Number(process.env.E2E_SUBPATH_PORT ?? 4294);
const BASE = '/some/deep/path/';
const requests: string[] = [];
let server: Server;

test.beforeAll(async () => {
  server = await serveSubpath({
    dir: process.env.E2E_OUT_DIR ?? 'dist',
    port: PORT,
    base: BASE,
    requests,
  });
});
test.afterAll(() => new Promise<void>((done) => server.close(() => done())));
test.use({ baseURL: `http://localhost:${PORT}${BASE}` });

test('the build works from a sub-path of a plain static host', async ({ page }) => {
  await page.goto('./?sample=online-retail-en&lang=en');
  await waitReady(page);
  expect(await customerCount(page)).toBe('4000');
  // The lazily loaded value and lifecycle steps (worker chunks) and panels (page chunks) ran.
  await expect(page.getByTestId('value-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('lifecycle-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  const paths = [...requests];
  expect(paths.filter((p) => !p.startsWith(BASE))).toEqual([]);
  expect(paths.some((p) => /\/assets\/db\.worker-[\w-]+\.js$/.test(p))).toBe(true);
  expect(paths.some((p) => /\/assets\/duckdb-(eh|mvp)-[\w-]+\.wasm$/.test(p))).toBe(true);
  expect(paths).toContain(`${BASE}samples/online-retail-en.csv`);
  expect(paths).toContain(`${BASE}csp.js`);
});
