import type { Cell, Notebook } from '../../notebook/notebook.svelte';
import type { Session } from '../../state/session.svelte';

/** What every kind of notebook cell is given by the notebook that lists it. */
export interface CellProps {
  session: Session;
  notebook: Notebook;
  cell: Cell;
  /** The cell's position (1-based), to name it. */
  n: number;
}
