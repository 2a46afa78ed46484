import { EngineError } from './errors';

export type ProgressListener = (loadedBytes: number, totalBytes: number | null) => void;

/** Read a stream into one buffer, reporting progress; the signal aborts it between chunks. */
export async function readStream(
  stream: ReadableStream<Uint8Array>,
  totalBytes: number | null,
  onProgress: ProgressListener,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    for (;;) {
      if (signal.aborted) throw new EngineError('cancelled');
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress(loaded, totalBytes);
    }
  } finally {
    if (signal.aborted) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  if (signal.aborted) throw new EngineError('cancelled');
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

/**
 * Fetch a built-in sample or a public data file (`?data=`) with progress. A refused cross-origin
 * request reaches JavaScript only as a bare TypeError, so the message names CORS as the likely cause.
 */
export async function fetchBytes(
  url: string,
  onProgress: ProgressListener,
  signal: AbortSignal,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (e) {
    if (signal.aborted) throw new EngineError('cancelled');
    const reason = e instanceof Error ? e.message : String(e);
    throw new EngineError('url_unreachable', { url, reason });
  }
  if (!response.ok || !response.body) {
    const reason = `HTTP ${response.status} ${response.statusText}`.trim();
    throw new EngineError('url_unreachable', { url, reason });
  }
  const length = Number(response.headers.get('content-length'));
  return readStream(
    response.body,
    Number.isFinite(length) && length > 0 ? length : null,
    onProgress,
    signal,
  );
}

/** The last path segment of a URL, for naming the data and its exports. */
export function urlFileName(url: string): string {
  try {
    const path = new URL(url, location.href).pathname;
    return decodeURIComponent(path.split('/').filter(Boolean).pop() ?? '') || 'data.csv';
  } catch {
    return 'data.csv';
  }
}
