/**
 * nx-pdd over a real PDD checkout, compared with PDD's own rules.
 *
 *   npm run build && npx tsx tools/real-repo/check.ts <path-of-a-PDD-checkout> [--skip-dry-run]
 *
 * Copies the checkout (git clone --shared, so nothing in it is touched), adds only nx.json and
 * a node_modules link to nx + nx-pdd packed from this repo, then measures:
 *  1. units: the prompt units PDD's own rule lists (pdd_oracle.py --units: the root project and
 *     every sub-project with its own .pddrc) against the projects `nx graph` shows;
 *  2. `nx show projects` and `nx graph --file` exit 0, and the graph is the same with the caches the
 *     first command left as without any;
 *  3. `nx run-many -t sync --dryRun` runs every unit, with an LLM endpoint on 127.0.0.1 that
 *     counts requests (there must be none);
 *  4. `nx-pdd status --json`: its time, and for every unit with a fingerprint its first
 *     operation against PDD's own `sync_determine_operation` (pdd_oracle.py), mapped as
 *     docs/units-and-graph.md says.
 * Needs python3 with PDD's non-LLM imports (rich, psutil, filelock, lxml: Debian's python3-*
 * packages do); the oracle stubs the LLM layer. Prints the figures and a JSON line at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { e2eNxVersion, NX_NATIVE_FILE_CACHE, preparePluginInstall } from '../../e2e/support/plugin-install';

const HERE = __dirname;
const REPO = resolve(HERE, '../..');

/** PDD's operation -> the nx-pdd operation that does that job (by design the same but for names). */
const PDD_TO_NX: Record<string, string> = {
  'auto-deps': 'generate', // nx-pdd runs auto-deps only when asked (--auto-deps / thorough)
  fail_and_request_manual_merge: 'generate + merge', // nx-pdd merges where PDD stops
  test_extend: 'generate-tests',
  nothing: 'done',
  all_synced: 'done',
};

