// Helpers shared by the benchmark scripts.
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Per-key medians of the numeric fields of several runs (per-statement logs stay in the runs). */
export function medians(runs) {
  const out = {};
  for (const key of Object.keys(runs[0]))
    if (typeof runs[0][key] === 'number') out[key] = round(median(runs.map((r) => r[key])), 1);
  return out;
}

/** Resident memory of the browser's renderer processes (the page and its workers), in MB. */
export function rendererRssMb(browserPid) {
  const ps = execFileSync('ps', ['-eo', 'pid,ppid,rss,args'], { encoding: 'utf8' });
  let kb = 0;
  for (const line of ps.split('\n').slice(1)) {
    const [pid, ppid, rss, ...args] = line.trim().split(/\s+/);
    if (!pid) continue;
    const cmd = args.join(' ');
    if (
      cmd.includes('--type=renderer') &&
      (ppid === String(browserPid) || cmd.includes('chromium'))
    )
      kb += Number(rss);
  }
  return kb / 1024;
}

export async function waitForServer(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** The production build served plainly (as a static host would) on `port`; call the result to stop it. */
export async function startPreview(root, port) {
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    cwd: root,
    stdio: 'ignore',
    detached: true,
  });
  const stop = () => process.kill(-server.pid);
  try {
    await waitForServer(`http://localhost:${port}/`);
  } catch (e) {
    stop();
    throw e;
  }
  return stop;
}

/** The machine a result was measured on, for the results JSON and README. */
export function machine(extra = {}) {
  const cpu = os.cpus();
  return {
    cpu: cpu[0]?.model,
    cores: cpu.length,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    ...extra,
  };
}
