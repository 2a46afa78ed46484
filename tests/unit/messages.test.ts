import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/i18n/messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('UI messages', () => {
  const en = MESSAGES.en;
  const zh = MESSAGES['zh-CN'];

  it('every message has a Chinese text with the same placeholders', () => {
    const problems: string[] = [];
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      if (!zh[key]?.trim()) problems.push(`${key}: no Chinese text`);
      else if (placeholders(en[key]).join() !== placeholders(zh[key]).join())
        problems.push(`${key}: placeholders differ`);
    }
    expect(problems).toEqual([]);
  });

  it('the Chinese texts are Chinese: no English sentence left untranslated', () => {
    const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter((key) => {
      const text = zh[key].replace(/\{\w+\}/g, '');
      // A sentence of English words with no CJK character in it (codes like CSV or RFM are fine).
      return /[a-z]{3,} [a-z]{3,}/i.test(text) && !/[\u4e00-\u9fff]/.test(text);
    });
    expect(untranslated).toEqual([]);
  });

  it('every key used in the components exists', () => {
    const dir = new URL('../../src/components/', import.meta.url);
    const files = [
      // Sub-folders too (components/notebook/).
      ...readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => /\.(svelte|ts)$/.test(f))
        .map((f) => new URL(f, dir)),
      new URL('../../src/App.svelte', import.meta.url),
    ];
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([\w.-]+)'/g)) {
        if (!(m[1]! in en)) missing.push(`${file.pathname.split('/').pop()}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
