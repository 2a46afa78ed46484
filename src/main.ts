import { mount } from 'svelte';
import App from './App.svelte';
import { EngineClient } from './engine/client';
import { ComputeClient, computePoolSize } from './engine/computeClient';
import { isCurrency } from './i18n/format';
import { isLocale, preferredLocale } from './i18n/locales';
import { hasOwnData } from './persist/ownDataMarker';
import { fetchFirstScreen, firstScreenSample } from './state/firstScreen';
import { Session } from './state/session.svelte';
import type { Persistence } from './state/persistence.svelte';
import './app.css';
import computeWorkerUrl from '../workers/compute.worker.ts?worker&url';
import { adoptEarlyDbWorker, blobStarting, connectPolicyWritten, startDbWorker } from './boot';

// public/csp.js writes the connect-src policy; without it connections would be unrestricted.
if (!connectPolicyWritten())
  throw new Error('ValueMap: csp.js did not run; not starting without the connection policy');

// Workers start from blob: URLs so that they inherit the page's policy (see boot.ts).
const computeWorkerBlob = blobStarting(computeWorkerUrl);

// The engine's first worker was started by boot.ts, before this script had downloaded; a
// restart's workers are started here.
const engine = new EngineClient(
  (generation) => (generation === 0 && adoptEarlyDbWorker()) || startDbWorker(generation),
);
// Models run in workers of their own (a few, so that fits run side by side), each started when a
// job first needs it.
const compute = new ComputeClient(
  () => new Worker(computeWorkerBlob, { type: 'module', name: 'compute' }),
  computePoolSize(navigator.hardwareConcurrency),
);
const session = new Session(engine, compute);
const params = new URLSearchParams(location.search);
const lang = params.get('lang');
session.locale = isLocale(lang) ? lang : preferredLocale(navigator.languages);
const currency = params.get('currency');
if (isCurrency(currency)) session.currency = currency;

// A first visit sees the sample's first screen computed at build time while the engine compiles;
// saved work's code follows it (it restores the same sample, or another visit's settings).
const firstSample = firstScreenSample(params, session.locale, hasOwnData());
const firstScreen = firstSample
  ? fetchFirstScreen(firstSample).then((screen) => screen && session.showPreview(screen))
  : Promise.resolve();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
// `?present` (or `?present=<slide>`) opens a shared link straight into presentation mode.
const present = params.has('present') ? params.get('present') || 'overview' : null;
const theme = params.get('theme') === 'dark' ? 'dark' : 'light';
// Saved work loads as its own chunk once the first screen is painted, while the engine starts. A
// shared link (`?config=`, with `?data=` for a public file or `?sample=`) opens its view;
// else the last visit's work comes back from this browser; else a built-in sample.
const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
const persistence = firstScreen
  .then(painted)
  .then(() =>
    Promise.all([import('./state/persistence.svelte'), import('./notebook/sessionNotebook')]),
  )
  .then(([{ Persistence }, { notebookOf }]) => {
    const saved = new Persistence(session);
    saved.attachNotebook(notebookOf(session));
    if (window.valuemap) window.valuemap.persistence = saved;
    void saved.start(params);
    return saved;
  });
mount(App, { target, props: { session, present, theme, persistence } });

// Automation and benchmarks read engine facts from here; nothing else depends on it.
declare global {
  interface Window {
    valuemap?: { session: Session; engine: EngineClient; persistence?: Persistence };
  }
}
window.valuemap = { session, engine };
