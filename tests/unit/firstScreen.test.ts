import { describe, expect, it } from 'vitest';
import { firstScreenSample } from '../../src/state/firstScreen';

describe('which sample a first visit shows computed in advance', () => {
  const pick = (query: string, locale = 'en', ownData = false) =>
    firstScreenSample(new URLSearchParams(query), locale, ownData);

  it('is the default sample of the UI language, or the one the link names', () => {
    expect(pick('')).toBe('online-retail-en');
    expect(pick('', 'zh-CN')).toBe('retail-zh');
    expect(pick('lang=zh-CN&sample=online-retail-en', 'zh-CN')).toBe('online-retail-en');
  });

  it('is none when a link brings data or settings, or the browser keeps the analyst’s data', () => {
    expect(pick('data=https://example.com/orders.csv')).toBeNull();
    expect(pick('config=abc')).toBeNull();
    expect(pick('', 'en', true)).toBeNull();
    // A link naming a sample still shows it, kept data or not.
    expect(pick('sample=retail-zh', 'en', true)).toBe('retail-zh');
  });
});
