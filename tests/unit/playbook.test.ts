import { describe, expect, it } from 'vitest';
import {
  BUDGET_LEVELS,
  VALUE_CLASSES,
  VALUE_TIERS,
  actionCell,
  defaultEntry,
  emptyDoc,
  exportRows,
  parsePlaybookDoc,
  planCsv,
  playbookIds,
  resolveEntry,
  serialisePlaybookDoc,
  spreadsheetSafeLine as spreadsheetSafe,
  type EntryId,
} from '../../src/analysis/playbook';
import { LIFECYCLE_STAGES } from '../../src/analysis/lifecycleRules';
import { CN8_CLASSES, RFM11_SEGMENTS, SEGMENT_SCHEMES } from '../../src/analysis/segments';
import { LOCALES } from '../../src/i18n/locales';
import {
  keyValuePlaybookStorage,
  playbookStorageKey,
  type KeyValueStore,
} from '../../src/state/playbookStorage';

const HAN = /\p{Script=Han}/u;

describe('playbook defaults', () => {
  it('lists every segment of the scheme, every stage, tier and class, once', () => {
    const rfm = playbookIds('rfm11');
    expect(rfm).toHaveLength(11 + 6 + 3 + 3);
    expect(new Set(rfm).size).toBe(rfm.length);
    for (const s of RFM11_SEGMENTS) expect(rfm).toContain(`segment:${s.key}`);
    const cn = playbookIds('cn8');
    expect(cn).toHaveLength(8 + 6 + 3 + 3);
    for (const c of CN8_CLASSES) expect(cn).toContain(`segment:${c.key}`);
    for (const ids of [rfm, cn]) {
      for (const s of LIFECYCLE_STAGES) expect(ids).toContain(`stage:${s}`);
      for (const t of VALUE_TIERS) expect(ids).toContain(`tier:${t}`);
      for (const c of VALUE_CLASSES) expect(ids).toContain(`class:${c}`);
    }
    // rfm11's loyal and at_risk segments are not the lifecycle stages of the same name.
    expect(rfm).toContain('segment:loyal');
    expect(rfm).toContain('stage:loyal');
  });

  const all = [...new Set(SEGMENT_SCHEMES.flatMap((s) => playbookIds(s)))];

  it.each(LOCALES)('has a complete entry for each of the 31 keys in %s', (locale) => {
    expect(all).toHaveLength(19 + 6 + 3 + 3);
    for (const id of all) {
      const e = defaultEntry(id, locale);
      for (const text of [e.goal, e.channel, e.offer, e.kpi]) expect(text.trim()).not.toBe('');
      expect(e.actions.length).toBeGreaterThanOrEqual(2);
      expect(e.actions.length).toBeLessThanOrEqual(4);
      // Chinese says in six characters what English says in twenty.
      for (const a of e.actions)
        expect(a.trim().length).toBeGreaterThan(locale === 'zh-CN' ? 4 : 12);
      expect(new Set(e.actions).size).toBe(e.actions.length);
      expect(BUDGET_LEVELS).toContain(e.budget);
      expect(e.owner).toBe('');
      // Chinese defaults are in Chinese, English ones are not.
      expect(HAN.test(e.goal + e.actions.join(''))).toBe(locale === 'zh-CN');
    }
  });

  it.each(LOCALES)('gives every key its own goal and actions in %s', (locale) => {
    const goals = all.map((id) => defaultEntry(id, locale).goal);
    expect(new Set(goals).size).toBe(all.length);
    const actionSets = all.map((id) => defaultEntry(id, locale).actions.join('|'));
    expect(new Set(actionSets).size).toBe(all.length);
  });

  it('keeps the budget the same in both languages and spends most on the best customers', () => {
    for (const id of all)
      expect(defaultEntry(id, 'en').budget).toBe(defaultEntry(id, 'zh-CN').budget);
    expect(defaultEntry('segment:champions', 'en').budget).toBe('high');
    expect(defaultEntry('segment:cant_lose_them', 'en').budget).toBe('high');
    expect(defaultEntry('segment:lost', 'en').budget).toBe('minimal');
    expect(defaultEntry('segment:general_retain', 'en').budget).toBe('minimal');
  });

  it('hands out copies, so an edit cannot change a default', () => {
    const e = defaultEntry('tier:high', 'en');
    e.actions.push('changed');
    expect(defaultEntry('tier:high', 'en').actions).not.toContain('changed');
    expect(() => defaultEntry('segment:nope' as EntryId, 'en')).toThrow(/No playbook default/);
  });
});

