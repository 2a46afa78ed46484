#!/usr/bin/env node
// A plain static server that mounts a directory under a sub-path, with no special headers (no
// CSP, no COOP/COEP), the way GitHub Pages or an intranet web server serves a project page:
//   node scripts/serve-subpath.mjs [dir=dist] [port=4294] [base=/some/deep/path/]
// Anything outside the sub-path is a 404, so an asset asked for from the origin root shows up.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serves `dir` at `base` on `port`; resolves to the server once it listens. `requests` collects
 * every path asked for (tests check none fell outside the sub-path).
 */
export function serveSubpath({ dir, port, base, requests = [] }) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (!path.startsWith(base)) {
      res.writeHead(404).end('not under the sub-path');
      return;
    }
    let file = normalize(join(root, path.slice(base.length)));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': size,
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, 'localhost', () => done(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '4294', base = '/some/deep/path/'] = process.argv.slice(2);
  await serveSubpath({ dir, port: Number(port), base });
  console.log(`${dir} at http://localhost:${port}${base}`);
}
