/** @module pool — the worker pool. */
export * from './pool.js';
