import { availableProducts, decide, DecisionOptions, FileStatus, Observation, SyncState } from './decision';
import { OPERATIONS } from '../operations/catalogue';
import { checkPrerequisites, executionOrder } from './operation-graph';

/** A unit in sync: everything recorded and unchanged, example ran, verified, tests pass at 95%. */
const inSync: Observation = {
  hasFingerprint: true,
  prompt: 'unchanged',
  code: 'unchanged',
  example: 'unchanged',
  tests: 'unchanged',
  exampleRun: { ok: true },
  verified: true,
  testRun: { failed: 0, passed: 4, exitCode: 0, coverage: 95 },
  depsAnalyzed: true,
  state: 'completed',
  journalOpen: false,
};
const opts: DecisionOptions = { skipVerify: false, skipTests: false, targetCoverage: 90, autoDeps: false, mergeAvailable: false, resolve: null };
const d = (o: Partial<Observation>, op: Partial<DecisionOptions> = {}) => decide({ ...inSync, ...o }, { ...opts, ...op });

describe('decide: one test per row of the decision table (docs/sync-engine.md)', () => {
  it('1: an open journal or interrupted state -> recover', () => {
    expect(d({ journalOpen: true })).toMatchObject({ kind: 'recover', rule: 1 });
    expect(d({ state: 'interrupted', prompt: 'changed' })).toMatchObject({ kind: 'recover', rule: 1 });
  });
  it('2: conflict -> stop, unless --resolve is given', () => {
    expect(d({ state: 'conflict' })).toMatchObject({ kind: 'stop', state: 'conflict', rule: 2 });
    expect(d({ state: 'conflict' }, { resolve: 'ours' })).toMatchObject({ kind: 'resolve', resolution: 'ours', rule: 2 });
  });
  it('3: no prompt -> stop failed', () => {
    expect(d({ prompt: 'missing' })).toMatchObject({ kind: 'stop', state: 'failed', rule: 3 });
  });
  it('4: new unit (no code) -> generate; auto-deps first when asked', () => {
    const fresh = {
      hasFingerprint: false,
      code: 'missing' as const,
      example: 'missing' as const,
      tests: 'missing' as const,
      exampleRun: null,
      verified: false,
      testRun: null,
      depsAnalyzed: false,
      state: null,
    };
    expect(d(fresh)).toMatchObject({ kind: 'run', operation: 'generate', rule: 4 });
    expect(d(fresh, { autoDeps: true })).toMatchObject({ kind: 'run', operation: 'auto-deps', rule: 4 });
    expect(d({ ...fresh, depsAnalyzed: true }, { autoDeps: true })).toMatchObject({ kind: 'run', operation: 'generate', rule: 4 });
  });
  it('5: files but no fingerprint (an adopted project) -> record them, no LLM call', () => {
    expect(d({ hasFingerprint: false, prompt: 'untracked', code: 'untracked' })).toMatchObject({ kind: 'record', rule: 5 });
  });
  it('6: prompt and code both changed -> generate with merge, or conflict; never a silent winner', () => {
    expect(d({ prompt: 'changed', code: 'changed' })).toMatchObject({ kind: 'stop', state: 'conflict', rule: 6 });
    expect(d({ prompt: 'changed', code: 'changed' }, { mergeAvailable: true })).toMatchObject({ kind: 'run', operation: 'generate', merge: true, rule: 6 });
    // As PDD: hand edits of the example or the tests meet the prompt change too.
    expect(d({ prompt: 'changed', example: 'changed' }, { mergeAvailable: true })).toMatchObject({
      kind: 'run',
      operation: 'generate',
      merge: true,
      rule: 6,
      reason: expect.stringContaining('the prompt and the example changed'),
    });
    expect(d({ prompt: 'changed', tests: 'changed' }, { mergeAvailable: true })).toMatchObject({ merge: true, rule: 6 });
    expect(d({ prompt: 'changed', tests: 'changed' }, { mergeAvailable: true, skipTests: true })).toMatchObject({ rule: 7 });
  });
  it('7: prompt-only change -> generate', () => {
    expect(d({ prompt: 'changed' })).toMatchObject({ kind: 'run', operation: 'generate', rule: 7 });
  });
  it('8: code-only change -> update', () => {
    expect(d({ code: 'changed' })).toMatchObject({ kind: 'run', operation: 'update', rule: 8 });
    // Comments or whitespace only: taken as they are, no LLM call.
    expect(d({ code: 'changed', codeCommentOnly: true })).toMatchObject({ kind: 'record', rule: 8 });
  });
  it('9: no example -> example', () => {
    expect(d({ example: 'missing', exampleRun: null })).toMatchObject({ kind: 'run', operation: 'example', rule: 9 });
  });
  it("10: example or tests edited by hand -> record them as the user's", () => {
    expect(d({ example: 'changed' })).toMatchObject({ kind: 'record', rule: 10 });
    expect(d({ tests: 'changed' })).toMatchObject({ kind: 'record', rule: 10 });
    expect(d({ tests: 'changed' }, { skipTests: true })).toMatchObject({ kind: 'done' });
  });
  it('11: example not run, or crashed -> crash', () => {
    expect(d({ exampleRun: null })).toMatchObject({ kind: 'run', operation: 'crash', rule: 11 });
    expect(d({ exampleRun: { ok: false } })).toMatchObject({ kind: 'run', operation: 'crash', rule: 11, reason: 'the example crashed: fix it' });
  });
  it('12: not verified -> verify, unless skipped', () => {
    expect(d({ verified: false })).toMatchObject({ kind: 'run', operation: 'verify', rule: 12 });
    expect(d({ verified: false }, { skipVerify: true })).toMatchObject({ kind: 'done' });
  });
  it('13: the code gained public names no test mentions -> generate-tests (before running them), coverage measured or not', () => {
    expect(d({ untestedDeclarations: ['multiply'], testRun: null })).toMatchObject({
      kind: 'run',
      operation: 'generate-tests',
      rule: 13,
      reason: 'the code gained multiply, which no test mentions: extend the tests (whether or not coverage is measured)',
    });
    expect(d({ untestedDeclarations: ['multiply'] }, { skipTests: true })).toMatchObject({ kind: 'done' });
    expect(d({ untestedDeclarations: [] })).toMatchObject({ kind: 'done' });
  });
  it('13: no tests -> generate-tests', () => {
    expect(d({ tests: 'missing', testRun: null })).toMatchObject({ kind: 'run', operation: 'generate-tests', rule: 13 });
  });
  it('14: tests not run against the current code -> test', () => {
    expect(d({ testRun: null })).toMatchObject({ kind: 'run', operation: 'test', rule: 14 });
  });
  it('15: tests failing -> fix', () => {
    expect(d({ testRun: { failed: 2, passed: 1, exitCode: 1, coverage: null } })).toMatchObject({
      kind: 'run',
      operation: 'fix',
      rule: 15,
      reason: '2 tests failing',
    });
    expect(d({ testRun: { failed: 0, passed: 0, exitCode: 2, coverage: null } })).toMatchObject({ kind: 'run', operation: 'fix', rule: 15 });
  });
  it('16: coverage measured and below target -> generate-tests (extend); not measured is not 0', () => {
    expect(d({ testRun: { failed: 0, passed: 3, exitCode: 0, coverage: 70 } })).toMatchObject({ kind: 'run', operation: 'generate-tests', rule: 16 });
    expect(d({ testRun: { failed: 0, passed: 3, exitCode: 0, coverage: null } })).toMatchObject({ kind: 'done', rule: 17 });
  });
  it('17: everything matches -> done', () => {
    expect(d({})).toMatchObject({ kind: 'done', rule: 17 });
  });
  it('a language without example or tests is done after generate', () => {
    expect(d({ example: null, tests: null, exampleRun: null, verified: false, testRun: null })).toMatchObject({ kind: 'done', rule: 17 });
  });
});

