/** Reading JSON that comes from outside the app: a stored value, an imported file, a link. */

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export type JsonError = { code: 'not_json' } | { code: 'too_large'; bytes: number };

/** Text → its JSON value; text longer than `maxChars` is refused before it is parsed. */
export function readJson(
  text: string,
  maxChars: number,
): { ok: true; value: unknown } | { ok: false; error: JsonError } {
  if (text.length > maxChars)
    return { ok: false, error: { code: 'too_large', bytes: text.length } };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: { code: 'not_json' } };
  }
}

export type VersionError =
  { code: 'version_old'; version: number } | { code: 'version_new'; version: number };

/**
 * A versioned document's header: `foreign` when it is not an object of `format` with a whole
 * version number, a version error when it is ours but written by an older or newer ValueMap.
 */
export function checkHeader<F>(
  raw: unknown,
  format: string,
  version: number,
  foreign: F,
): { ok: true; doc: Record<string, unknown> } | { ok: false; error: F | VersionError } {
  if (!isRecord(raw) || raw.format !== format) return { ok: false, error: foreign };
  const found = raw.version;
  if (typeof found !== 'number' || !Number.isInteger(found)) return { ok: false, error: foreign };
  if (found < version) return { ok: false, error: { code: 'version_old', version: found } };
  if (found > version) return { ok: false, error: { code: 'version_new', version: found } };
  return { ok: true, doc: raw };
}