interface StatusRow {
  unit: string;
  prompt: string;
  standing: string;
  steps: string[];
  reason: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 1_800_000) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', ...env },
    timeout: timeoutMs,
    maxBuffer: 512 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main(): Promise<void> {
  const source = process.argv[2];
  if (!source) throw new Error('usage: npx tsx tools/real-repo/check.ts <path-of-a-PDD-checkout> [--skip-dry-run]');
  const skipDryRun = process.argv.includes('--skip-dry-run');
  const work = mkdtempSync(join(tmpdir(), 'nx-pdd-real-repo-'));
  const ws = join(work, 'ws');
  execFileSync('git', ['clone', '-q', '--shared', resolve(source), ws]);
  // The Nx of this repo's devDependencies, as the e2e suite's first project uses.
  const install = preparePluginInstall(e2eNxVersion());
  symlinkSync(join(install, 'node_modules'), join(ws, 'node_modules'));
  writeFileSync(join(ws, 'nx.json'), JSON.stringify({ plugins: ['nx-pdd'], analytics: false }, null, 2));
  const nxPackage = join(install, 'node_modules/nx');
  const nxBinField = JSON.parse(readFileSync(join(nxPackage, 'package.json'), 'utf8')).bin;
  const nxBin = join(nxPackage, typeof nxBinField === 'string' ? nxBinField : nxBinField.nx);
  // One copy of Nx's native module per install, not one per checked workspace (Nx never removes them).
  const nativeCache = { NX_NATIVE_FILE_CACHE_DIRECTORY: join(install, NX_NATIVE_FILE_CACHE) };
  const nx = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [nxBin, ...args], ws, { ...nativeCache, ...env });
  const figures: Record<string, unknown> = {
    checkout: resolve(source),
    commit: execFileSync('git', ['-C', ws, 'log', '-1', '--format=%H %cI'], { encoding: 'utf8' }).trim(),
  };

  // 1 + 2: units and the graph.
  const expected = JSON.parse(run('python3', [join(HERE, 'pdd_oracle.py'), ws, '--units'], ws).stdout) as Array<{
    root: string;
    basename: string;
    language: string;
  }>;
  const show = nx(['show', 'projects']);
  if (show.code !== 0) console.log(show.stderr.slice(-2000));
  const graphFile = join(work, 'graph.json');
  const graph = nx(['graph', `--file=${graphFile}`]);
  const nodes =
    graph.code === 0
      ? (JSON.parse(readFileSync(graphFile, 'utf8')).graph.nodes as Record<string, { data: { metadata?: { pdd?: { unit: string; pddRoot?: string } } } }>)
      : {};
  const found = new Set(
    Object.values(nodes).flatMap((n) => (n.data.metadata?.pdd ? [`${n.data.metadata.pdd.pddRoot ?? ''}:${n.data.metadata.pdd.unit}`] : [])),
  );
  const expectedKeys = expected.map((u) => `${u.root}:${u.basename}_${u.language.toLowerCase()}`);
  const missing = expectedKeys.filter((k) => !found.has(k));
  figures.units = {
    expected: expectedKeys.length,
    found: found.size,
    missing: missing.slice(0, 20),
    extra: [...found].filter((k) => !expectedKeys.includes(k)).slice(0, 20),
  };
  // The graph above came from the caches `show projects` left; the same graph from none must match.
  renameSync(join(ws, '.nx'), join(work, 'nx-warm'));
  const coldFile = join(work, 'graph-cold.json');
  const cold = nx(['graph', `--file=${coldFile}`]);
  const sameAsCold = graph.code === 0 && cold.code === 0 && readFileSync(graphFile, 'utf8') === readFileSync(coldFile, 'utf8');
  figures.showProjects = { exit: show.code, seconds: +show.seconds.toFixed(1) };
  figures.graph = { exit: graph.code, seconds: +graph.seconds.toFixed(1), sameWithoutCaches: sameAsCold };
  console.log(
    `units: ${found.size} found / ${expectedKeys.length} expected by PDD's rule${missing.length ? ` (missing: ${missing.slice(0, 5).join(', ')}...)` : ''}`,
  );
  console.log(
    `nx show projects: exit ${show.code} (${show.seconds.toFixed(1)} s); nx graph --file: exit ${graph.code} (${graph.seconds.toFixed(1)} s), ${sameAsCold ? 'the same' : 'NOT the same'} without nx-pdd's and Nx's caches`,
  );

  // 3: every unit's dry run, with an endpoint that counts LLM requests.
  if (!skipDryRun) {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      res.writeHead(500).end('no LLM request is expected during a dry run');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    const llmEnv = {
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      OPENAI_API_KEY: 'sk-real-repo-check',
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
      ANTHROPIC_API_KEY: 'sk-real-repo-check',
    };
    // As a user types it: Nx leaves out the dependents of a unit whose dry run fails (a prompt
    // that cannot be expanded); `nx-pdd status` below plans every unit regardless.
    const dry = nx(['run-many', '-t', 'sync', '--dryRun', '--outputStyle=static', '--parallel=2'], llmEnv);
    const totals = /(\d+) units?: .*$/m.exec(dry.stdout)?.[0] ?? '(no summary line)';
    figures.dryRun = { exit: dry.code, seconds: +dry.seconds.toFixed(1), llmRequests: requests, summary: totals };
    console.log(`nx run-many -t sync --dryRun: exit ${dry.code}, ${dry.seconds.toFixed(0)} s, ${requests} LLM requests; ${totals}`);
    server.close();
  }

  // 4: status and PDD's verdicts.
  const status = run(process.execPath, [join(REPO, 'packages/nx-pdd/dist/cli/nx-pdd.js'), 'status', '--json'], ws);
  const rows = JSON.parse(status.stdout) as StatusRow[];
  const oracle = run('python3', [join(HERE, 'pdd_oracle.py'), ws], ws);
  const verdicts = JSON.parse(oracle.stdout) as Record<string, { operation: string; reason: string }>;
  const rootRows = new Map(rows.filter((r) => !r.prompt.startsWith('examples/')).map((r) => [r.unit, r]));
  const disagreements: string[] = [];
  let agree = 0;
  for (const [unit, v] of Object.entries(verdicts)) {
    const pdd = PDD_TO_NX[v.operation] ?? v.operation;
    const row = rootRows.get(unit);
    const first = row?.steps.find((s) => s !== 'record') ?? 'done';
    const ours = !row ? 'missing' : row.standing === 'error' ? 'error' : first;
    if (ours === pdd) agree++;
    else disagreements.push(`${unit}: PDD ${v.operation} ("${v.reason.slice(0, 70)}") / nx-pdd ${ours} ("${(row?.reason ?? '').split('\n')[0].slice(0, 70)}")`);
  }
  figures.status = { exit: status.code, seconds: +status.seconds.toFixed(2), units: rows.length };
  figures.verdicts = { agree, of: Object.keys(verdicts).length, disagreements };
  console.log(`nx-pdd status: ${rows.length} units in ${status.seconds.toFixed(2)} s (exit ${status.code})`);
  console.log(`verdicts: ${agree} / ${Object.keys(verdicts).length} fingerprinted units agree with PDD's sync_determine_operation`);
  for (const d of disagreements) console.log(`  ${d}`);
  console.log(JSON.stringify(figures));
  rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
