import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { LanguageTable } from '../languages';
import { resolveUnits } from '../units';
import { secretValues, untrustedEnvironment } from '../secrets';
import { runProcess } from './process-runner';
import { bubblewrapUsable } from './sandbox';
import { chooseJsTestRunner, runExample, runTests } from './unit-runner';

/** Running (a zombie left for a PID 1 that does not reap, as in many containers, is not). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('running untrusted programs', () => {
  it('kills the whole process group at the timeout', async () => {
    // sleep 300 outlives this test's own timeout: the run returns only because it was killed.
    const r = await runProcess({ command: 'sh', args: ['-c', 'sleep 300 & echo $!; wait'], cwd: '/tmp', env: process.env, timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    const grandchild = Number(r.stdout.trim());
    // SIGKILL was sent when the run ended; give the kernel a bounded moment to reap it.
    for (let i = 0; i < 100 && alive(grandchild); i++) await new Promise((res) => setTimeout(res, 50));
    expect(alive(grandchild)).toBe(false);
  }, 60_000);

  it('gives the child an allowlisted environment and redacts secret values from what it prints', async () => {
    const env = {
      ...process.env,
      OPENAI_API_KEY: 'sk-one-12345',
      ANTHROPIC_API_KEY: 'a-two-12345',
      GITHUB_TOKEN: 'tok-1234567',
      MY_MODEL_KEY: 'model-key-987',
      HARMLESS: 'yes',
      PASSED: 'passed-on',
      DATABASE_URL: 'postgres://u:PW-123456@h/db',
    };
    const r = await runProcess({ command: 'env', args: [], cwd: '/tmp', env, timeoutMs: 30_000, secretVars: ['MY_MODEL_KEY'], passEnv: ['PASSED'] });
    expect(r.stdout).toContain('PASSED=passed-on');
    expect(r.stdout).toContain('PATH=');
    for (const gone of ['HARMLESS', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'MY_MODEL_KEY', 'DATABASE_URL']) expect(r.stdout).not.toContain(`${gone}=`);
    // Values the program finds elsewhere (an ancestor's /proc/<pid>/environ) are redacted on the way out.
    const leak = await runProcess({
      command: 'sh',
      args: ['-c', 'echo "leak: $0"', 'sk-one-12345 model-key-987 PW-123456'],
      cwd: '/tmp',
      env,
      timeoutMs: 30_000,
      secretVars: ['MY_MODEL_KEY'],
    });
    expect(leak.stdout).toBe('leak: *** *** ***\n');
  }, 60_000);

  it('kills what the program left behind, also a process that left its group with setsid', async () => {
    const r = await runProcess({ command: 'sh', args: ['-c', 'setsid sleep 777 >/dev/null 2>&1 & echo $!'], cwd: '/tmp', env: process.env, timeoutMs: 30_000 });
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    const gone = () => {
      try {
        return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return true;
      }
    };
    // SIGKILL was sent when the run ended; give the kernel a bounded moment to reap it.
    for (let i = 0; i < 100 && !gone(); i++) await new Promise((res) => setTimeout(res, 50));
    expect(gone()).toBe(true);
  }, 60_000);

  (bubblewrapUsable() ? it : it.skip)(
    'in the bubblewrap sandbox: a private /proc, no network, only the workspace writable',
    async () => {
      const ws = new TempWorkspace();
      try {
        const script = [
          'ls /proc | grep -E "^[0-9]+$" | wc -l',
          `cat /proc/${process.pid}/environ >/dev/null 2>&1 && echo parent-visible || echo parent-hidden`,
          'touch /etc/nx-pdd-probe 2>/dev/null && echo etc-writable || echo etc-read-only',
          `touch ${ws.path('inside.txt')} && echo workspace-writable`,
          "node -e \"require('net').connect(9, '127.0.0.1').on('error', (e) => console.log('net:', e.code))\"",
        ].join('; ');
        const r = await runProcess({
          command: 'sh',
          args: ['-c', script],
          cwd: ws.root,
          env: process.env,
          timeoutMs: 30_000,
          sandbox: 'require',
          writable: [ws.root],
        });
        expect(r.sandbox).toBe('bwrap');
        const lines = r.stdout.trim().split('\n');
        expect(Number(lines[0])).toBeLessThan(10);
        expect(lines.slice(1, 4)).toEqual(['parent-hidden', 'etc-read-only', 'workspace-writable']);
        expect(lines[4]).toMatch(/^net: (ENETUNREACH|ECONNREFUSED|EACCES)/);
      } finally {
        ws.dispose();
      }
    },
    60_000,
  );

  it('knows secrets by name and by URL passwords, and nothing else', () => {
    expect(
      secretValues({
        AWS_SECRET_ACCESS_KEY: 'aws-secret-1',
        STRIPE_KEY: 'sk_live_123',
        API_KEY: 'apikey-123',
        DB_PASSWD: 'hunter22',
        X: 'https://u:pass-word-9@host/',
        HOME: '/root',
        PWD: '/work/x',
      }).sort(),
    ).toEqual(['aws-secret-1', 'pass-word-9', 'sk_live_123', 'apikey-123', 'hunter22'].sort());
    expect(Object.keys(untrustedEnvironment({ AWS_SECRET_ACCESS_KEY: 'x', PATH: '/bin', PYTHONPATH: 'src', LC_ALL: 'C', RANDOM_THING: 'y' }))).toEqual([
      'PATH',
      'PYTHONPATH',
      'LC_ALL',
    ]);
  });

  it('caps the output it keeps, and says a missing program is missing', async () => {
    const r = await runProcess({
      command: 'sh',
      args: ['-c', 'head -c 100000 /dev/zero | tr "\\0" x'],
      cwd: '/tmp',
      env: process.env,
      timeoutMs: 5000,
      maxOutputBytes: 1000,
    });
    expect(r.stdout).toHaveLength(1000);
    expect(r.truncated).toBe(true);
    await expect(runProcess({ command: 'no-such-tool-xyz', args: ['a'], cwd: '/tmp', env: process.env, timeoutMs: 1000 })).rejects.toThrow(
      '"no-such-tool-xyz" was not found on PATH: install it to run this unit (no-such-tool-xyz a)',
    );
  });
});

describe("running a Python unit's example and tests", () => {
  let ws: TempWorkspace;
  const unit = () => resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
  const opts = () => ({ workspaceRoot: ws.root, env: process.env, timeoutMs: 20_000 });
  beforeEach(() => {
    ws = new TempWorkspace().write({
      'prompts/calc_python.prompt': 'x',
      'calc.py': 'def add(a, b):\n    return a + b\n',
      'examples/calc_example.py': 'from calc import add\nprint(add(2, 3))\n',
      'tests/test_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n\ndef test_wrong():\n    assert add(2, 2) == 5\n',
    });
  });
  afterEach(() => ws.dispose());

  it("runs the example from the unit's root with the code importable", async () => {
    const r = await runExample(unit(), opts());
    expect(r).toMatchObject({ ok: true, failureClass: null });
    expect(r.run.stdout).toBe('5\n');
    ws.write({ 'examples/calc_example.py': 'from calc import mul\n' });
    const bad = await runExample(unit(), opts());
    expect(bad).toMatchObject({ ok: false, failureClass: 'import' });
    expect(bad.error).toContain("ImportError: cannot import name 'mul'");
  });

  it('an example or tests that change files they must not: put back, and the run fails (no sandbox)', async () => {
    ws.write({ 'examples/calc_example.py': 'import os\nos.remove("prompts/calc_python.prompt")\nopen("calc.py", "w").write("hacked = 1\\n")\nprint("ok")\n' });
    const r = await runExample(unit(), { ...opts(), sandbox: 'off' as const });
    expect(r).toMatchObject({ ok: false, failureClass: 'crash' });
    expect(r.error).toBe(
      'the example changed files it must not (prompts/calc_python.prompt, calc.py): they were put back as they were, and this run counts as failed',
    );
    expect(readFileSync(ws.path('prompts/calc_python.prompt'), 'utf8')).toBe('x');
    expect(readFileSync(ws.path('calc.py'), 'utf8')).toBe('def add(a, b):\n    return a + b\n');
    ws.write({
      'tests/test_calc.py':
        'import os\n\ndef test_tamper():\n    os.makedirs(".pdd/meta", exist_ok=True)\n    open(".pdd/meta/calc_python.json", "w").write("{}")\n',
    });
    const t = await runTests(unit(), { ...opts(), sandbox: 'off' as const });
    expect(t.result.tests.find((x) => x.name === '(files the tests must not change)')?.message).toContain('(.pdd/meta/calc_python.json)');
    expect(() => readFileSync(ws.path('.pdd/meta/calc_python.json'))).toThrow();
  }, 60_000);

  const otherUnits = {
    'prompts/other_python.prompt': 'other',
    '.pdd/meta/other_python.json': '{"pdd_version": "1"}',
    '.pddrc': 'version: "1.0"\n',
  };
  const tamperOthers =
    'import os\nopen("prompts/other_python.prompt", "w").write("hacked")\nos.remove(".pdd/meta/other_python.json")\nopen(".pdd/meta/planted.json", "w").write("{}")\nopen(".pddrc", "a").write("x: 1\\n")\nprint("ok")\n';

  (bubblewrapUsable() ? it : it.skip)(
    'in the sandbox those files are read-only: the write fails inside the run, nothing changes',
    async () => {
      ws.write({ ...otherUnits, 'examples/calc_example.py': tamperOthers });
      const r = await runExample(unit(), { ...opts(), sandbox: 'require' as const });
      expect(r.run.sandbox).toBe('bwrap');
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/Read-only file system|Permission denied/);
      for (const [file, text] of Object.entries(otherUnits)) expect(readFileSync(ws.path(file), 'utf8')).toBe(text);
      expect(() => readFileSync(ws.path('.pdd/meta/planted.json'))).toThrow();
    },
    60_000,
  );

  it('runs pytest with a JUnit report: counts, classes, coverage not measured (null, not 0)', async () => {
    const r = await runTests(unit(), opts());
    expect([r.result.passed, r.result.failed]).toEqual([1, 1]);
    expect(r.result.tests.find((t) => t.name === 'test_wrong')?.failureClass).toBe('assertion');
    expect(r.coverage).toBeNull();
    expect(r.run.exitCode).toBe(1);
  });

  it('a hanging test is killed at the timeout and reported as such', async () => {
    ws.write({ 'tests/test_calc.py': 'import time\n\ndef test_hangs():\n    time.sleep(60)\n' });
    const r = await runTests(unit(), { ...opts(), timeoutMs: 2000 });
    expect(r.run.timedOut).toBe(true);
    expect(r.result.tests[0]).toMatchObject({ status: 'errored', failureClass: 'timeout', message: 'the tests did not finish within 2 s and were killed' });
  }, 20_000);
});

describe('JavaScript units: the runner the workspace is configured for', () => {
  let ws: TempWorkspace;
  const unit = () => resolveUnits(['prompts/calc_javascript.prompt'], { workspaceRoot: ws.root }).units[0];
  beforeEach(() => {
    ws = new TempWorkspace().write({
      'prompts/calc_javascript.prompt': 'x',
      'calc.js': 'exports.add = (a, b) => a + b;\nexports.unused = (x) => {\n  if (x) return 1;\n  return 2;\n};\n',
      'tests/test_calc.js':
        "const assert = require('node:assert');\nconst { test } = require('node:test');\nconst { add } = require('../calc');\ntest('adds', () => assert.strictEqual(add(1, 2), 3));\ntest('fails', () => assert.strictEqual(add(2, 2), 5));\n",
    });
  });
  afterEach(() => ws.dispose());

  it('chooses node --test by default, jest or vitest by their config, the plugin option over both', () => {
    expect(chooseJsTestRunner(unit(), { workspaceRoot: ws.root })).toBe('node-test');
    ws.write({ 'jest.config.js': 'module.exports = {};' });
    expect(chooseJsTestRunner(unit(), { workspaceRoot: ws.root })).toBe('jest');
    ws.write({ 'vitest.config.ts': 'export default {};' });
    expect(chooseJsTestRunner(unit(), { workspaceRoot: ws.root })).toBe('vitest');
    expect(chooseJsTestRunner(unit(), { workspaceRoot: ws.root, testRunners: { javascript: 'node-test' } })).toBe('node-test');
  });

  it('runs node --test with a JUnit report', async () => {
    const r = await runTests(unit(), { workspaceRoot: ws.root, env: process.env, timeoutMs: 30_000 });
    expect([r.result.passed, r.result.failed]).toEqual([1, 1]);
    expect(r.command).toContain('--test-reporter=junit');
  }, 30_000);

  it('runs jest (--json), with coverage from its istanbul summary', async () => {
    ws.link('node_modules', join(__dirname, '../../../../node_modules'));
    ws.write({
      'jest.config.js': "module.exports = { testMatch: ['**/tests/**/*.js'] };",
      'tests/test_calc.js':
        "const { add } = require('../calc');\ntest('adds', () => expect(add(1, 2)).toBe(3));\ntest('fails', () => expect(add(2, 2)).toBe(5));\n",
    });
    const r = await runTests(unit(), { workspaceRoot: ws.root, env: process.env, timeoutMs: 60_000 });
    expect(r.command).toMatch(/^npx --no-install jest --json/);
    expect([r.result.passed, r.result.failed]).toEqual([1, 1]);
    expect(r.result.tests.find((t) => t.name === 'fails')?.failureClass).toBe('assertion');
    expect(r.coverage).toBeGreaterThan(0);
    expect(r.coverage).toBeLessThan(100);
  }, 60_000);
});

