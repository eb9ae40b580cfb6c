/** @module trial — trial files and flags → a Trial. */
export * from './resolve.js';
export * from './schema.js';
