/**
 * @module io — loading inputs (CSV/TSV, Arrow IPC, Parquet) into Arrow tables.
 */
export { columnNames, EXTENSIONS, formatOf, loadTable } from './load.js';
export type { LoadTuning } from './load-csv.js';
export { DEFAULT_MISSING, type InputFormat, type LoadedTable, type LoadOptions } from './types.js';
