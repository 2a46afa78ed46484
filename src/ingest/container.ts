import { EngineError } from '../engine/errors';

/** What the bytes are, judged by their first bytes (the file name can lie). */
export type Container = 'gzip' | 'zstd' | 'zip' | 'text' | 'binary';

const starts = (bytes: Uint8Array, magic: readonly number[]) =>
  magic.every((b, i) => bytes[i] === b);

export function detectContainer(bytes: Uint8Array): Container {
  if (starts(bytes, [0x1f, 0x8b])) return 'gzip';
  if (starts(bytes, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  return looksBinary(bytes) ? 'binary' : 'text';
}

/**
 * Text files (in any of the encodings we read) have no NUL bytes, except UTF-16, whose BOM or
 * alternating zero bytes we recognise first.
 */
function looksBinary(bytes: Uint8Array): boolean {
  if (starts(bytes, [0xff, 0xfe]) || starts(bytes, [0xfe, 0xff])) return false;
  const head = bytes.subarray(0, 65_536);
  let nul = 0;
  for (const b of head) if (b === 0) nul++;
  return nul > 0 && !looksLikeUtf16WithoutBom(head);
}

function looksLikeUtf16WithoutBom(head: Uint8Array): boolean {
  let zerosAtOdd = 0;
  let zerosAtEven = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] !== 0) continue;
    if (i % 2) zerosAtOdd++;
    else zerosAtEven++;
  }
  const half = head.length / 2;
  return zerosAtOdd > half * 0.3 !== zerosAtEven > half * 0.3;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The text bytes inside the file: gzip is unpacked; other containers get a clear error. */
export async function unpack(bytes: Uint8Array, fileName: string): Promise<Uint8Array> {
  const container = detectContainer(bytes);
  switch (container) {
    case 'text':
      return bytes;
    case 'gzip':
      try {
        return await unpack(await gunzip(bytes), fileName);
      } catch (e) {
        if (e instanceof EngineError) throw e;
        throw new EngineError('unsupported_format', { file: fileName, format: 'gzip (damaged)' });
      }
    case 'zip':
      throw new EngineError('unsupported_format', { file: fileName, format: 'zip / xlsx' });
    case 'zstd':
      throw new EngineError('unsupported_format', { file: fileName, format: 'zstd' });
    case 'binary':
      throw new EngineError('not_text', { file: fileName });
  }
}
