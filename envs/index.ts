/**
 * The environments, for Node. Importing this module registers every game and switches PNG
 * encoding to Node's zlib. Browser code imports `envs/browser.ts` instead.
 */
import { setPngEncoder } from './render/png.js';
import { zlibPngEncoder } from './render/png-node.js';

setPngEncoder(zlibPngEncoder);

export * from './browser.js';
