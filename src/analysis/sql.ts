/** A positional reference to a column of the loaded table, so user headers never enter SQL text. */
export function columnRef(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new Error(`Invalid column index ${index}`);
  return `#${index + 1}`;
}

/** The kinds of table a dataset owns, each named `<prefix>_<dataset id>`. */
export type TablePrefix =
  | 'raw'
  | 'rawtyped'
  | 'tx'
  | 'totals'
  | 'rfm'
  | 'rejects'
  | 'params'
  | 'attrs'
  | 'clvsum'
  | 'vparams'
  | 'vinputs'
  | 'vpred'
  | 'vextra'
  | 'vcac'
  | 'lcrules'
  | 'lcstage'
  | 'lchist'
  | 'lccohort'
  | 'lcdays'
  | 'cids'
  | 'cdays'
  | 'selk'
  | 'sel'
  | 'value'
  | 'playbook'
  | 'cluster';

/** Table names are ours (a prefix and a counter), never derived from user input. */
export function tableName(prefix: TablePrefix, datasetId: number): string {
  if (!Number.isInteger(datasetId) || datasetId < 0)
    throw new Error(`Invalid dataset id ${datasetId}`);
  return `${prefix}_${datasetId}`;
}

/** The table of one file of a dataset loaded from several files, before they are combined. */
export function partTableName(datasetId: number, part: number): string {
  if (!Number.isInteger(part) || part < 0) throw new Error(`Invalid part ${part}`);
  return `${tableName('raw', datasetId)}_part${part}`;
}

/** A string literal for SQL text; only for our own constants (formats, labels), never for user data. */
export function constantLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Statement that (re)creates the one-row parameters table; its one `?` is the as-of date. */
export function paramsTableSql(paramsTable: string): string {
  return `CREATE OR REPLACE TABLE ${paramsTable} AS SELECT CAST(? AS DATE) AS as_of`;
}

/** A calendar date written 'YYYY-MM-DD' (the only form dates cross the worker boundary in). */
export function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text));
}
