import { existsSync, readFileSync } from 'node:fs';
import { FakeLlm, startFakeLlm } from '../../../../tools/fake-llm/fake-llm';
import { fakeModelTable, py } from '../../../../tools/testing/fake-model';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { PddError } from '../errors';
import { pddLayout } from '../pdd-layout';
import { resolveUnits } from '../units';
import { Transaction } from './transaction';
import { operationsRun, runRecordOf, runSyncCommand, SessionWatcher } from './sync-command';
import { parseSyncFlags, SyncCommandOptions, syncOptionsFor } from './sync-options';
import { SyncSession } from './sync-session';

/* runSyncCommand and its session without Nx: an in-process fake LLM, a temp workspace, real pytest. */
describe('the sync command (no Nx)', () => {
  let fake: FakeLlm;
  let ws: TempWorkspace;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, OPENAI_API_KEY: 'k', NX_PDD_BUDGET_SCOPE: 'sync-command-spec' };
  const unit = () => resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root, env }).units[0];
  const options = (over: Partial<SyncCommandOptions> = {}): SyncCommandOptions => ({ ...parseSyncFlags({ sandbox: 'off' }), interactive: false, ...over });

  beforeAll(async () => {
    fake = await startFakeLlm({
      scenario: {
        rules: [
          { match: 'usage example of this module', responses: [{ content: py('from calc import add\nprint(add(2, 3))') }] },
          { match: 'Write tests/test_calc.py', responses: [{ content: py('from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
          { match: 'Write the module "calc"', responses: [{ content: py('def add(a, b):\n    return a + b') }] },
        ],
      },
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Write add(a, b) returning the sum.\n', '.pdd/llm_model.csv': fakeModelTable(fake.url) });
  });
  afterEach(() => ws.dispose());

  it('takes a new unit to in sync in 3 calls; the summary, the run report and the run record say the same', async () => {
    const log: string[] = [];
    const watched: (SyncSession | null)[] = [];
    const u = unit();
    const r = await runSyncCommand(
      u,
      ws.root,
      env,
      options(),
      (l) => log.push(l),
      (s) => watched.push(s),
    );
    expect(r.ok).toBe(true);
    expect(fake.requests).toHaveLength(3);
    expect(operationsRun(r.outcome!)).toEqual(['generate', 'example', 'crash', 'generate-tests', 'test']);
    expect(r.summary[0]).toBe('calc_python: in sync: prompt, code, example and tests agree');
    expect(r.summary[1]).toMatch(/^ {2}operations: generate, example, crash, generate-tests, test; cost \$[\d.]+; [\d.]+ s$/);
    const report = JSON.parse(readFileSync(ws.path(r.reportFile!), 'utf8'));
    expect(report).toMatchObject({ unit: 'calc_python', ok: true, profile: 'standard', costUsd: r.outcome!.costUsd });
    expect(runRecordOf(u, r)).toEqual({
      unit: 'calc_python',
      ok: true,
      state: r.outcome!.state,
      reason: r.outcome!.reason,
      operations: operationsRun(r.outcome!),
      costUsd: r.outcome!.costUsd,
      seconds: r.seconds,
      reportFile: r.reportFile,
    });
    // The session was handed over while it held the lock, and taken back after.
    expect(watched.map((s) => (s ? 'session' : null))).toEqual(['session', null]);
    expect(existsSync(ws.path(pddLayout(u).lock))).toBe(false);
    expect(log.filter((l) => l.startsWith('generated code runs without a sandbox (--sandbox=off)'))).toHaveLength(1);
    // Nothing left to do: nothing runs, so the sync does not probe or name the sandbox (and
    // writes no fingerprint, so it does not ask git for the commit's time).
    const again: string[] = [];
    const fingerprint = readFileSync(ws.path(u.metaFile), 'utf8');
    const noop = await runSyncCommand(u, ws.root, env, options(), (l) => again.push(l));
    expect(operationsRun(noop.outcome!)).toEqual([]);
    expect(noop.ok).toBe(true);
    expect(again.filter((l) => l.includes('sandbox'))).toEqual([]);
    expect(readFileSync(ws.path(u.metaFile), 'utf8')).toBe(fingerprint);
  }, 120_000);

  it('a dry run plans, names the interpreter, writes nothing and makes no call; its run record is the plan', async () => {
    const u = unit();
    const r = await runSyncCommand(u, ws.root, env, options({ dryRun: true }), () => {});
    expect(r.ok).toBe(true);
    expect(r.summary.join('\n')).toMatch(/calc_python: plan \(dry run: no unit file is written, nothing is spent\)\n {2}1\. generate — no code file yet/);
    expect(r.summary.join('\n')).toMatch(/the example and tests would run with .*python/);
    expect(fake.requests).toHaveLength(0);
    expect(existsSync(ws.path('calc.py'))).toBe(false);
    expect(existsSync(ws.path(pddLayout(u).stateDb))).toBe(false);
    expect(runRecordOf(u, r)).toMatchObject({ state: 'planned', operations: ['generate', 'example', 'crash', 'generate-tests', 'test'], costUsd: 0 });
  }, 60_000);

  it('the safe profile with no one to ask carries nothing out', async () => {
    const r = await runSyncCommand(unit(), ws.root, env, options({ profile: 'safe' }), () => {});
    expect(r.ok).toBe(false);
    expect(r.summary.at(-1)).toContain('safe profile with no terminal to ask');
    expect(fake.requests).toHaveLength(0);
  }, 60_000);

  it('an interrupted session puts back what the open step wrote, records the state and frees the lock (it never exits the process)', async () => {
    const u = unit();
    const watch: SessionWatcher = () => {};
    const session = SyncSession.open({
      workspaceRoot: ws.root,
      unit: u,
      env,
      options: options(),
      table: { rows: [], file: 'none' },
      dependenciesKey: '',
      recordedAt: () => new Date(),
      log: () => {},
    });
    watch(session);
    ws.write({ 'calc.py': 'before\n' });
    Transaction.begin(ws.root, pddLayout(u).journal, { unit: u.id, operation: 'generate' }, ['calc.py']);
    ws.write({ 'calc.py': 'half written' });
    expect(session.interrupt('SIGINT')).toBe('calc_python: interrupted (SIGINT); "generate" rolled back: calc.py');
    expect(readFileSync(ws.path('calc.py'), 'utf8')).toBe('before\n');
    expect(existsSync(ws.path(pddLayout(u).lock))).toBe(false);
    expect(session.interrupt('SIGTERM')).toBe('calc_python: interrupted (SIGTERM)');
  }, 60_000);
});

describe('sync options: one mapping from flags to the loop', () => {
  it('checks every named value and says what is allowed', () => {
    expect(() => parseSyncFlags({ profile: 'fast' })).toThrow('unknown profile "fast" (profiles: quick, standard, thorough, safe)');
    expect(() => parseSyncFlags({ llmCache: 'sometimes' })).toThrow('unknown --llmCache "sometimes" (use one of');
    expect(() => parseSyncFlags({ resolve: 'mine' })).toThrow('unknown --resolve "mine" (use one of ours, theirs, merged, llm)');
    expect(() => parseSyncFlags({ sandbox: 'docker' })).toThrow(PddError);
    expect(() => parseSyncFlags({ resumeFrom: 'deploy' })).toThrow('unknown operation "deploy"');
  });

  it('gives defaults: flags, then the plugin and environment, then built-ins; the profile then the unit settings in the loop', () => {
    expect(parseSyncFlags({})).toMatchObject({ profile: 'standard', dryRun: false, llmCache: 'readwrite', callTimeout: 120, runTimeout: 120, sandbox: 'auto' });
    expect(parseSyncFlags({ sandbox: 'require' }, { sandbox: 'off', llmCache: 'off' })).toMatchObject({ sandbox: 'require', llmCache: 'off' });
    expect(parseSyncFlags({ resumeFrom: 'test' }).resumeFrom).toBe('test');
    const ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'x\n' });
    try {
      const u = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root, env: {} }).units[0];
      expect(syncOptionsFor(u, { profile: 'standard' })).toMatchObject({
        skipVerify: true,
        maxAttempts: u.settings.maxAttempts,
        targetCoverage: u.settings.targetCoverage,
      });
      expect(syncOptionsFor(u, { profile: 'thorough', skipVerify: true, timeout: 30 })).toMatchObject({
        skipVerify: true,
        autoDeps: true,
        maxAttempts: 5,
        maxSeconds: 30,
      });
    } finally {
      ws.dispose();
    }
  });
});
