/**
 * DuckDB reads UTF-8 only (here), so bytes in other encodings are decoded in JavaScript and handed
 * over as UTF-8. This covers the BOM-marked encodings and GB18030 (Chinese Excel/WPS "CSV");
 * issue "Real-world files" extends detection to Big5 and Windows-1252 with a user override.
 */
export type SourceEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export function detectEncoding(bytes: Uint8Array): SourceEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return isValidUtf8(bytes) ? 'utf-8' : 'gb18030';
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 0x7f) return false;
  return true;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  if (isAscii(bytes)) return true; // most exports; spares decoding the whole file to a string
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** UTF-8 bytes of the text, without a BOM (DuckDB would otherwise keep it in the first header). */
export function toUtf8(bytes: Uint8Array, encoding: SourceEncoding): Uint8Array {
  if (encoding === 'utf-8') {
    const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return hasBom ? bytes.subarray(3) : bytes;
  }
  const text = new TextDecoder(encoding).decode(bytes); // drops the BOM
  return new TextEncoder().encode(text);
}