describe('edits over defaults', () => {
  it('keeps edited fields in any language and follows the language elsewhere', () => {
    const override = { goal: 'Our own goal', owner: 'CRM team' };
    const en = resolveEntry('segment:champions', 'en', override);
    const zh = resolveEntry('segment:champions', 'zh-CN', override);
    expect(en.goal).toBe('Our own goal');
    expect(zh.goal).toBe('Our own goal');
    expect(zh.owner).toBe('CRM team');
    expect(zh.kpi).toBe(defaultEntry('segment:champions', 'zh-CN').kpi);
    expect(en.kpi).toBe(defaultEntry('segment:champions', 'en').kpi);
  });
});

describe('reading a saved playbook', () => {
  it('round-trips a document', () => {
    const doc = emptyDoc();
    doc.entries['segment:lost'] = { actions: ['Call them', "'); DROP TABLE x; --"], owner: '李雷' };
    doc.entries['stage:new'] = { budget: 'low', kpi: 'x' };
    const back = parsePlaybookDoc(serialisePlaybookDoc(doc), 'rfm11');
    expect(back).toEqual({ doc, damaged: false });
  });

  it('starts from the defaults, without a notice, when nothing is saved', () => {
    expect(parsePlaybookDoc(null, 'cn8')).toEqual({ doc: emptyDoc(), damaged: false });
  });

  it.each([
    ['not JSON', '{oops'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['another version', '{"version":2,"entries":{}}'],
    ['entries as a list', '{"version":1,"entries":[]}'],
  ])('falls back to the defaults with a notice for %s', (_name, text) => {
    expect(parsePlaybookDoc(text, 'rfm11')).toEqual({ doc: emptyDoc(), damaged: true });
  });

  it('keeps the well-formed entries and drops the rest', () => {
    const text = JSON.stringify({
      version: 1,
      entries: {
        'segment:champions': { goal: 'kept' },
        'segment:important_value': { goal: 'other scheme' },
        'segment:lost': { goal: 7 },
        'stage:new': { actions: 'not a list' },
        'tier:high': { budget: 'infinite' },
        'class:vip': { colour: 'red' },
        'tier:low': { actions: Array.from({ length: 50 }, () => 'x') },
        'stage:loyal': { kpi: 'y'.repeat(5000) },
      },
    });
    const { doc, damaged } = parsePlaybookDoc(text, 'rfm11');
    expect(damaged).toBe(true);
    expect(doc.entries).toEqual({ 'segment:champions': { goal: 'kept' } });
    // The same entry belongs to the cn8 scheme.
    expect(parsePlaybookDoc(text, 'cn8').doc.entries).toEqual({
      'segment:important_value': { goal: 'other scheme' },
    });
  });
});

/** A Web Storage stand-in that can also fail like a full or blocked one. */
function memoryStore(fail: 'none' | 'read' | 'write' = 'none') {
  const map = new Map<string, string>();
  const store: KeyValueStore = {
    getItem: (k) => {
      if (fail === 'read') throw new Error('SecurityError');
      return map.get(k) ?? null;
    },
    setItem: (k, v) => {
      if (fail === 'write') throw new Error('QuotaExceededError');
      map.set(k, v);
    },
  };
  return { map, store };
}

describe('playbook storage', () => {
  it('saves each scheme under its own key and reads it back', () => {
    const { map, store } = memoryStore();
    const storage = keyValuePlaybookStorage(store);
    const doc = emptyDoc();
    doc.entries['segment:champions'] = { goal: '=HYPERLINK("x")', actions: ['a', 'b'] };
    expect(storage.save('rfm11', doc)).toBe(true);
    expect([...map.keys()]).toEqual([playbookStorageKey('rfm11')]);
    expect(playbookStorageKey('rfm11')).not.toBe(playbookStorageKey('cn8'));
    expect(storage.load('rfm11')).toEqual({ doc, damaged: false });
    expect(storage.load('cn8')).toEqual({ doc: emptyDoc(), damaged: false });
  });

  it('reports corrupt storage and falls back to the defaults', () => {
    const { map, store } = memoryStore();
    map.set(playbookStorageKey('cn8'), '\u0000garbage');
    expect(keyValuePlaybookStorage(store).load('cn8')).toEqual({
      doc: emptyDoc(),
      damaged: true,
    });
  });

  it('survives storage that refuses to read or write, and without any storage', () => {
    expect(keyValuePlaybookStorage(memoryStore('read').store).load('rfm11')).toEqual({
      doc: emptyDoc(),
      damaged: true,
    });
    expect(keyValuePlaybookStorage(memoryStore('write').store).save('rfm11', emptyDoc())).toBe(
      false,
    );
    const none = keyValuePlaybookStorage(null);
    expect(none.load('rfm11')).toEqual({ doc: emptyDoc(), damaged: false });
    expect(none.save('rfm11', emptyDoc())).toBe(false);
  });
});

describe('text for spreadsheets', () => {
  it('neutralises formulas and line breaks', () => {
    expect(spreadsheetSafe('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(spreadsheetSafe('+1')).toBe("'+1");
    expect(spreadsheetSafe('-2')).toBe("'-2");
    expect(spreadsheetSafe('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(spreadsheetSafe('\tx')).toBe("'\tx");
    expect(spreadsheetSafe('a\r\n  b\nc')).toBe('a b c');
    expect(spreadsheetSafe('\n=1')).toBe(' =1');
    expect(spreadsheetSafe('Plain, "quoted"')).toBe('Plain, "quoted"');
  });

  it('writes the goal and the first two actions in the export language', () => {
    const en = defaultEntry('segment:champions', 'en');
    expect(actionCell(en, 'en')).toBe(`${en.goal} | ${en.actions[0]}; ${en.actions[1]}`);
    const zh = defaultEntry('segment:champions', 'zh-CN');
    expect(actionCell(zh, 'zh-CN')).toBe(`${zh.goal}｜${zh.actions[0]}；${zh.actions[1]}`);
    expect(actionCell({ ...en, goal: '  ', actions: ['', ' only one '] }, 'en')).toBe('only one');
    expect(actionCell({ ...en, goal: '=1+1' }, 'en').startsWith("'=1+1 | ")).toBe(true);
  });

  it('gives the export one row per segment of the scheme, stage and tier', () => {
    const doc = emptyDoc();
    doc.entries['stage:at_risk'] = { goal: 'Edited', actions: ['Act now'] };
    const rows = exportRows('cn8', 'zh-CN', doc);
    expect(rows).toHaveLength(8 + 6 + 3);
    expect(rows.filter((r) => r.kind === 'segment').map((r) => r.key)).toEqual(
      CN8_CLASSES.map((c) => c.key),
    );
    expect(rows.find((r) => r.kind === 'stage' && r.key === 'at_risk')?.action).toBe(
      'Edited｜Act now',
    );
    expect(rows.some((r) => r.kind === 'class')).toBe(false);
  });

  it('writes the plan CSV with every action and safe cells', () => {
    const entry = {
      ...defaultEntry('segment:lost', 'en'),
      actions: ['=HYPERLINK("x")', 'Second, with comma', ' '],
      owner: '-ops',
    };
    const csv = planCsv(
      ['Section', 'Name', 'Customers', 'Share', 'Goal', 'Actions', 'Ch', 'Offer', 'B', 'KPI', 'O'],
      [
        {
          section: 'Segment',
          name: 'Lost',
          customers: 12,
          valueShare: 0.03456,
          entry,
          budget: 'Minimal',
        },
      ],
      'en',
    );
    const lines = csv.slice(1).split('\r\n');
    expect(csv.startsWith('\uFEFFSection,Name,')).toBe(true);
    expect(lines[1]).toContain(`Segment,Lost,12,0.0346,${entry.goal},`);
    expect(lines[1]).toContain('"\'=HYPERLINK(""x""); Second, with comma"');
    expect(lines[1]!.endsWith(",'-ops")).toBe(true);
  });
});
