import { OP, OperationName, OperationState, Product } from '../operations/catalogue';

/** States of a unit's state machine (rule state-machine): the states operations leave (the catalogue's), and these. */
export type SyncState = OperationState | 'initial' | 'completed' | 'failed' | 'interrupted' | 'conflict';

/**
 * A file against the recorded fingerprint: `missing` (no file), `unchanged`, `changed`, or
 * `untracked` (the file exists but the fingerprint has no hash for it, or there is none).
 */
export type FileStatus = 'missing' | 'unchanged' | 'changed' | 'untracked';

export interface Observation {
  /** A recorded fingerprint exists for the unit. */
  hasFingerprint: boolean;
  prompt: FileStatus;
  code: FileStatus;
  /** null: the unit's language derives no example (or no tests). */
  example: FileStatus | null;
  tests: FileStatus | null;
  /**
   * The primary test file alone against the fingerprint's `test_hash` (absent: as `tests`). PDD
   * judges "the tests changed too" by this file when the prompt changed (rule 6).
   */
  primaryTest?: FileStatus | null;
  /** The last run of the example, for the current code and example; null: not run since they changed. */
  exampleRun: { ok: boolean } | null;
  /** verify passed for the current code and example. */
  verified: boolean;
  /** The last test run, for the current code and tests; null: not run since they changed. */
  testRun: { failed: number; passed: number; exitCode: number; coverage: number | null } | null;
  /** auto-deps ran for the current prompt. */
  depsAnalyzed: boolean;
  /** The recorded state (null: never synced by nx-pdd). */
  state: SyncState | null;
  /** A transaction journal was found (a run died mid-operation). */
  journalOpen: boolean;
  /** Units this one depends on whose interface changed since the last sync (their ids). */
  dependencyChanges?: string[];
  /** The code changed in comments and whitespace only (by its syntax tree) since the last sync. */
  codeCommentOnly?: boolean;
  /** Public names the code gained since its tests were written that no test mentions. */
  untestedDeclarations?: string[];
}

export interface DecisionOptions {
  skipVerify: boolean;
  skipTests: boolean;
  /** Percent; coverage below it (when measured) extends the tests. */
  targetCoverage: number;
  /** Run auto-deps before the first generation. */
  autoDeps: boolean;
  /** A merge of regenerated code with hand edits is available (the merge issue). */
  mergeAvailable: boolean;
  /** `--resolve` given for a unit in conflict. */
  resolve: 'ours' | 'theirs' | 'merged' | 'llm' | null;
}

export type Decision =
  | { kind: 'run'; operation: OperationName; reason: string; rule: number; merge?: boolean }
  | { kind: 'recover'; reason: string; rule: number }
  | { kind: 'record'; reason: string; rule: number }
  | { kind: 'resolve'; resolution: NonNullable<DecisionOptions['resolve']>; reason: string; rule: number }
  | { kind: 'stop'; state: 'conflict' | 'failed'; reason: string; rule: number }
  | { kind: 'done'; reason: string; rule: number };

const changedOrNew = (s: FileStatus | null) => s === 'changed' || s === 'untracked';

/**
 * The next step for a unit: a pure function of what was observed and the options. No LLM,
 * no clock, no randomness: the same observation always gives the same decision. The rules,
 * in order (first match wins), are the table in docs/sync-engine.md; `rule` is its row.
 */
