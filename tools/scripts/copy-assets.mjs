// Copies what tsc does not: executor/generator schema.json files and generator templates
// (src/**/files/**) into dist/, keeping their relative paths.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'packages', 'nx-pdd');
const src = join(pkg, 'src');
const dist = join(pkg, 'dist');
let copied = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  const abs = join(entry.parentPath ?? entry.path, entry.name);
  const rel = relative(src, abs);
  const isSchema = entry.isFile() && entry.name === 'schema.json';
  const isTemplateDir = entry.isDirectory() && entry.name === 'files';
  if (!isSchema && !isTemplateDir) continue;
  if (rel.split('/').slice(0, -1).includes('files')) continue;
  cpSync(abs, join(dist, rel), { recursive: true });
  copied++;
}
if (!existsSync(dist)) throw new Error('packages/nx-pdd/dist is missing: run tsc first');
console.log(`copy-assets: ${copied} schema/template entr${copied === 1 ? 'y' : 'ies'} copied into packages/nx-pdd/dist`);
