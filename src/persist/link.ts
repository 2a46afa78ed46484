/**
 * The configuration in a URL: compact JSON (defaults left out), deflated (fflate) and written as
 * base64url in `?config=`. Reading it back inflates with a ceiling (a small link cannot expand into
 * gigabytes) and hands the text to the same checks as a file: it is JSON data, never evaluated.
 */
import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';
import { compactConfig, parseConfig, type AnalysisConfig, type ConfigCheck } from './config';

/** Longer `config=` values are refused before they are decoded. */
export const MAX_PARAM_CHARS = 64 * 1024;
/** The most JSON a link may inflate to. */
export const MAX_INFLATED_BYTES = 1_000_000;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export function encodeConfig(config: AnalysisConfig): string {
  // The notebook travels in files, not links: cells would make links too long to share.
  const compact = compactConfig({ ...config, notebook: null });
  return toBase64Url(deflateSync(strToU8(JSON.stringify(compact)), { level: 9 }));
}

function inflateCapped(bytes: Uint8Array): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooBig = false;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > MAX_INFLATED_BYTES) tooBig = true;
    else chunks.push(chunk);
  });
  try {
    // Fed in pieces so a bomb is stopped after at most one piece past the ceiling.
    for (let i = 0; i < bytes.length && !tooBig; i += 1024)
      inflater.push(bytes.subarray(i, i + 1024), i + 1024 >= bytes.length);
  } catch {
    return null;
  }
  if (tooBig) return null;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function decodeConfig(param: string): ConfigCheck {
  if (param.length > MAX_PARAM_CHARS)
    return { ok: false, error: { code: 'too_large', bytes: param.length } };
  const bytes = fromBase64Url(param);
  const json = bytes && inflateCapped(bytes);
  if (!json) return { ok: false, error: { code: 'not_json' } };
  let text: string;
  try {
    text = strFromU8(json);
  } catch {
    return { ok: false, error: { code: 'not_json' } };
  }
  return parseConfig(text);
}

/**
 * The page's address with the configuration, and where the data comes from when it is public:
 * `data=` for a URL, `sample=` for a built-in sample. Other query parameters are dropped (they
 * describe the sender's view, e.g. `present`).
 */
export function shareLink(
  pageUrl: string,
  config: AnalysisConfig,
  data: { url: string } | { sample: string } | null,
): string {
  const url = new URL(pageUrl);
  url.search = '';
  url.hash = '';
  url.searchParams.set('config', encodeConfig(config));
  if (data && 'url' in data) url.searchParams.set('data', data.url);
  if (data && 'sample' in data) url.searchParams.set('sample', data.sample);
  return url.toString();
}
