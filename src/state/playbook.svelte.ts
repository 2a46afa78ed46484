import {
  MAX_ACTIONS,
  emptyDoc,
  exportRows,
  resolveEntry,
  type EntryId,
  type EntryOverride,
  type PlaybookDoc,
  type PlaybookEntry,
  type PlaybookExportRow,
} from '../analysis/playbook';
import { SEGMENT_SCHEMES, type SegmentScheme } from '../analysis/segments';
import type { Locale } from '../i18n/locales';
import { keyValuePlaybookStorage, type PlaybookStorage } from './playbookStorage';

/** The analyst's playbook of each segment scheme, saved on every edit. */
export class PlaybookState {
  docs = $state<Record<SegmentScheme, PlaybookDoc>>({ rfm11: emptyDoc(), cn8: emptyDoc() });
  /** Schemes whose saved playbook could not be read in full (the rest fell back to defaults). */
  damaged = $state<SegmentScheme[]>([]);
  /** The last save failed (storage full or blocked): edits last only until the page closes. */
  saveFailed = $state(false);

  constructor(private readonly storage: PlaybookStorage = keyValuePlaybookStorage()) {
    for (const scheme of SEGMENT_SCHEMES) {
      const { doc, damaged } = storage.load(scheme);
      this.docs[scheme] = doc;
      if (damaged) this.damaged.push(scheme);
    }
  }

  entry(scheme: SegmentScheme, id: EntryId, locale: Locale): PlaybookEntry {
    return resolveEntry(id, locale, this.docs[scheme].entries[id]);
  }

  isEdited(scheme: SegmentScheme, id: EntryId): boolean {
    return this.docs[scheme].entries[id] !== undefined;
  }

  edit(scheme: SegmentScheme, id: EntryId, patch: EntryOverride): void {
    const entries = this.docs[scheme].entries;
    entries[id] = { ...entries[id], ...patch };
    this.persist(scheme);
  }

  /** Actions are saved as a whole list, in the language they were shown in when edited. */
  setAction(scheme: SegmentScheme, id: EntryId, locale: Locale, index: number, text: string) {
    const actions = this.entry(scheme, id, locale).actions;
    actions[index] = text;
    this.edit(scheme, id, { actions });
  }

  addAction(scheme: SegmentScheme, id: EntryId, locale: Locale): void {
    const actions = this.entry(scheme, id, locale).actions;
    if (actions.length >= MAX_ACTIONS) return;
    this.edit(scheme, id, { actions: [...actions, ''] });
  }

  removeAction(scheme: SegmentScheme, id: EntryId, locale: Locale, index: number): void {
    const actions = this.entry(scheme, id, locale).actions.filter((_, i) => i !== index);
    this.edit(scheme, id, { actions });
  }

  reset(scheme: SegmentScheme, id: EntryId): void {
    delete this.docs[scheme].entries[id];
    this.persist(scheme);
  }

  dismissDamaged(): void {
    this.damaged = [];
  }

  /** Plain rows (no state proxies) for the customers export in the worker. */
  exportRows(scheme: SegmentScheme, locale: Locale): PlaybookExportRow[] {
    return exportRows(scheme, locale, $state.snapshot(this.docs[scheme]) as PlaybookDoc);
  }

  private persist(scheme: SegmentScheme): void {
    this.saveFailed = !this.storage.save(scheme, $state.snapshot(this.docs[scheme]) as PlaybookDoc);
  }
}

export const playbook = new PlaybookState();
