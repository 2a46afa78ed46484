import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../scripts/generate-fixtures.mjs';
import { EngineError } from '../../src/engine/errors';
import { translate } from '../../src/i18n/messages';
import {
  decodeToString,
  utf8Transcoder,
  Utf8Validator,
  type TranscodedEncoding,
} from '../../src/ingest/decode';
import {
  detectEncoding,
  ENCODING_NAMES,
  SOURCE_ENCODINGS,
  type SourceEncoding,
} from '../../src/ingest/encoding';
import { inspectMojibake, looksGarbled, mojibakeScore } from '../../src/ingest/mojibake';
import { transcodeBytesToUtf8, transcodeToUtf8 } from '../../src/ingest/transcode';
import { startDuckDB } from './helpers/engine';

interface Fixture {
  file: string;
  expected: string;
  encoding: SourceEncoding;
  bom: boolean;
}

const fixtures = JSON.parse(
  readFileSync(join(FIXTURES_DIR, 'enc-manifest.json'), 'utf8'),
) as Fixture[];
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(FIXTURES_DIR, file)));
const expectedOf = (f: Fixture) => readFileSync(join(FIXTURES_DIR, f.expected), 'utf8');
const fixture = (file: string) => fixtures.find((f) => f.file === file) as Fixture;

const isAscii = (bytes: Uint8Array) => bytes.every((b) => b < 0x80);
const lineEnds = (bytes: Uint8Array) =>
  Array.from(bytes).flatMap((b, i) => (b === 0x0a ? [i + 1] : []));
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = async (blob: Blob) => new TextDecoder().decode(await blob.arrayBuffer());

/** Text as the app would show it when read in `encoding` (lenient: errors become U+FFFD). */
function decodeAs(bytes: Uint8Array, encoding: SourceEncoding): string {
  return encoding === 'utf-8'
    ? new TextDecoder().decode(bytes)
    : decodeToString(bytes, encoding, true);
}

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(EngineError);
  return outcome as EngineError;
}

describe('detectEncoding', () => {
  it('names every fixture’s encoding from the whole file, with a BOM when it has one', () => {
    expect(new Set(fixtures.map((f) => f.encoding))).toEqual(new Set(SOURCE_ENCODINGS));
    for (const f of fixtures) {
      const guess = detectEncoding(bytesOf(f.file), true);
      expect(guess, f.file).toEqual({
        encoding: f.encoding,
        bom: f.bom,
        confidence: f.bom || f.encoding === 'utf-8' ? 'certain' : 'likely',
      });
    }
  });

  it('names it from every head sample, including ones cut inside a character', () => {
    for (const f of fixtures) {
      const bytes = bytesOf(f.file);
      let cutInside = 0;
      for (let n = 64; n < bytes.length; n++) {
        const head = bytes.subarray(0, n);
        const guess = detectEncoding(head, false);
        if (isAscii(head))
          expect(guess, `${f.file} ${n}`).toMatchObject({
            encoding: 'utf-8',
            confidence: 'likely',
          });
        else expect(guess.encoding, `${f.file} first ${n} bytes`).toBe(f.encoding);
        if (f.encoding !== 'windows-1252' && decodeAs(head, f.encoding).endsWith('\ufffd'))
          cutInside++;
      }
      // The loop did cut multi-byte characters (each leaves an unfinished character at the end).
      if (f.encoding !== 'windows-1252') expect(cutInside, f.file).toBeGreaterThan(5);
    }
  });

  it('tells GBK, Big5 and Windows-1252 apart from the header and three rows, or a single row', () => {
    for (const f of ['enc-gbk.csv', 'enc-big5.csv', 'enc-windows-1252.csv'].map(fixture)) {
      const bytes = bytesOf(f.file);
      const ends = lineEnds(bytes);
      // header + 3 rows, and header + 20 rows, as cut from the file
      for (const lines of [4, 21]) {
        expect(detectEncoding(bytes.subarray(0, ends[lines - 1]), false).encoding).toBe(f.encoding);
      }
      // every data row on its own, as the whole file: the shortest realistic sample
      const rows = expectedOf(f).split('\r\n').slice(1, -1);
      for (const row of rows) {
        const one = new Uint8Array(
          iconv.encode(`${row}\r\n`, f.encoding === 'gb18030' ? 'gbk' : f.encoding),
        );
        if (isAscii(one)) continue;
        expect(detectEncoding(one, true).encoding, row).toBe(f.encoding);
      }
    }
  });

  it('reads the three-line GBK file as GB18030', () => {
    const bytes = bytesOf('enc-gbk-short.csv');
    expect(lineEnds(bytes)).toHaveLength(3);
    expect(detectEncoding(bytes, true).encoding).toBe('gb18030');
  });

  it('calls ASCII so far UTF-8 but only likely until the whole file was seen', () => {
    const ascii = utf8('customer_id,order_date,amount\nA1,2024-03-05,12.50\n');
    expect(detectEncoding(ascii, false)).toEqual({
      encoding: 'utf-8',
      bom: false,
      confidence: 'likely',
    });
    expect(detectEncoding(ascii, true)).toEqual({
      encoding: 'utf-8',
      bom: false,
      confidence: 'certain',
    });
  });
});

