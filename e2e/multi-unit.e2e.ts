import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { E2EWorkspace } from './support/e2e-workspace';
import { calcWorkspace, py, unitPrompt as prompt, unitRules } from './support/fake-model';

/*
 * Issue #7: a diamond (a -> b, a -> c, b -> d, c -> d: "a depends on b") and a chain
 * (w -> x -> y -> z) of Python units declared with <pdd-dependency>, synced by real
 * `nx run-many` against tools/fake-llm: order, parallelism, an implementation-only vs an
 * interface change of d, a failed dependency, and a cycle.
 */
const FLAGS = ['--skipVerify', '--skipTests', '--outputStyle=stream'];
const UNITS: Record<string, string[]> = { a: ['b', 'c'], b: ['d'], c: ['d'], d: [], w: ['x'], x: ['y'], y: ['z'], z: [] };

describe('many units: dependency order, interfaces, failures, cycles (real nx run-many, tools/fake-llm)', () => {
  let fake: FakeLlmProcess;
  let ws: E2EWorkspace;
  const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
  const generateRequests = async () =>
    (await fake.requests())
      .filter((r) => /Write the module "(\w)"/.test(r.text))
      .map((r) => ({ unit: /Write the module "(\w)"/.exec(r.text)![1], at: Date.parse(r.at) }));

  beforeAll(async () => {
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: 'e2e-key',
        rules: [
          { match: 'API THREE', responses: [{ content: py('def d(scale=1):\n    return scale') }] },
          { match: 'IMPL TWO', responses: [{ content: py('def d():\n    # the same, said differently\n    return 2 - 1') }] },
          ...unitRules(UNITS, ['b', 'c']),
          ...unitRules({ e: [], f: [] }),
          { match: 'Write the module "g"', responses: [{ content: py('def g():\n    raise RuntimeError("g is broken")') }] },
          { match: 'Write the module "h"', responses: [{ content: py('from g import g\n\n\ndef h():\n    return g()') }] },
          { match: 'Write examples/g_example.py', responses: [{ content: py('from g import g\nprint(g())') }] },
          { match: 'Running the example failed', responses: [{ content: 'FILE: g.py\n' + py('def g():\n    raise RuntimeError("still broken")') }] },
        ],
      },
    });
    ws = calcWorkspace(fake.url, Object.fromEntries(Object.entries(UNITS).map(([n, deps]) => [`prompts/${n}_python.prompt`, prompt(n, deps)])));
    rmSync(ws.path('prompts/calc_python.prompt'));
    ws.commit('units');
  });
  afterAll(async () => {
    ws?.dispose();
    await fake?.close();
  });

  it('syncs dependencies first and independent units in parallel, then prints one summary', async () => {
    const r = ws.nx('run-many', '-t', 'sync', '--parallel=2', ...FLAGS);
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    const order = await generateRequests();
    const at = (u: string) => order.find((o) => o.unit === u)!.at;
    for (const [unit, deps] of Object.entries(UNITS)) for (const d of deps) expect({ [unit]: at(unit) > at(d) }).toEqual({ [unit]: true });
    // b's answer is held until c is asked, and c's until b is: both answered by the other's request, not by the hold's time limit, so they ran at once.
    const released = Object.fromEntries(
      (await fake.requests()).filter((q) => /Write the module "[bc]"/.test(q.text)).map((q) => [/Write the module "(\w)"/.exec(q.text)![1], q.released]),
    );
    expect(released).toEqual({ b: 'request', c: 'request' });
    expect(out(r)).toMatch(/nx-pdd sync summary\n(.*\n)*\s+a\s+in sync: generate, example, crash; \$[\d.]+/);
    expect(out(r)).toMatch(/8 units: 8 in sync, 0 failed, 0 not run; cost \$0\.\d+/);
    expect(readFileSync(ws.path('.pdd/runs/last-invocation.junit.xml'), 'utf8')).toContain(
      '<testsuite name="nx-pdd sync" tests="8" failures="0" errors="0" skipped="0"',
    );
    expect(readFileSync(ws.path('.pdd/interface/d_python.txt'), 'utf8')).toContain('\ndef d():\n');
    // A second pass finds everything in sync (and leaves Nx cache entries for this state).
    expect(out(ws.nx('run-many', '-t', 'sync', '--parallel=2', ...FLAGS))).toMatch(/8 units: 8 in sync/);
  });

  it('an implementation-only change of d re-syncs d alone: its dependents are Nx cache hits', async () => {
    const before = (await fake.requests()).length;
    writeFileSync(ws.path('prompts/d_python.prompt'), prompt('d', [], 'Write d() returning a number. IMPL TWO'));
    const r = ws.nx('run-many', '-t', 'sync', '--parallel=2', ...FLAGS);
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(readFileSync(ws.path('d.py'), 'utf8')).toContain('2 - 1');
    expect(out(r)).toMatch(/\n\s+d\s+in sync: generate, crash/);
    for (const u of ['a', 'b', 'c']) expect(out(r)).toMatch(new RegExp(`\\n\\s+${u}\\s+in sync \\(Nx cache: no work\\)`));
    expect((await fake.requests()).length).toBe(before + 1);
  });

  it('an interface change of d re-syncs b and c (the dry run names d), and not a, whose interface did not change', async () => {
    writeFileSync(ws.path('prompts/d_python.prompt'), prompt('d', [], 'Write d(scale) returning scale. API THREE'));
    ws.nxOk('run', 'd:sync', ...FLAGS);
    expect(ws.nx('run', 'b:sync', '--dryRun', '--skipVerify', '--skipTests', '--exclude-task-dependencies').stdout).toMatch(
      /1\. crash — the example has not run against the current code \(the interface of d_python changed\)/,
    );
    const r = ws.nx('run-many', '-t', 'sync', '--parallel=2', ...FLAGS);
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    for (const u of ['b', 'c']) expect(out(r)).toMatch(new RegExp(`\\n\\s+${u}\\s+in sync: crash; \\$0\\.00;`));
    expect(out(r)).toMatch(/\n\s+a\s+in sync \(Nx cache: no work\)/);
  });

  it('a failed dependency stops its dependents and names it; unrelated units go on', () => {
    writeFileSync(ws.path('prompts/g_python.prompt'), prompt('g', []));
    writeFileSync(ws.path('prompts/h_python.prompt'), prompt('h', ['g']));
    const r = ws.nx('run-many', '-t', 'sync', '--parallel=2', '--maxAttempts=1', ...FLAGS);
    expect(r.code).not.toBe(0);
    expect(out(r)).toMatch(/\n\s+g\s+NOT in sync \(failed\): generate, example, crash \(failed\)|\n\s+g\s+NOT in sync \(failed\)/);
    expect(out(r)).toMatch(/\n\s+h\s+not run: its dependency g failed/);
    expect(out(r)).toMatch(/\n\s+w\s+in sync/);
    expect(out(r)).toMatch(/10 units: 8 in sync, 1 failed, 1 not run/);
    const junit = readFileSync(ws.path('.pdd/runs/last-invocation.junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="nx-pdd.sync" name="g"[^>]*>\n\s+<failure message="failed: /);
    expect(junit).toMatch(/<testcase classname="nx-pdd.sync" name="h"[^>]*>\n\s+<skipped message="not run: its dependency g failed"\/>/);
  });

  it('--dryRun reports what changed; a comment-only edit of the code is recorded without an LLM call', async () => {
    const before = (await fake.requests()).length;
    writeFileSync(ws.path('a.py'), '# the top unit\n' + readFileSync(ws.path('a.py'), 'utf8'));
    const dry = ws.nx('run', 'a:sync', '--dryRun', ...FLAGS, '--exclude-task-dependencies');
    expect(dry.stdout).toMatch(/1\. record — only comments or whitespace of the code changed: recorded as it is \(no update\)/);
    expect(dry.stdout).toMatch(
      /changes \(impact low\):\n(a: )?\s+a\.py against last sync: comments\/whitespace only; \+1 -0 lines; public interface unchanged/,
    );
    expect(dry.stdout).toMatch(/a\.py against git HEAD: added/); // synced files are not committed in this workspace
    expect(dry.stdout).toMatch(/\n\s+a\s+dry run: record, crash; estimated \$[\d.]+/);
    const r = ws.nx('run', 'a:sync', ...FLAGS);
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(r)).toContain('record: only comments or whitespace of the code changed');
    expect((await fake.requests()).length).toBe(before);
  });

  it('a dependency cycle never stops a run: its units sync in a fixed order, the edge left out is named', async () => {
    writeFileSync(ws.path('prompts/e_python.prompt'), prompt('e', ['f']));
    writeFileSync(ws.path('prompts/f_python.prompt'), 'Write f() returning a number.\nIt calls e.\n<pdd-dependency>e_python.prompt</pdd-dependency>\n');
    const r = ws.nx('run-many', '-t', 'sync', '--projects=e,f', ...FLAGS);
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(r)).not.toContain('dependency cycle between units');
    expect(out(r)).toContain(
      '1 dependency not ordered (each closes a cycle between units; the units of a cycle sync in a fixed order):\n    e -> f (prompts/e_python.prompt:2 declares the dependency f_python.prompt)',
    );
    // The fixed order: e (first by name among equals) before f.
    const order = await generateRequests();
    expect(order.find((o) => o.unit === 'e')!.at).toBeLessThanOrEqual(order.find((o) => o.unit === 'f')!.at);
    expect(out(r)).toMatch(/2 units: 2 in sync/);
  });
});
