import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { E2EWorkspace } from './support/e2e-workspace';
import { fakeModelTable } from './support/fake-model';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const fence = (tag: string, body: string) => '```' + tag + '\n' + body + '\n```';
const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

async function workspace(fake: FakeLlmProcess, files: Record<string, string>): Promise<E2EWorkspace> {
  const ws = new E2EWorkspace({
    '.gitignore': 'node_modules\n.nx\n.pdd/cache/\n.pdd/state.db*\n.pdd/runs/\n.pdd/locks/\n.pdd/journal/\n',
    '.pdd/llm_model.csv': fakeModelTable(fake.url),
    ...files,
  });
  ws.env = { OPENAI_API_KEY: 'k' };
  return ws;
}

describe('sync: adoption, recovery, limits, TypeScript (real nx, tools/fake-llm)', () => {
  let fake: FakeLlmProcess;
  const workspaces: E2EWorkspace[] = [];
  beforeAll(async () => (fake = await spawnFakeLlm({ scenario: { rules: [] } })));
  afterAll(async () => {
    workspaces.forEach((w) => w.dispose());
    await fake?.close();
  });

  it('an existing PDD project whose files match its fingerprints is in sync and costs zero requests', async () => {
    const files = {
      'prompts/calc_python.prompt': 'Write add(a, b).\n',
      'calc.py': 'def add(a, b):\n    return a + b\n',
      'examples/calc_example.py': 'from calc import add\nprint(add(1, 2))\n',
      'tests/test_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n',
    };
    // As PDD's json.dump(..., indent=2) writes them.
    const fingerprint = JSON.stringify(
      {
        pdd_version: '0.0.300',
        timestamp: '2026-07-19T07:45:35.123456+00:00',
        command: 'test',
        prompt_hash: sha(files['prompts/calc_python.prompt']),
        code_hash: sha(files['calc.py']),
        example_hash: sha(files['examples/calc_example.py']),
        test_hash: sha(files['tests/test_calc.py']),
        test_files: { 'test_calc.py': sha(files['tests/test_calc.py']) },
        include_deps: {},
      },
      null,
      2,
    );
    const runReport = JSON.stringify(
      {
        timestamp: '2026-07-19T07:45:40.000000+00:00',
        exit_code: 0,
        tests_passed: 1,
        tests_failed: 0,
        coverage: 0.0,
        test_hash: sha(files['tests/test_calc.py']),
      },
      null,
      2,
    );
    const ws = await workspace(fake, { ...files, '.pdd/meta/calc_python.json': fingerprint, '.pdd/meta/calc_python_run.json': runReport });
    workspaces.push(ws);
    const before = (await fake.requests()).length;
    const r = ws.nx('run', 'calc:sync');
    expect(r.code).toBe(0);
    expect(out(r)).toMatch(/calc_python: in sync: .*\n(calc: )?\s+operations: none; cost \$0\.00/);
    expect((await fake.requests()).length).toBe(before);
    // PDD's files are left as PDD wrote them.
    expect(readFileSync(ws.path('.pdd/meta/calc_python.json'), 'utf8')).toBe(fingerprint);
  });

  it('kill -9 mid-operation: the next run finds the journal, says so, rolls back, and finishes', async () => {
    await fake.setScenario({
      rules: [
        {
          match: 'Write the module "calc" (calc.py)',
          responses: [
            { content: fence('python', 'def add(a, b):\n    return a + b'), delayMs: 60_000 },
            { content: fence('python', 'def add(a, b):\n    return a + b') },
          ],
        },
        { match: 'Judge from the example', responses: [{ content: fence('json', '{"verdict": "yes", "reasons": []}') }] },
        { match: 'Write tests/test_calc.py', responses: [{ content: fence('python', 'from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
      ],
    });
    const ws = await workspace(fake, {
      'prompts/calc_python.prompt': 'Write add(a, b).\n',
      'examples/calc_example.py': 'from calc import add\nprint(add(2, 3))\n',
    });
    workspaces.push(ws);
    const running = ws.nxAsync('run', 'calc:sync', '--callTimeout=120');
    const lock = ws.path('.pdd/locks/calc_python.lock');
    const journal = ws.path('.pdd/journal/calc_python.json');
    // Kill it while the model is answering: the journal is open, the request has arrived.
    const asked = async () => (await fake.requests()).some((q) => q.text.includes('Write the module "calc" (calc.py)'));
    const until = Date.now() + 60_000;
    while (!(existsSync(lock) && existsSync(journal) && (await asked())) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const pid = Number(readFileSync(lock, 'utf8'));
    process.kill(pid, 'SIGKILL');
    await running;
    expect(existsSync(journal)).toBe(true);
    expect(existsSync(ws.path('calc.py'))).toBe(false);
    const next = ws.nx('run', 'calc:sync');
    expect(out(next)).toContain(`recovered: "generate" (pid ${pid}`);
    expect(out(next)).toMatch(/took over the lock of pid \d+ \(no longer running\)/);
    expect(next.code).toBe(0);
    expect(existsSync(journal)).toBe(false);
    expect(readFileSync(ws.path('calc.py'), 'utf8')).toBe('def add(a, b):\n    return a + b\n');
    // The killed run's reservation was released when the next run read the ledger (issue #13).
    const Database = require('better-sqlite3');
    const db = new Database(ws.path('.pdd/state.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT status FROM ledger WHERE pid = ?').all(pid)).toEqual([{ status: 'released' }]);
    } finally {
      db.close();
    }
  });

  it('Ctrl-C mid-operation: the step is rolled back at once, the lock freed, and it says so', async () => {
    await fake.setScenario({
      rules: [{ match: 'Write the module "calc" (calc.py)', responses: [{ content: fence('python', 'def add(a, b):\n    return a + b'), delayMs: 60_000 }] }],
    });
    const ws = await workspace(fake, { 'prompts/calc_python.prompt': 'Write add(a, b) for the Ctrl-C test.\n' });
    workspaces.push(ws);
    const running = ws.nxAsync('run', 'calc:sync', '--callTimeout=120');
    const lock = ws.path('.pdd/locks/calc_python.lock');
    const journal = ws.path('.pdd/journal/calc_python.json');
    const asked = async () => (await fake.requests()).some((q) => q.text.includes('for the Ctrl-C test'));
    const until = Date.now() + 60_000;
    while (!(existsSync(lock) && existsSync(journal) && (await asked())) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    process.kill(Number(readFileSync(lock, 'utf8')), 'SIGINT');
    const r = await running;
    expect(r.code).not.toBe(0);
    expect(out(r)).toContain(
      'nx-pdd: calc_python: interrupted (SIGINT); "generate" rolled back: calc.py, .pdd/generated/calc_python/calc.py, .pdd/meta/calc_python.json',
    );
    expect([existsSync(journal), existsSync(lock), existsSync(ws.path('calc.py'))]).toEqual([false, false, false]);
  });

  it('fixes that never work stop at the attempt limit: exit 1, state failed, the parsed reason', async () => {
    await fake.setScenario({
      rules: [
        { match: 'Failures (', responses: [{ content: 'FILE: calc.py\n' + fence('python', 'def add(a, b):\n    return a * b') }] },
        { match: 'Write the module "calc" (calc.py)', responses: [{ content: fence('python', 'def add(a, b):\n    return a - b') }] },
        { match: 'Write tests/test_calc.py', responses: [{ content: fence('python', 'from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
        { match: 'usage example of this module', responses: [{ content: fence('python', 'from calc import add\nprint(add(2, 3))') }] },
      ],
    });
    const ws = await workspace(fake, { 'prompts/calc_python.prompt': 'Write add(a, b).\n' });
    workspaces.push(ws);
    const r = ws.nx('run', 'calc:sync', '--skipVerify', '--maxAttempts=2');
    expect(r.code).toBe(1);
    expect(out(r)).toMatch(
      /calc_python: NOT in sync \(failed\): "fix" failed 2 times \(--max-attempts\); last:|calc_python: NOT in sync \(failed\): no progress/,
    );
    expect(out(r)).toContain('test_add: assertion — assert 6 == 5');
    const report = JSON.parse(readFileSync(ws.path('.pdd/meta/calc_python_run.json'), 'utf8'));
    expect(report).toMatchObject({ exit_code: 1, tests_failed: 1, nx_pdd_failures: [{ test: 'tests.test_calc::test_add', class: 'assertion' }] });
  });

  it('a test that hangs is killed at --runTimeout and reported as such', async () => {
    await fake.setScenario({
      rules: [
        { match: 'Failures (', responses: [{ content: 'FILE: calc.py\n' + fence('python', 'def add(a, b):\n    return a + b') }] },
        { match: 'Write the module "calc" (calc.py)', responses: [{ content: fence('python', 'def add(a, b):\n    return a + b') }] },
        { match: 'usage example of this module', responses: [{ content: fence('python', 'from calc import add\nprint(add(2, 3))') }] },
        { match: 'Write tests/test_calc.py', responses: [{ content: fence('python', 'import time\n\ndef test_hangs():\n    time.sleep(120)') }] },
      ],
    });
    const ws = await workspace(fake, { 'prompts/calc_python.prompt': 'Write add(a, b) for the hang test.\n' });
    workspaces.push(ws);
    // The test sleeps 120 s: were it not killed, it would pass and this message would be missing.
    const r = ws.nx('run', 'calc:sync', '--skipVerify', '--maxAttempts=1', '--runTimeout=3');
    expect(r.code).toBe(1);
    expect(out(r)).toContain('(test run): timeout — the tests did not finish within 3 s and were killed');
  });

  it('a TypeScript unit: the example crashes, is fixed; a test fails, the code is fixed; exit 0', async () => {
    await fake.setScenario({
      rules: [
        {
          match: 'Running the example failed',
          responses: [{ content: 'FILE: examples/greet_example.ts\n' + fence('ts', "import { greet } from '../greet';\nconsole.log(greet('Ada'));") }],
        },
        { match: 'Judge from the example', responses: [{ content: fence('json', '{"verdict": "yes", "reasons": []}') }] },
        {
          match: 'Failures (',
          responses: [{ content: 'FILE: greet.ts\n' + fence('ts', 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}') }],
        },
        { match: 'Write examples/greet_example.ts', responses: [{ content: fence('ts', "import { hello } from '../greet';\nconsole.log(hello('Ada'));") }] },
        {
          match: 'Write tests/test_greet.ts',
          responses: [
            {
              content: fence(
                'ts',
                "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { greet } from '../greet';\n\ntest('greets by name', () => {\n  assert.equal(greet('Ada'), 'Hello, Ada!');\n});",
              ),
            },
          ],
        },
        {
          match: 'Write the module "greet" (greet.ts)',
          responses: [{ content: fence('ts', 'export function greet(name: string): string {\n  return `Hello ${name}`;\n}') }],
        },
      ],
    });
    const ws = await workspace(fake, { 'prompts/greet_typescript.prompt': 'Write greet(name) returning "Hello, <name>!".\n' });
    workspaces.push(ws);
    const r = ws.nx('run', 'greet:sync');
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(r)).toMatch(/example failed \(\w+\):/);
    expect(out(r)).toContain('0 passed, 1 failed');
    expect(out(r)).toMatch(/greet_typescript: in sync/);
    expect(readFileSync(ws.path('greet.ts'), 'utf8')).toContain('`Hello, ${name}!`');
  });
});
