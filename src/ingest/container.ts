/**
 * What the bytes are, judged by their first bytes (the file name can lie). Containers and binary
 * formats announce themselves; text is told from binary by its lack of NUL bytes.
 */
export type Magic = 'gzip' | 'zstd' | 'zip' | 'ole2' | 'parquet';

const starts = (bytes: Uint8Array, magic: readonly number[]) =>
  magic.every((b, i) => bytes[i] === b);

const MAGIC: readonly [Magic, readonly number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  // Also the first bytes of every xlsx, which is a zip of XML files.
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  // OLE2 compound document: Excel 97–2003 .xls (and old .doc/.ppt, rarely dropped here).
  ['ole2', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['parquet', [0x50, 0x41, 0x52, 0x31]], // "PAR1"
];

export function detectMagic(bytes: Uint8Array): Magic | null {
  for (const [name, magic] of MAGIC) if (starts(bytes, magic)) return name;
  return null;
}

/**
 * Text files (in any of the encodings we read) have no NUL bytes, except UTF-16, whose BOM or
 * alternating zero bytes we recognise first.
 */
export function looksBinary(bytes: Uint8Array): boolean {
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
  return zerosAtOdd > half * 0.1 !== zerosAtEven > half * 0.1;
}
