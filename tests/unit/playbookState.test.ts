import { describe, expect, it } from 'vitest';
import { defaultEntry, MAX_ACTIONS } from '../../src/analysis/playbook';
import { PlaybookState } from '../../src/state/playbook.svelte';
import {
  keyValuePlaybookStorage,
  playbookStorageKey,
  type KeyValueStore,
} from '../../src/state/playbookStorage';

function memory(initial: Record<string, string> = {}, failWrites = false) {
  const map = new Map(Object.entries(initial));
  const store: KeyValueStore = {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => {
      if (failWrites) throw new Error('QuotaExceededError');
      map.set(k, v);
    },
  };
  return { map, storage: keyValuePlaybookStorage(store) };
}

describe('the playbook state', () => {
  it('saves every edit and restores it in a new session', () => {
    const { map, storage } = memory();
    const first = new PlaybookState(storage);
    first.setAction('rfm11', 'segment:lost', 'en', 0, 'Send the survey first');
    first.addAction('rfm11', 'segment:lost', 'en');
    first.setAction('rfm11', 'segment:lost', 'en', 3, 'Fourth');
    first.removeAction('rfm11', 'segment:lost', 'en', 1);
    first.edit('rfm11', 'stage:new', { owner: 'Growth team', budget: 'high' });
    expect(first.saveFailed).toBe(false);
    expect(map.has(playbookStorageKey('rfm11'))).toBe(true);
    expect(map.has(playbookStorageKey('cn8'))).toBe(false);

    const second = new PlaybookState(storage);
    expect(second.damaged).toEqual([]);
    const defaults = defaultEntry('segment:lost', 'en').actions;
    expect(second.entry('rfm11', 'segment:lost', 'en').actions).toEqual([
      'Send the survey first',
      defaults[2],
      'Fourth',
    ]);
    expect(second.entry('rfm11', 'stage:new', 'zh-CN')).toMatchObject({
      owner: 'Growth team',
      budget: 'high',
      goal: defaultEntry('stage:new', 'zh-CN').goal,
    });
    // The other scheme keeps its own playbook.
    expect(second.isEdited('cn8', 'stage:new')).toBe(false);

    second.reset('rfm11', 'segment:lost');
    expect(second.entry('rfm11', 'segment:lost', 'en').actions).toEqual(defaults);
    expect(new PlaybookState(storage).isEdited('rfm11', 'segment:lost')).toBe(false);
  });

  it('stops adding actions at the limit', () => {
    const state = new PlaybookState(memory().storage);
    for (let i = 0; i < 20; i++) state.addAction('cn8', 'tier:low', 'en');
    expect(state.entry('cn8', 'tier:low', 'en').actions).toHaveLength(MAX_ACTIONS);
  });

  it('names the scheme whose storage was damaged and keeps working', () => {
    const { storage } = memory({ [playbookStorageKey('cn8')]: '[1,2' });
    const state = new PlaybookState(storage);
    expect(state.damaged).toEqual(['cn8']);
    expect(state.entry('cn8', 'segment:important_value', 'en')).toEqual(
      defaultEntry('segment:important_value', 'en'),
    );
    state.dismissDamaged();
    expect(state.damaged).toEqual([]);
  });

  it('reports a failed save and keeps the edit for this session', () => {
    const state = new PlaybookState(memory({}, true).storage);
    state.edit('rfm11', 'class:vip', { goal: 'Kept in memory' });
    expect(state.saveFailed).toBe(true);
    expect(state.entry('rfm11', 'class:vip', 'en').goal).toBe('Kept in memory');
  });

  it('gives the export plain rows with the edits', () => {
    const state = new PlaybookState(memory().storage);
    state.edit('rfm11', 'segment:champions', { goal: '@risky', actions: ['One'] });
    const rows = state.exportRows('rfm11', 'en');
    expect(rows).toHaveLength(11 + 6 + 3);
    expect(rows[0]).toEqual({ kind: 'segment', key: 'champions', action: "'@risky | One" });
    // Structured-clonable: the rows cross to the worker by postMessage.
    expect(structuredClone(rows)).toEqual(rows);
  });
});