describe('decide over every observation (property)', () => {
  const statuses: FileStatus[] = ['missing', 'unchanged', 'changed', 'untracked'];
  function* observations(): Generator<Observation> {
    const states: Array<SyncState | null> = [null, 'completed', 'conflict', 'interrupted'];
    for (const prompt of statuses)
      for (const code of statuses)
        for (const example of [null, ...statuses])
          for (const tests of [null, ...statuses])
            for (const exampleRun of [null, { ok: true }, { ok: false }])
              for (const testRun of [null, { failed: 0, passed: 2, exitCode: 0, coverage: 50 }, { failed: 1, passed: 1, exitCode: 1, coverage: null }])
                for (const state of states)
                  for (const hasFingerprint of [true, false])
                    yield {
                      hasFingerprint,
                      prompt,
                      code,
                      example,
                      tests,
                      exampleRun,
                      verified: exampleRun?.ok === true,
                      testRun,
                      depsAnalyzed: false,
                      state,
                      journalOpen: false,
                    };
  }

  it('is deterministic, total, and never runs an operation whose prerequisites are missing', () => {
    let count = 0;
    for (const o of observations()) {
      for (const op of [opts, { ...opts, skipTests: true, skipVerify: true, mergeAvailable: true, autoDeps: true }]) {
        const first = decide(o, op);
        expect(decide(structuredClone(o), { ...op })).toEqual(first);
        if (first.kind === 'run') expect(() => checkPrerequisites(first.operation, availableProducts(o))).not.toThrow();
        count++;
      }
    }
    expect(count).toBeGreaterThan(50_000);
  });
});

describe('operation graph', () => {
  it('orders prerequisites first', () => {
    expect(executionOrder(['fix'])).toEqual(['generate', 'generate-tests', 'test', 'fix']);
    expect(executionOrder(['verify'])).toEqual(['generate', 'example', 'crash', 'verify']);
    expect(executionOrder(['update', 'example'])).toEqual(['generate', 'update', 'example']);
  });
  it('names a missing prerequisite and who makes it; rejects unknown operations', () => {
    expect(() => checkPrerequisites('crash', new Set(['prompt', 'code_file']))).toThrow('"crash" needs example file, which "example" produces; it is missing');
    expect(() => executionOrder(['deploy'])).toThrow('unknown operation "deploy"');
    expect(Object.keys(OPERATIONS)).toHaveLength(9);
  });
});