describe('transcodeToUtf8', () => {
  it('gives each fixture’s exact text without a BOM, for any chunk size', async () => {
    for (const f of fixtures) {
      const bytes = bytesOf(f.file);
      const expected = expectedOf(f);
      // 1, 2, 3 and 7 byte chunks split every multi-byte character and UTF-16 surrogate pair
      for (const chunkBytes of [1, 2, 3, 7, 64, undefined]) {
        const blob = await transcodeToUtf8(new Blob([bytes]), f.encoding, { chunkBytes });
        expect(await text(blob), `${f.file} in ${chunkBytes} byte chunks`).toBe(expected);
        const inMemory = await transcodeBytesToUtf8(bytes, f.encoding, { chunkBytes });
        expect(new TextDecoder().decode(inMemory)).toBe(expected);
        expect([...inMemory.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
      }
    }
  });

  it('hands UTF-8 back without copying it', async () => {
    const plain = new Blob([bytesOf('enc-utf8.csv')]);
    expect(await transcodeToUtf8(plain, 'utf-8')).toBe(plain);
    const bytes = bytesOf('enc-utf8-bom.csv');
    const view = await transcodeBytesToUtf8(bytes, 'utf-8');
    expect(view.buffer).toBe(bytes.buffer);
    expect(view.byteOffset).toBe(3);
  });

  it('reports progress chunk by chunk up to the whole file', async () => {
    const bytes = bytesOf('enc-gbk.csv');
    const seen: number[] = [];
    await transcodeToUtf8(new Blob([bytes]), 'gb18030', {
      chunkBytes: 100,
      onProgress: (done, total) => {
        expect(total).toBe(bytes.length);
        seen.push(done);
      },
    });
    expect(seen).toHaveLength(Math.ceil(bytes.length / 100));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(bytes.length);
  });

  it('stops with "cancelled" when aborted, before or between chunks', async () => {
    const blob = new Blob([bytesOf('enc-gbk.csv')]);
    const before = new AbortController();
    before.abort();
    expect((await failure(transcodeToUtf8(blob, 'gb18030', { signal: before.signal }))).code).toBe(
      'cancelled',
    );
    for (const encoding of ['gb18030', 'utf-8'] as const) {
      const during = new AbortController();
      let chunks = 0;
      const error = await failure(
        transcodeToUtf8(
          encoding === 'utf-8' ? new Blob([bytesOf('enc-utf8.csv')]) : blob,
          encoding,
          {
            chunkBytes: 64,
            signal: during.signal,
            onProgress: () => {
              chunks++;
              during.abort();
            },
          },
        ),
      );
      expect(error.code).toBe('cancelled');
      expect(chunks).toBe(1);
    }
  });

  describe('a file that is UTF-8 in its head but not further on', () => {
    // A UTF-8 export with a GBK line pasted in far beyond the 256 KB the detector sees.
    const rows = Array.from(
      { length: 12_000 },
      (_, i) => `C${100_000 + i},张伟,2024-03-05,${i}.50\r\n`,
    );
    const badLine = 9_000;
    const gbkName = new Uint8Array(iconv.encode('王芳', 'gbk'));
    const before = utf8(
      '客户ID,客户姓名,下单日期,订单金额\r\n' + rows.slice(0, badLine - 2).join('') + 'C999999,',
    );
    const after = utf8(',2024-03-06,1.00\r\n' + rows.slice(badLine - 2).join(''));
    const file = new Uint8Array([...before, ...gbkName, ...after]);

    it('is detected as UTF-8 from its head', () => {
      expect(before.length).toBeGreaterThan(256 * 1024);
      expect(detectEncoding(file.subarray(0, 256 * 1024), false).encoding).toBe('utf-8');
    });

    it('is refused with the line, byte, bytes and text, and the encoding to pick', async () => {
      // Chunks that end inside the GBK bytes, and ones that do not.
      for (const chunkBytes of [before.length + 1, before.length + 3, 4096, undefined]) {
        const error = await failure(
          transcodeToUtf8(new File([file], 'orders.csv'), 'utf-8', { chunkBytes }),
        );
        expect(error.code).toBe('encoding_mismatch');
        expect(error.details).toEqual({
          file: 'orders.csv',
          line: badLine,
          byte: before.length,
          bytes: Array.from(gbkName, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(
            ' ',
          ),
          text: `C999999,${new TextDecoder().decode(gbkName)},2024-03-06,1.00`,
          suggestion: ENCODING_NAMES.gb18030,
        });
      }
    });

    it('explains it in both languages: what, where and how to fix it', async () => {
      const { details } = await failure(
        transcodeBytesToUtf8(file, 'utf-8', { fileName: 'orders.csv' }),
      );
      const params = details as Record<string, string | number>;
      for (const locale of ['en', 'zh-CN'] as const) {
        const message = translate(locale, 'error.encoding_mismatch', params);
        for (const part of [
          'orders.csv',
          String(badLine),
          String(before.length),
          params.text,
          params.suggestion,
        ]) {
          expect(message).toContain(part);
        }
        expect(message).not.toMatch(/\{\w+\}/);
      }
    });

    it('is refused when its last character is cut off', async () => {
      const cut = utf8('客户ID,金额\nA,12\nB,3张').subarray(0, -1);
      const error = await failure(transcodeToUtf8(new Blob([cut]), 'utf-8', { chunkBytes: 5 }));
      expect(error.details).toMatchObject({ line: 3, byte: cut.length - 2 });
    });
  });
});

describe('round trips', () => {
  const noPrivateUse = (s: string) => !/[\uE000-\uF8FF]/u.test(s);
  const texts = fc
    .array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 4 }),
        fc.constantFrom(...'客户张伟北京訂單臺北,;"\r\n0123456789ABCabcéü€£'),
        fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c)),
        fc.integer({ min: 0x1f300, max: 0x1faff }).map((c) => String.fromCodePoint(c)),
        fc.integer({ min: 0x20000, max: 0x2a6df }).map((c) => String.fromCodePoint(c)),
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(''));

  it('any text, encoded as Excel or iconv-lite would, comes back exactly in any chunking', async () => {
    // GB18030-2022 moved 18 characters out of the private-use area; iconv-lite still maps the
    // 2005 way, browsers and ICU the 2022 way, so private-use text is left out here.
    const encodings = ['gb18030', 'utf-16le', 'utf-16be', 'utf-8'] as const;
    await fc.assert(
      fc.asyncProperty(
        texts.filter(noPrivateUse),
        fc.constantFrom(...encodings),
        fc.integer({ min: 1, max: 13 }),
        async (source, encoding, chunkBytes) => {
          const bytes = new Uint8Array(iconv.encode(source, encoding));
          const out = await transcodeToUtf8(new Blob([bytes]), encoding, { chunkBytes });
          // A leading U+FEFF is a byte order mark and is dropped on purpose.
          expect(await text(out)).toBe(source.replace(/^\uFEFF/, ''));
        },
      ),
      { numRuns: 400 },
    );
  });

  const soup = fc.uint8Array({ maxLength: 48 });
  const chunkings = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 });

  /** Our transcoder fed in the given chunk sizes (cycled), decoded back to a string. */
  function transcodeInChunks(bytes: Uint8Array, encoding: TranscodedEncoding, sizes: number[]) {
    const transcoder = utf8Transcoder(encoding);
    const parts: number[] = [];
    for (let at = 0, k = 0; at < bytes.length; k++) {
      const size = sizes[k % sizes.length] as number;
      transcoder.push(bytes.subarray(at, at + size), false);
      parts.push(...transcoder.take());
      at += size;
    }
    transcoder.push(new Uint8Array(0), true);
    parts.push(...transcoder.take());
    return new TextDecoder().decode(new Uint8Array(parts));
  }

  it('decodes any bytes, broken ones included, as the platform’s TextDecoder does', () => {
    fc.assert(
      fc.property(
        soup,
        chunkings,
        fc.constantFrom<TranscodedEncoding[]>('gb18030', 'utf-16le', 'utf-16be', 'big5'),
        (raw, sizes, encoding) => {
          // Node's ICU Big5 departs from the standard (which browsers follow) in two places: it
          // reads the lone bytes 0x80 and 0xFF as characters, and drops the four 0x88 pairs that
          // stand for two code points (tested on their own below).
          const nonStandard = [0x80, 0xff, 0x88];
          const bytes =
            encoding === 'big5' ? raw.map((b) => (nonStandard.includes(b) ? 0x41 : b)) : raw;
          const expected = new TextDecoder(encoding, { ignoreBOM: true })
            .decode(bytes)
            .replace(/^\uFEFF/, '');
          expect(transcodeInChunks(bytes, encoding, sizes)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads the Big5 pairs that stand for two code points as the standard spells them', () => {
    // Chromium 156 returns a C1 control and a lone surrogate for these; Node returns nothing.
    const pairs = Uint8Array.of(0x88, 0x62, 0x88, 0x64, 0x88, 0xa3, 0x88, 0xa5);
    expect(transcodeInChunks(pairs, 'big5', [1])).toBe(
      '\u00ca\u0304\u00ca\u030c\u00ea\u0304\u00ea\u030c',
    );
  });

  it('reads Windows-1252 by the standard’s table', () => {
    // Node's own decoder reads 0x80–0x9F as ISO-8859-1 (nodejs/node#60888); iconv-lite agrees
    // with the standard except on the five bytes the standard maps to C1 controls.
    const undefinedBytes = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
    fc.assert(
      fc.property(soup, chunkings, (raw, sizes) => {
        const bytes = raw.map((b) => (undefinedBytes.includes(b) ? 0x20 : b));
        expect(transcodeInChunks(bytes, 'windows-1252', sizes)).toBe(
          iconv.decode(Buffer.from(bytes), 'windows-1252'),
        );
      }),
    );
    expect(transcodeInChunks(Uint8Array.from(undefinedBytes), 'windows-1252', [1])).toBe(
      String.fromCharCode(...undefinedBytes),
    );
  });

  const isUtf8 = (bytes: Uint8Array) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return true;
    } catch {
      return false;
    }
  };

  it('finds exactly the byte sequences TextDecoder rejects, and where they start', () => {
    const mostlyText = fc.array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 3 }).map(utf8),
        fc.uint8Array({ maxLength: 3 }),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(mostlyText, chunkings, (pieces, sizes) => {
        const bytes = Uint8Array.from(pieces.flatMap((p) => [...p]));
        const validator = new Utf8Validator();
        let bad = -1;
        for (let at = 0, k = 0; at < bytes.length && bad < 0; k++) {
          const size = sizes[k % sizes.length] as number;
          bad = validator.push(bytes.subarray(at, at + size));
          at += size;
        }
        if (bad < 0) bad = validator.end();
        expect(bad < 0).toBe(isUtf8(bytes));
        if (bad >= 0) {
          // Everything before the reported byte is whole, valid UTF-8; from it on, it is not.
          expect(isUtf8(bytes.subarray(0, bad))).toBe(true);
          expect(isUtf8(bytes.subarray(bad, bad + 4))).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('mojibake', () => {
  it('finds every fixture clean in its own encoding and garbled in every other one', () => {
    for (const f of fixtures) {
      const bytes = bytesOf(f.file);
      const right = decodeAs(bytes, f.encoding);
      expect(right.replace(/^\uFEFF/, ''), f.file).toBe(expectedOf(f));
      expect(looksGarbled(right), f.file).toBe(false);
      expect(mojibakeScore(right), f.file).toBeLessThan(0.01);
      for (const wrong of SOURCE_ENCODINGS.filter((e) => e !== f.encoding)) {
        const report = inspectMojibake(decodeAs(bytes, wrong));
        expect(looksGarbled(decodeAs(bytes, wrong)), `${f.file} read as ${wrong}`).toBe(true);
        expect(report.score, `${f.file} read as ${wrong}`).toBeGreaterThan(0.3);
      }
    }
  });

  it('flags the classic patterns and shows where', () => {
    const order = '客户ID,金额\r\n张伟,12.50\r\n王芳,8.00\r\n';
    const cafe = 'Customer;City\r\nCafé Müller;München\r\nZoë;Besançon\r\n';
    const cases = {
      'GBK read as Windows-1252': decodeAs(
        new Uint8Array(iconv.encode(order, 'gbk')),
        'windows-1252',
      ),
      'UTF-8 read as GBK': decodeAs(utf8(order), 'gb18030'),
      'UTF-8 read as Windows-1252': decodeAs(utf8(cafe), 'windows-1252'),
      'Big5 read as GBK': decodeAs(
        new Uint8Array(iconv.encode('客戶編號,訂單日期\r\n陳志明,臺北\r\n', 'big5')),
        'gb18030',
      ),
      'GBK read as Big5': decodeAs(new Uint8Array(iconv.encode(order, 'gbk')), 'big5'),
      'U+FFFD from a decoder': decodeAs(new Uint8Array(iconv.encode(order, 'gbk')), 'utf-8'),
      '锟斤拷 (U+FFFD saved as GBK, read back)': `${order}锟斤拷锟斤拷`,
    };
    for (const [name, garbled] of Object.entries(cases)) {
      expect(looksGarbled(garbled), name).toBe(true);
      const { example } = inspectMojibake(garbled);
      expect(garbled, name).toContain(example);
    }
    expect(inspectMojibake(cases['UTF-8 read as Windows-1252']).example).toContain('CafÃ©');
  });

  it('leaves real text alone: Chinese, European, Japanese, Korean, emoji, a rare name', () => {
    for (const clean of [
      '客户ID,客户姓名,下单日期,订单金额,城市\n',
      '客戶編號,訂單日期,金額,城市\n陳志明,臺北\n',
      'Café Müller;München;12,50 €;„Danke“ – Größe; Informação; Þórsson; Søren\n',
      '注文番号,お客様,金額\n田中さん,東京\n',
      '고객,금액\n김민준,서울\n',
      '小美🌸,杭州,已完成 👍🏽\n',
      '王𠮷,苏州,已完成\n',
    ]) {
      expect(looksGarbled(clean), clean).toBe(false);
    }
  });
});

describe('DuckDB reads the transcoded bytes', () => {
  it('with the same header names and values', async () => {
    const db = await startDuckDB();
    const conn = db.connect();
    for (const f of fixtures) {
      const expected = expectedOf(f);
      const delimiter = f.encoding === 'windows-1252' ? ';' : ',';
      const [header, ...lines] = expected.split('\r\n').filter(Boolean);
      const name = `${f.file}.utf8`;
      db.registerFileBuffer(name, await transcodeBytesToUtf8(bytesOf(f.file), f.encoding));
      const table = conn.query(
        `SELECT * FROM read_csv('${name}', header = true, all_varchar = true, delim = '${delimiter}')`,
      );
      expect(
        table.schema.fields.map((field) => field.name),
        f.file,
      ).toEqual(header?.split(delimiter));
      expect(table.numRows).toBe(lines.length);
      const lastRow = table.get(table.numRows - 1)?.toJSON() as Record<string, string | null>;
      expect(
        Object.values(lastRow)
          .map((v) => v ?? '')
          .join(delimiter),
      ).toBe(lines.at(-1));
    }
    conn.close();
  });
});
