/** The built-in plugins by name. */
import type { PluginBuilder } from '../plugin.js';
import { binpack } from './binpack.js';
import { capacity } from './capacity.js';
import { conformance } from './conformance.js';
import { deviceshare } from './deviceshare.js';
import { drf } from './drf.js';
import { gang } from './gang.js';
import { nodeorder } from './nodeorder.js';
import { overcommit } from './overcommit.js';
import { predicates } from './predicates.js';
import { priority } from './priority.js';
import { proportion } from './proportion.js';

export const BUILTIN_PLUGINS: ReadonlyMap<string, PluginBuilder> = new Map<string, PluginBuilder>([
  ['binpack', binpack],
  ['capacity', capacity],
  ['conformance', conformance],
  ['deviceshare', deviceshare],
  ['drf', drf],
  ['gang', gang],
  ['nodeorder', nodeorder],
  ['overcommit', overcommit],
  ['predicates', predicates],
  ['priority', priority],
  ['proportion', proportion],
]);
