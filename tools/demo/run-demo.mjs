// The README's main job: copy examples/demo to a temporary git workspace that uses the nx-pdd
// plugin built from this repo, and show what Nx sees. Works offline, spends nothing.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ws = mkdtempSync(join(tmpdir(), 'nx-pdd-demo-'));
const nxPkg = join(repo, 'node_modules', 'nx');
const nxBin = join(nxPkg, JSON.parse(readFileSync(join(nxPkg, 'package.json'), 'utf8')).bin.nx);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text) => process.stdout.write(`\n${bold(`== ${text}`)}\n`);
function run(cmd, args, { quiet = false } = {}) {
  const r = spawnSync(cmd, args, { cwd: ws, env, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  if (!quiet) process.stdout.write(r.stdout);
  return r.stdout;
}
const nx = (...args) => run(process.execPath, [nxBin, ...args]);
const nxQuiet = (...args) => run(process.execPath, [nxBin, ...args], { quiet: true });
const git = (...args) => run('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args], { quiet: true });

cpSync(join(repo, 'examples', 'demo'), ws, { recursive: true });
symlinkSync(join(repo, 'node_modules'), join(ws, 'node_modules'));
writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'nx-pdd-demo', private: true }, null, 2));
writeFileSync(join(ws, 'nx.json'), JSON.stringify({ analytics: false, plugins: ['nx-pdd'] }, null, 2));
writeFileSync(join(ws, '.gitignore'), 'node_modules\n.nx\n.pdd/preprocessed/\n');
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'demo');
console.log(`nx-pdd demo workspace: ${ws}`);

say('nx show projects: one Nx project per prompt unit');
nx('show', 'projects');

say('nx show project report: its inputs, outputs and where its files go');
const report = JSON.parse(nxQuiet('show', 'project', 'report', '--json'));
console.log(`root (virtual): ${report.root}   tags: ${report.tags.join(', ')}`);
console.log(`files: ${JSON.stringify({ code: report.metadata.pdd.code, example: report.metadata.pdd.example, test: report.metadata.pdd.test })}`);
console.log(`named input pdd-prompt: ${report.namedInputs['pdd-prompt'].join(', ')}`);
for (const [name, t] of Object.entries(report.targets)) console.log(`target ${name}: ${t.metadata.description}; outputs ${t.outputs.join(', ')}`);

say('nx graph: edges between units (report includes calc\'s example)');
nxQuiet('graph', '--file=graph.json');
const graph = JSON.parse(readFileSync(join(ws, 'graph.json'), 'utf8')).graph;
for (const deps of Object.values(graph.dependencies)) for (const d of deps) console.log(`${d.source} -> ${d.target} (${d.type})`);

say('nx run-many -t preprocess: the exact text each LLM call will get');
nx('run-many', '-t', 'preprocess', '--outputStyle=stream');
console.log(readFileSync(join(ws, '.pdd/preprocessed/report_typescript.prompt'), 'utf8'));

say('the same again: served from the Nx cache');
console.log(nxQuiet('run-many', '-t', 'preprocess').split('\n').filter((l) => l.includes('cache')).join('\n'));

say('edit the shared context file: nx show projects --affected');
writeFileSync(join(ws, 'context/house_style.md'), 'House style: small pure functions, explicit errors, docstrings.\n');
nx('show', 'projects', '--affected', '--base=HEAD');

console.log(`\nExplore it: cd ${ws} && npx nx graph   (remove it with: rm -rf ${ws})`);
console.log('LLM operations (generate, sync, ...) are not in this build yet: see the README\'s status section.');
