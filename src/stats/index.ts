/** @module stats — intervals and scores computed once, centrally, from what attacks count. */
export * from './intervals.js';
export * from './random.js';
export * from './roc.js';
