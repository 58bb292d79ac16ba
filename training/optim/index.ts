export { AdamW, defaultDecay, type AdamWConfig, type AdamWState, type Param } from './adamw.js';
export { clipGradNorm, globalNorm } from './clip.js';
export { lrAt, type Schedule } from './schedule.js';
