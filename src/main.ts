import { mount } from 'svelte';
import App from './App.svelte';
import { EngineClient } from './engine/client';
import { isCurrency } from './i18n/format';
import { isLocale, preferredLocale } from './i18n/locales';
import { Session } from './state/session.svelte';
import './app.css';

// The worker (and so the engine) starts now, while the page renders, not when a file arrives.
const engine = new EngineClient(
  (generation) =>
    new Worker(new URL('../workers/db.worker.ts', import.meta.url), {
      type: 'module',
      name: `db-${generation}`,
    }),
);
const session = new Session(engine);
const params = new URLSearchParams(location.search);
const lang = params.get('lang');
session.locale = isLocale(lang) ? lang : preferredLocale(navigator.languages);
const currency = params.get('currency');
if (isCurrency(currency)) session.currency = currency;

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
// `?present` (or `?present=<slide>`) opens a shared link straight into presentation mode.
const present = params.has('present') ? params.get('present') || 'overview' : null;
const theme = params.get('theme') === 'dark' ? 'dark' : 'light';
mount(App, { target, props: { session, present, theme } });

// A shared link to public data (`?data=`) opens that file; otherwise a built-in sample.
const dataUrl = params.get('data');
if (dataUrl) void session.load({ kind: 'url', url: dataUrl });
else void session.openSample(params.get('sample'));

// Automation and benchmarks read engine facts from here; nothing else depends on it.
declare global {
  interface Window {
    valuemap?: { session: Session; engine: EngineClient };
  }
}
window.valuemap = { session, engine };
