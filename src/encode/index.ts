/** @module encode — the release as shared typed columns. */
export * from './encode.js';
export * from './types.js';
