/** Replays: the record, its recorder, validation and verification. Pure and browser-safe. */
export * from './schema.js';
export * from './validate.js';
export * from './steps.js';
export * from './recorder.js';
export * from './verify.js';
