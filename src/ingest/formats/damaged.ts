import { EngineError } from '../../engine/errors';

/**
 * A file whose format we recognised but whose reader failed: truncated downloads, broken copies.
 * The library's own first line goes along, as the one hint of what is wrong.
 */
export function damaged(fileName: string, format: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = (text.split('\n')[0] ?? '').trim();
  const message = firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
  return new EngineError('file_damaged', { file: fileName, format, message });
}
