/**
 * The CLV models in one import for the worker: pure TypeScript, no DOM, no DuckDB. Every result is
 * plain data (numbers, typed arrays, objects), so it can be posted across the worker boundary.
 */
export * from './special';
export * from './summary';
export * from './optimize';
export * from './mle';
export * from './bgnbd';
export * from './paretoNbd';
export * from './nbd';
export * from './gammaGamma';
export * from './clv';
export * from './simulate';
export * from './holdout';
export * from './customerValue';
