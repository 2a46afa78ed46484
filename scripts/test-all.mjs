// `npm test`: type-check, lint and format-check, unit tests on the real engine, then the
// end-to-end tests against the built app in Chromium. Every step runs; the exit code is non-zero
// if any failed, and a summary names them.
import { spawnSync } from 'node:child_process';

const steps = [
  ['type-check (svelte-check)', 'npm', ['run', '--silent', 'check']],
  ['lint + format (eslint, prettier)', 'npm', ['run', '--silent', 'lint']],
  ['unit tests (vitest, DuckDB-WASM in Node)', 'npx', ['vitest', 'run']],
  ['end-to-end tests (playwright, Chromium)', 'npm', ['run', '--silent', 'test:e2e']],
];

const results = [];
for (const [name, command, args] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  results.push({ name, ok: status === 0, seconds: (Date.now() - started) / 1000 });
}

console.log('\n=== summary ===');
for (const r of results)
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
