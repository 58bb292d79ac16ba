/**
 * The environments, for Node. Importing this module registers every game and switches PNG
 * encoding to the native encoder. Browser code imports `envs/browser.ts` instead.
 */
import { setPngEncoder } from './render/png.js';
import { napiPngEncoder } from './render/png-node.js';

setPngEncoder(napiPngEncoder);

export * from './browser.js';
