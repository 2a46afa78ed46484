import { EngineError } from '../engine/errors';
import { unpack } from './container';
import { detectEncoding, toUtf8, type SourceEncoding } from './encoding';

/** The file's bytes as UTF-8 text bytes for DuckDB, and the encoding they came in. */
export async function decodeToUtf8(
  bytes: Uint8Array,
  fileName: string,
): Promise<{ utf8: Uint8Array; encoding: SourceEncoding }> {
  if (bytes.length === 0) throw new EngineError('empty_file', { file: fileName });
  const text = await unpack(bytes, fileName);
  if (text.length === 0) throw new EngineError('empty_file', { file: fileName });
  const encoding = detectEncoding(text);
  return { utf8: toUtf8(text, encoding), encoding };
}
