// The blocking build with the JS glue of one wasm bundle only (duckdbSingleGlue in vite.config.ts).
declare module 'duckdb-wasm-browser-blocking/eh' {
  export * from 'duckdb-wasm-browser-blocking';
}
declare module 'duckdb-wasm-browser-blocking/mvp' {
  export * from 'duckdb-wasm-browser-blocking';
}
