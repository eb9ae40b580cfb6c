/** @module policy — presets, policy files and the fail-closed verdict. */
export * from './evaluate.js';
export * from './load.js';
export * from './presets.js';
export * from './schema.js';
