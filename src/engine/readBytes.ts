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

export function readFile(
  file: File,
  onProgress: ProgressListener,
  signal: AbortSignal,
): Promise<Uint8Array> {
  return readStream(file.stream(), file.size, onProgress, signal);
}

/** Fetch a same-origin resource (a built-in sample) with progress. */
export async function fetchBytes(
  url: string,
  onProgress: ProgressListener,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) {
    throw new EngineError('csv_unreadable', { file: url, message: `HTTP ${response.status}` });
  }
  const length = Number(response.headers.get('content-length'));
  return readStream(
    response.body,
    Number.isFinite(length) && length > 0 ? length : null,
    onProgress,
    signal,
  );
}
