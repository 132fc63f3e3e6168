/**
 * The static inspector's script (`vintent inspect --static DIR`): the same
 * inspection the served page asks the server for, run in the page on the
 * web crypto seam. Built by scripts/post-build.mjs into a classic script
 * (a page opened from file:// cannot load modules) that sets one global.
 */
import { inspectText } from './service.js';

(globalThis as { vintentInspector?: unknown }).vintentInspector = { inspectText };
