import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { CacheServerProcess, spawnCacheServer } from '../tools/cache-server/cache-server';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { E2EWorkspace } from './support/e2e-workspace';
import { calcWorkspace, py, unitPrompt, unitRules } from './support/fake-model';

/*
 * Issue #7: two clones of one git repo ("two machines": separate .nx caches, no shared files
 * but git) and one self-hosted remote cache (tools/cache-server). Clone A syncs three dependent
 * units and uploads; clone B, on the same commit, gets every sync task from the remote cache
 * with no LLM request and the same bytes; then B edits one unit's prompt and only that unit
 * is re-synced.
 */
const UNITS: Record<string, string[]> = { app: ['lib'], lib: ['base'], base: [] };
const FLAGS = ['--skipVerify', '--skipTests', '--outputStyle=stream'];
const SYNCED = [
  'app.py',
  'lib.py',
  'base.py',
  'examples/app_example.py',
  'examples/base_example.py',
  '.pdd/meta/app_python.json',
  '.pdd/meta/base_python.json',
  '.pdd/interface/lib_python.txt',
  '.pdd/generated/base_python/base.py',
];

describe('sharing syncs between machines through a remote cache (two clones, tools/cache-server)', () => {
  let fake: FakeLlmProcess;
  let cache: CacheServerProcess;
  let a: E2EWorkspace;
  let b: E2EWorkspace;
  const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
  const requests = async () => (await fake.requests()).length;

  beforeAll(async () => {
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: 'e2e-key',
        rules: [{ match: 'IMPL TWO', responses: [{ content: py('def base():\n    # said differently\n    return 2 - 1') }] }, ...unitRules(UNITS)],
      },
    });
    cache = await spawnCacheServer({ readWriteToken: 'ci-main-rw', readOnlyToken: 'pull-request-ro' });
    a = calcWorkspace(fake.url);
    rmSync(a.path('prompts/calc_python.prompt'));
    a.commit('no units yet');
    for (const [name, deps] of Object.entries(UNITS)) writeFileSync(a.path(`prompts/${name}_python.prompt`), unitPrompt(name, deps));
    a.commit('three units');
    a.env = { ...a.env, NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'ci-main-rw' };
  });
  afterAll(async () => {
    a?.dispose();
    b?.dispose();
    await fake?.close();
    await cache?.close();
  });

  it('clone A syncs the three units and uploads them', async () => {
    const r = a.nx('affected', '-t', 'sync', '--base=HEAD~1', ...FLAGS);
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(r)).toMatch(/3 units: 3 in sync/);
    expect(await requests()).toBe(6); // code and example of each
    // The run after a sync finds it in sync and stores that state too (see docs/ci.md).
    expect(out(a.nx('affected', '-t', 'sync', '--base=HEAD~1', ...FLAGS))).toMatch(/3 units: 3 in sync/);
    expect((await cache.requests()).filter((q) => q.method === 'PUT' && q.status === 200).length).toBe(6);
    // Nothing machine-specific in what is cached: no absolute path, host name or clock time.
    for (const f of SYNCED) {
      const text = readFileSync(a.path(f), 'utf8');
      expect({ f, root: text.includes(a.root) || text.includes('/tmp/'), host: text.includes(hostname()) }).toEqual({ f, root: false, host: false });
    }
  });

  it('clone B on the same commit: every task from the remote cache, no LLM request, the same bytes', async () => {
    b = new E2EWorkspace({}, undefined, a);
    b.env = { OPENAI_API_KEY: 'e2e-key', NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'pull-request-ro' };
    const before = await requests();
    const r = b.nx('affected', '-t', 'sync', '--base=HEAD~1', ...FLAGS);
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    for (const unit of Object.keys(UNITS)) expect(out(r)).toMatch(new RegExp(`nx run ${unit}:sync .*\\[remote cache\\]`));
    expect(await requests()).toBe(before);
    for (const f of SYNCED) expect({ f, same: readFileSync(b.path(f), 'utf8') === readFileSync(a.path(f), 'utf8') }).toEqual({ f, same: true });
  });

  it("clone B edits one unit's prompt: only that unit is re-synced, its dependents come from the cache", async () => {
    const before = await requests();
    writeFileSync(b.path('prompts/base_python.prompt'), unitPrompt('base', [], 'Write base() returning a number. IMPL TWO'));
    const r = b.nx('affected', '-t', 'sync', '--base=HEAD', ...FLAGS);
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(r)).toMatch(/\n\s+base\s+in sync: generate, crash/);
    for (const unit of ['lib', 'app']) expect(out(r)).toMatch(new RegExp(`nx run ${unit}:sync .*\\[remote cache\\]`));
    expect(await requests()).toBe(before + 1);
    // The read-only token of a pull request could not write to the cache.
    expect((await cache.requests()).filter((q) => q.method === 'PUT' && q.access === 'read').every((q) => q.status === 403)).toBe(true);
  });
});
