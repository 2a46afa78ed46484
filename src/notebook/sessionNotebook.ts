import type { Session } from '../state/session.svelte';
import { analysisKey, Notebook, type NotebookHost } from './notebook.svelte';

/** A long query is the analyst's to cancel; the heartbeat still catches a hung engine. */
const RUN_TIMEOUT_MS = 30 * 60_000;

/** The notebook's view of the session: the analysis on screen and the engine. */
export function sessionHost(session: Session): NotebookHost {
  const current = () => {
    const c = session.current;
    return c ? { datasetId: c.loaded.datasetId, asOf: c.result.asOf } : null;
  };
  return {
    analysisKey: () => {
      const c = current();
      return c
        ? analysisKey(c.datasetId, c.asOf, session.scheme, [
            session.valuation.status,
            session.lifecycle.status,
            // segment_label is in the UI's language
            session.locale,
          ])
        : null;
    },
    run: (sql, maxRows, runId) => {
      const c = current();
      if (!c) return Promise.resolve({ status: 'refused', reason: 'empty', keyword: '' });
      return session.engine.run(
        'notebook',
        'run',
        [c.datasetId, session.scheme, sql, maxRows, runId, session.locale],
        { timeoutMs: RUN_TIMEOUT_MS },
      );
    },
    schema: () => {
      const c = current();
      if (!c) return Promise.resolve([]);
      return session.engine.run('notebook', 'schema', [
        c.datasetId,
        session.scheme,
        session.locale,
      ]);
    },
    cancel: (runId) =>
      void session.engine
        .call(
          async (api) => {
            await api.cancelNotebookRun(runId);
            return { ok: true, value: undefined };
          },
          { timeoutMs: 30_000 },
        )
        .catch(() => {}),
  };
}

const notebooks = new WeakMap<Session, Notebook>();

/**
 * The session's one notebook: the notebook section, the "Show SQL" buttons of the built-in views
 * and the saving of work all reach the same instance through this.
 */
export function notebookOf(session: Session): Notebook {
  let notebook = notebooks.get(session);
  if (!notebook) {
    notebook = new Notebook(sessionHost(session));
    notebooks.set(session, notebook);
  }
  return notebook;
}
