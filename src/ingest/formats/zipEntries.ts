/**
 * Whether a zip archive (or the first part of one) has an entry whose name starts with `prefix`.
 * Entry names are stored uncompressed in each local header and again in the central directory at
 * the end, so no unpacking is needed.
 */
export function zipHasEntry(bytes: Uint8Array, prefix: string): boolean {
  const name = new TextEncoder().encode(prefix);
  for (
    let i = bytes.indexOf(0x50);
    i >= 0 && i + 46 < bytes.length;
    i = bytes.indexOf(0x50, i + 1)
  ) {
    if (bytes[i + 1] !== 0x4b) continue;
    let nameAt = -1;
    if (bytes[i + 2] === 0x03 && bytes[i + 3] === 0x04) nameAt = i + 30; // local file header
    if (bytes[i + 2] === 0x01 && bytes[i + 3] === 0x02) nameAt = i + 46; // central directory
    if (nameAt >= 0 && name.every((b, k) => bytes[nameAt + k] === b)) return true;
  }
  return false;
}