describe("other languages: the language's test command", () => {
  let ws: TempWorkspace;
  afterEach(() => ws.dispose());

  it('judges by the exit code when the command writes no report (Bash)', async () => {
    ws = new TempWorkspace().write({ 'prompts/tool_bash.prompt': 'x', 'tool.sh': 'echo hi\n', 'tests/test_tool.sh': 'exit 0\n' });
    const unit = () => resolveUnits(['prompts/tool_bash.prompt'], { workspaceRoot: ws.root }).units[0];
    const opts = { workspaceRoot: ws.root, env: process.env, timeoutMs: 10_000 };
    expect((await runTests(unit(), opts)).result).toMatchObject({ passed: 1, failed: 0 });
    ws.write({ 'tests/test_tool.sh': 'echo "assert failed: 2 != 3" >&2\nexit 1\n' });
    const failed = await runTests(unit(), opts);
    expect(failed.result).toMatchObject({ passed: 0, failed: 1 });
    expect(failed.result.tests[0]).toMatchObject({ name: '(bash {file})', message: 'exit code 1' });
  });

  it('reads the JUnit report a configured command writes to {junit}', async () => {
    ws = new TempWorkspace().write({
      'prompts/calc_junitdemo.prompt': 'x',
      'calc.jd': 'x',
      'tests/test_calc.jd': readFileSync(join(__dirname, '__fixtures__', 'pytest-mixed.xml'), 'utf8'),
    });
    const languages = new LanguageTable([
      { name: 'JunitDemo', extension: '.jd', comment: '#', runCommand: 'cat {file}', testCommand: 'cat {file} > {junit}', testReport: 'junit' },
    ]);
    const unit = resolveUnits(['prompts/calc_junitdemo.prompt'], { workspaceRoot: ws.root, languages }).units[0];
    const r = await runTests(unit, { workspaceRoot: ws.root, env: process.env, timeoutMs: 10_000 });
    expect([r.result.passed, r.result.failed, r.result.errored, r.result.skipped]).toEqual([1, 2, 1, 1]);
  });
});
