import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { fakeModelTable, py } from '../tools/testing/fake-model';
import { TempWorkspace } from '../tools/testing/temp-workspace';
import { NX_COMMAND_TIMEOUT_MS, NX_NON_INTERACTIVE } from './support/e2e-workspace';
import { packPackages, REPO_ROOT } from './support/plugin-install';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { spawnServer } = require('../tools/testing/spawn-server');

/*
 * Issue #15: nx-pdd installs as a user gets it. Both packages are published to a local registry
 * (verdaccio, tools/local-registry, on 127.0.0.1; everything else comes through it from the npm
 * registry), and in a brand-new folder with only nx installed: `nx add nx-pdd`, `nx show
 * projects`, a sync against the fake LLM, and the README's `nx affected` on the repo's own branch
 * (master). On Nx 22.7.8 and 24.0.6.
 */
const NX_VERSIONS = ['22.7.8', '24.0.6'];

describe('installing nx-pdd from a registry into a new workspace', () => {
  let registry: { url: string; stop(): Promise<void> };
  let fake: FakeLlmProcess;
  let scratch: TempWorkspace;
  /** Where better-sqlite3's prebuilt binary is served (the repo's own build), as its GitHub releases would serve it. */
  let binaryHost = '';

  const run = (cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(command, args, {
      cwd,
      encoding: 'utf8',
      timeout: NX_COMMAND_TIMEOUT_MS,
      env: {
        ...process.env,
        ...NX_NON_INTERACTIVE,
        ...(registry ? { npm_config_registry: registry.url, npm_config_better_sqlite3_binary_host: binaryHost } : {}),
        // Nx's copy of its native module goes with the scratch folder, not into TMPDIR for good.
        NX_NATIVE_FILE_CACHE_DIRECTORY: scratch.path('nx-native-file-cache'),
        ...env,
      },
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}${r.error ? `\n${r.error.message}` : ''}` };
  };
  const ok = (cwd: string, command: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const r = run(cwd, command, args, env);
    if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}\n${r.out}`);
    return r.out;
  };

  beforeAll(async () => {
    scratch = new TempWorkspace('nx-pdd-install-');
    // better-sqlite3 downloads a prebuilt binary from its releases (prebuild-install), which this
    // machine cannot reach; without one it compiles for a minute or more. The registry serves the
    // repo's own build (same version, same Node) the way those releases would.
    const sqlite = join(REPO_ROOT, 'node_modules/better-sqlite3');
    const version = JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')).version;
    const prebuilt = scratch.path(`prebuilds/v${version}`);
    mkdirSync(prebuilt, { recursive: true });
    ok(sqlite, 'tar', [
      '-czf',
      join(prebuilt, `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`),
      'build/Release/better_sqlite3.node',
    ]);
    registry = await spawnServer('local-registry', join(__dirname, '../tools/local-registry/cli.js'), [
      '--storage',
      scratch.path('registry'),
      '--prebuilds',
      scratch.path('prebuilds'),
    ]);
    binaryHost = `${registry.url}/-/prebuilds`;
    const npmrc = scratch.path('publish.npmrc');
    writeFileSync(npmrc, `registry=${registry.url}/\n//${new URL(registry.url).host}/:_authToken=e2e-local\n`);
    for (const tarball of packPackages(scratch.path('pack'))) ok(scratch.root, 'npm', ['publish', tarball, '--userconfig', npmrc, '--registry', registry.url]);
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: 'e2e-key',
        rules: [
          { match: 'usage example of this module', responses: [{ content: py('from calc import add\nprint(add(2, 3))') }] },
          { match: 'Write tests/test_calc.py', responses: [{ content: py('from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
          { match: 'Write the module "calc"', responses: [{ content: py('def add(a, b):\n    return a + b') }] },
        ],
      },
    });
  }, 600_000);
  afterAll(async () => {
    await fake?.close();
    await registry?.stop();
    scratch?.dispose();
  });

  it.each(NX_VERSIONS)(
    'Nx %s: npm i -D nx, nx add nx-pdd, show projects, sync, affected',
    (nxVersion) => {
      const dir = scratch.path(`ws-${nxVersion}`);
      mkdirSync(dir, { recursive: true });
      ok(dir, 'git', ['init', '-q', '-b', 'master']);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'new-workspace', version: '1.0.0', private: true }, null, 2));
      ok(dir, 'npm', ['install', '-D', `nx@${nxVersion}`, '--no-audit', '--no-fund', '--prefer-offline']);
      writeFileSync(join(dir, 'nx.json'), '{}\n');

      const added = run(dir, 'npx', ['nx', 'add', 'nx-pdd']);
      expect(`exit ${added.code}\n${added.out}`).toMatch(/^exit 0\n/); // the whole output on failure
      const nxJson = JSON.parse(readFileSync(join(dir, 'nx.json'), 'utf8'));
      expect(nxJson).toMatchObject({ plugins: ['nx-pdd'], defaultBase: 'master' });
      expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^node_modules\/\n\.nx\/cache\n\.nx\/workspace-data\n\n# nx-pdd local state/);
      expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({
        devDependencies: { 'nx-pdd': '^0.1.0' },
        allowScripts: { 'better-sqlite3': true },
      });
      expect(run(dir, process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:')"]).code).toBe(0);

      writeFileSync(join(dir, 'README.md'), 'a new workspace\n');
      ok(dir, 'git', ['add', '-A']);
      ok(dir, 'git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', 'nx add nx-pdd']);
      ok(dir, 'npx', ['nx', 'g', 'nx-pdd:unit', '--name=calc', '--language=python']);
      writeFileSync(join(dir, 'prompts/calc_python.prompt'), 'Write add(a, b) returning the sum.\n');
      mkdirSync(join(dir, '.pdd'), { recursive: true });
      writeFileSync(join(dir, '.pdd/llm_model.csv'), fakeModelTable(fake.url));
      expect(ok(dir, 'npx', ['nx', 'show', 'projects']).split('\n')).toContain('calc');

      const synced = run(dir, 'npx', ['nx', 'run', 'calc:sync', '--outputStyle=stream'], { OPENAI_API_KEY: 'e2e-key' });
      expect(`exit ${synced.code}\n${synced.out}`).toMatch(/^exit 0\n/); // the whole output on failure
      expect(synced.out).toMatch(/calc_python: in sync/);
      expect(existsSync(join(dir, 'tests/test_calc.py'))).toBe(true);
      // The README's affected command, on this repo's own branch (defaultBase: master).
      const affected = run(dir, 'npx', ['nx', 'affected', '-t', 'sync', '--budget=5'], { OPENAI_API_KEY: 'e2e-key' });
      expect(`exit ${affected.code}\n${affected.out}`).toMatch(/^exit 0\n/); // the whole output on failure
    },
    1_800_000,
  );
});
