import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Chromium flags for headless runs on machines with a closed network (see ENGINE-NOTES.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

async function playwrightBrowserPath() {
  try {
    const { chromium } = await import('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** A Chromium already on this machine: $CHROMIUM_PATH, the system package, or Playwright's own. */
export async function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  return SYSTEM_PATHS.find((p) => existsSync(p)) ?? (await playwrightBrowserPath());
}

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/**
 * Install a Chromium when none is found: Debian's package with apt-get where we may (the only way on
 * machines whose network reaches package registries but not browser downloads), else Playwright's.
 */
export async function provisionChromium() {
  const found = await findChromium();
  if (found) return { path: found, installed: null };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
    const path = await findChromium();
    if (path) return { path, installed: "Debian's chromium package (apt-get)" };
  }
  run('npx', ['playwright', 'install', 'chromium']);
  const path = await findChromium();
  if (!path) throw new Error('No Chromium found and none could be installed; set CHROMIUM_PATH.');
  return { path, installed: "Playwright's Chromium (npx playwright install chromium)" };
}

/** Whether fontconfig knows a font with Chinese glyphs. */
function hasCjkFont() {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

/**
 * Chinese text must render for the screenshots the visual tests compare (tests/e2e/visual.spec.ts):
 * Debian's fonts-noto-cjk, installed with apt-get where we may. Returns what it did, or why not.
 */
export function provisionCjkFont() {
  if (hasCjkFont()) return 'present';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return 'missing (not root, or no apt-get)';
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', 'fonts-noto-cjk']);
  return hasCjkFont() ? "installed Debian's fonts-noto-cjk" : 'missing after apt-get';
}