export function decide(o: Observation, opt: DecisionOptions): Decision {
  if (o.journalOpen || o.state === 'interrupted')
    return { kind: 'recover', rule: 1, reason: 'a previous run was interrupted mid-operation: roll its files back first' };
  if (o.state === 'conflict') {
    if (opt.resolve) return { kind: 'resolve', resolution: opt.resolve, rule: 2, reason: `the unit is in conflict; resolving with --resolve=${opt.resolve}` };
    return {
      kind: 'stop',
      state: 'conflict',
      rule: 2,
      reason: 'the unit is in conflict: edit the proposed file and run with --resolve=merged, or use --resolve=ours|theirs',
    };
  }
  if (o.prompt === 'missing') return { kind: 'stop', state: 'failed', rule: 3, reason: 'the prompt file is missing' };
  if (o.code === 'missing') {
    if (opt.autoDeps && !o.depsAnalyzed)
      return { kind: 'run', operation: OP.autoDeps, rule: 4, reason: "no code yet: choose the prompt's includes first (--auto-deps)" };
    return { kind: 'run', operation: OP.generate, rule: 4, reason: 'no code file yet' };
  }
  if (!o.hasFingerprint) return { kind: 'record', rule: 5, reason: 'files exist but nothing was recorded: take them as they are (no LLM call)' };
  const promptChanged = changedOrNew(o.prompt);
  const codeChanged = changedOrNew(o.code);
  // As PDD (`_changed_artifacts_from_hashes`): a prompt change meets hand edits when the code,
  // the example or the tests changed too; PDD stops for a manual merge, nx-pdd merges.
  // A file the fingerprint has no hash for counts as edited too (PDD compares null with the hash).
  const testsEdited = changedOrNew(o.primaryTest === undefined ? o.tests : o.primaryTest);
  const editedToo = [codeChanged && 'code', changedOrNew(o.example) && 'example', !opt.skipTests && testsEdited && 'tests'].filter(Boolean) as string[];
  if (promptChanged && editedToo.length) {
    const what = `the prompt and the ${editedToo.join(' and the ')}`;
    if (opt.mergeAvailable)
      return { kind: 'run', operation: OP.generate, merge: true, rule: 6, reason: `${what} changed: regenerate and merge the hand edits` };
    return {
      kind: 'stop',
      state: 'conflict',
      rule: 6,
      reason: `${what} changed since the last sync, and no merge is available: neither side is taken silently`,
    };
  }
  if (promptChanged) return { kind: 'run', operation: OP.generate, rule: 7, reason: 'the prompt changed' };
  if (codeChanged && o.codeCommentOnly)
    return { kind: 'record', rule: 8, reason: 'only comments or whitespace of the code changed: recorded as it is (no update)' };
  if (codeChanged) return { kind: 'run', operation: OP.update, rule: 8, reason: 'the code was edited by hand: update the prompt to match it' };
  if (o.example === 'missing') return { kind: 'run', operation: OP.example, rule: 9, reason: 'no usage example yet' };
  if (changedOrNew(o.example) || (!opt.skipTests && changedOrNew(o.tests)))
    return { kind: 'record', rule: 10, reason: 'the example or tests were edited by hand: keep them as they are' };
  const becauseOf = o.dependencyChanges?.length ? ` (the interface of ${o.dependencyChanges.join(', ')} changed)` : '';
  if (o.example !== null) {
    if (o.exampleRun === null) return { kind: 'run', operation: OP.crash, rule: 11, reason: `the example has not run against the current code${becauseOf}` };
    if (!o.exampleRun.ok) return { kind: 'run', operation: OP.crash, rule: 11, reason: 'the example crashed: fix it' };
  }
  if (o.example !== null && !opt.skipVerify && !o.verified)
    return { kind: 'run', operation: OP.verify, rule: 12, reason: `the example's output has not been checked against the prompt${becauseOf}` };
  if (o.tests !== null && !opt.skipTests) {
    if (o.tests === 'missing') return { kind: 'run', operation: OP.generateTests, rule: 13, reason: 'no unit tests yet' };
    // Before running the tests: they are about to be rewritten anyway.
    if (o.untestedDeclarations?.length) {
      return {
        kind: 'run',
        operation: OP.generateTests,
        rule: 13,
        reason: `the code gained ${o.untestedDeclarations.join(', ')}, which no test mentions: extend the tests (whether or not coverage is measured)`,
      };
    }
    if (o.testRun === null) return { kind: 'run', operation: OP.test, rule: 14, reason: `the tests have not run against the current code${becauseOf}` };
    if (o.testRun.failed > 0 || o.testRun.exitCode !== 0)
      return { kind: 'run', operation: OP.fix, rule: 15, reason: `${o.testRun.failed || 'some'} test${o.testRun.failed === 1 ? '' : 's'} failing` };
    if (o.testRun.coverage !== null && o.testRun.coverage < opt.targetCoverage) {
      return {
        kind: 'run',
        operation: OP.generateTests,
        rule: 16,
        reason: `coverage ${o.testRun.coverage}% is below the target ${opt.targetCoverage}%: extend the tests`,
      };
    }
  }
  return { kind: 'done', rule: 17, reason: 'prompt, code, example and tests agree' + (opt.skipTests ? ' (tests skipped)' : '') };
}

/** What an observation shows to exist, for checking an operation's prerequisites. */
export function availableProducts(o: Observation): Set<Product> {
  const have = new Set<Product>();
  if (o.prompt !== 'missing') have.add('prompt');
  if (o.depsAnalyzed) have.add('dependencies_analyzed');
  if (o.code !== 'missing') have.add('code_file');
  if (o.example !== null && o.example !== 'missing') have.add('example_file');
  if (o.exampleRun?.ok) have.add('runnable_code');
  if (o.verified) have.add('functionally_verified');
  if (o.tests !== null && o.tests !== 'missing') have.add('test_file');
  if (o.testRun) have.add('test_results');
  if (o.testRun && o.testRun.failed === 0 && o.testRun.exitCode === 0) have.add('passing_tests');
  return have;
}
