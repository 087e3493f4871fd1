import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** nx-pdd's own version, read from its package.json (same relative place in src/ and dist/). */
export const PLUGIN_VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
