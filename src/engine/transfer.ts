/**
 * Typed arrays cross between the page and its workers transferred, not copied: these find the
 * buffers to transfer in a result and make sure each is owned by that result alone.
 */

/** Every typed array's buffer in a result (a few levels deep), to transfer rather than copy. */
export function transferables(value: unknown, depth = 3): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) return [value.buffer as ArrayBuffer];
  if (depth === 0 || value === null || typeof value !== 'object') return [];
  const values = Array.isArray(value) ? value : Object.values(value);
  return [...new Set(values.flatMap((v) => transferables(v, depth - 1)))];
}

/**
 * Views that share a buffer with other data (DuckDB's result chunks) are copied first, so that
 * transferring never takes away memory still in use.
 */
export function ownBuffers<T>(value: T, depth = 3): T {
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as Uint8Array;
    const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
    return (whole ? value : (view.slice() as unknown as T)) as T;
  }
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => ownBuffers(v, depth - 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = ownBuffers(v, depth - 1);
  return out as T;
}
