import { pddLayout } from '../pdd-layout';
import type { PromptUnit } from '../units';
import type { ArtifactKind } from './artifact-store';
import type { OperationEnvironment, OperationReport } from './operation';

/*
 * The runners load on first use: graph inference reads this catalogue for every unit's targets
 * on every nx command (through `@nx-pdd/core/graph`) and runs none of them, and they bring the
 * LLM layer, the runners and the merge with them.
 */
type Runners = typeof import('./generating-operations') & typeof import('./prompt-operations') & typeof import('./run-operations');
let runners: Runners | undefined;
const load = (): Runners =>
  (runners ??= { ...require('./generating-operations'), ...require('./prompt-operations'), ...require('./run-operations') } as Runners);
/** The runner of that name, loaded when an operation first runs. */
const lazy =
  (name: 'runAutoDeps' | 'runUpdate' | 'runCrash' | 'runVerify' | 'runTestOperation' | 'runFix') =>
  (unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> =>
    load()[name](unit, env);
/** A generating operation (generate, example, generate-tests) writing `kind`, loaded on first run. */
const generating =
  (op: Parameters<Runners['runGeneratingOperation']>[0], kind: Parameters<Runners['runGeneratingOperation']>[1]) =>
  (unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> =>
    load().runGeneratingOperation(op, kind, unit, env);

/**
 * The operation catalogue: what each operation is and does, written once. The operation type,
 * the dispatch (`runOperation`), the sync loop's tables (prerequisites, files written, state
 * after, the dry run's simulated success), the dry-run estimate, and the plugin's targets
 * (names, inputs, outputs, dependsOn, descriptions) and executors are derived from it
 * (docs/ARCHITECTURE.md, "The operation catalogue").
 */

/** Every operation, in the operation graph's order (ties in `executionOrder` follow it). */
export const OPERATION_NAMES = ['auto-deps', 'generate', 'update', 'example', 'crash', 'verify', 'generate-tests', 'test', 'fix'] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** What exists or holds for a unit; operations need some and produce others. */
export type Product =
  | 'prompt'
  | 'dependencies_analyzed'
  | 'code_file'
  | 'example_file'
  | 'runnable_code'
  | 'functionally_verified'
  | 'test_file'
  | 'test_results'
  | 'passing_tests';

/** The state a finished operation leaves its unit in (part of the sync state machine). */
export type OperationState = 'deps_injected' | 'code_generated' | 'example_created' | 'crash_fixed' | 'verified' | 'tests_generated' | 'tests_passing';

/** A unit's files as the sync loop observes them. */
export type FileFacet = 'prompt' | 'code' | 'example' | 'tests';
/** What running the unit showed, as the sync loop observes it. */
export type RunFacet = 'exampleRun' | 'verified' | 'testRun';

export interface OperationWrites {
  /** Working files of these kinds (each with its pristine copy under `.pdd/generated/`). */
  artifacts: readonly ArtifactKind[];
  /** The prompt file. */
  prompt?: boolean;
  /** The pristine copy of the code alone (update: the code the prompt now describes). */
  pristineCode?: boolean;
  /** The prompt as it was, beside the generations (update). */
  promptBackup?: boolean;
  /** PDD's run report beside the fingerprint. */
  runReport?: boolean;
}

/** What a success leaves true, for the dry run's plan (`planSync` simulates each step with it). */
export interface DryRunEffect {
  /** Files left as recorded (a missing one stays missing unless `creates` names it). */
  settles: readonly FileFacet[];
  creates?: FileFacet;
  /** Results that no longer hold (the files they were for changed). */
  clears?: readonly RunFacet[];
  /** Results that now hold (the example runs, verify passed, the tests pass). */
  proves?: readonly (RunFacet | 'depsAnalyzed')[];
}

/** What a target's description may name. */
export interface TargetContext {
  prompt: string;
  code: string;
  example: string | null;
  test: string | null;
  /** The test file and its siblings (a glob). */
  testGlob: string | null;
  runReport: string;
  contextDirs: readonly string[];
}

export interface OperationTarget {
  /** The default target name (the plugin option `<camelCase name>TargetName` renames it). */
  name: string;
  /** The target exists only for units whose language derives this file. */
  needs?: 'example' | 'test';
  /** Targets of the same unit that run first. */
  dependsOn(unit: { hasExample: boolean }): readonly OperationName[];
  /** false: never cached (auto-deps: what it offers depends on every file of the context folders). */
  cache: boolean;
  /** Inputs besides the prompt, the model configuration and the files it writes: the working code (update). */
  readsCode?: boolean;
  /** It offers files of the plugin's `autoDepsContextDirs` (an option of its executor). */
  takesContextDirs?: boolean;
  description(c: TargetContext): string;
}

export interface OperationSpec {
  name: OperationName;
  run(unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport>;
  /** Whether it calls a model (test does not: its target hashes the code and tests, not the prompt). */
  callsModel: boolean;
  /** What of the unit it runs, if anything (it takes `runTimeout`; running the tests, the JS/TS runner's configuration is its input). */
  runs: 'example' | 'tests' | null;
  prerequisites: readonly Product[];
  produces: readonly Product[];
  /** Profiles and flags may leave it out. */
  optional: boolean;
  writes: OperationWrites;
  stateAfter: OperationState;
  dryRun: DryRunEffect;
  /** It decides which public declarations the tests now cover (recorded with the fingerprint). */
  recordsTestedDeclarations?: boolean;
  /** The dry-run estimate: the unit files it sends besides the prompt, and its expected answer in tokens. */
  estimate: { sends: readonly ArtifactKind[]; outputTokens: number; outputAtLeastCode?: boolean };
  target: OperationTarget;
  /** executors.json's description of its executor. */
  executorDescription: string;
}

const none = () => [] as const;

export const OPERATIONS: Readonly<Record<OperationName, OperationSpec>> = {
  'auto-deps': {
    name: 'auto-deps',
    run: lazy('runAutoDeps'),
    callsModel: true,
    runs: null,
    prerequisites: ['prompt'],
    produces: ['dependencies_analyzed'],
    optional: true,
    writes: { artifacts: [], prompt: true },
    stateAfter: 'deps_injected',
    dryRun: { settles: ['prompt'], proves: ['depsAnalyzed'] },
    estimate: { sends: [], outputTokens: 300 },
    target: {
      name: 'auto-deps',
      dependsOn: none,
      cache: false,
      takesContextDirs: true,
      description: (c) => `Choose the files of ${c.contextDirs.join(', ')} that ${c.prompt} should include (local ranking, one LLM call)`,
    },
    executorDescription: "Choose the context files a unit's prompt should include (local ranking, one LLM call).",
  },
  generate: {
    name: 'generate',
    run: generating('generate', 'code'),
    callsModel: true,
    runs: null,
    prerequisites: ['prompt'],
    produces: ['code_file'],
    optional: false,
    writes: { artifacts: ['code'] },
    stateAfter: 'code_generated',
    dryRun: { settles: ['prompt', 'code'], creates: 'code', clears: ['exampleRun', 'verified', 'testRun'] },
    estimate: { sends: [], outputTokens: 2000, outputAtLeastCode: true },
    target: { name: 'generate', dependsOn: none, cache: true, description: (c) => `Generate ${c.code} from ${c.prompt} with the LLM` },
    executorDescription: "Generate a unit's code from its prompt with the LLM.",
  },
  update: {
    name: 'update',
    run: lazy('runUpdate'),
    callsModel: true,
    runs: null,
    prerequisites: ['prompt', 'code_file'],
    produces: ['prompt'],
    optional: false,
    writes: { artifacts: [], prompt: true, pristineCode: true, promptBackup: true },
    stateAfter: 'code_generated',
    dryRun: { settles: ['prompt', 'code'] },
    estimate: { sends: ['code'], outputTokens: 2000, outputAtLeastCode: true },
    target: {
      name: 'update',
      dependsOn: none,
      cache: true,
      readsCode: true,
      description: (c) => `Update ${c.prompt} from the hand-edited ${c.code} with the LLM`,
    },
    executorDescription: "Update a unit's prompt from its hand-edited code with the LLM.",
  },
  example: {
    name: 'example',
    run: generating('example', 'example'),
    callsModel: true,
    runs: null,
    prerequisites: ['code_file'],
    produces: ['example_file'],
    optional: false,
    writes: { artifacts: ['example'] },
    stateAfter: 'example_created',
    dryRun: { settles: ['example'], creates: 'example', clears: ['exampleRun', 'verified'] },
    estimate: { sends: ['code'], outputTokens: 1200 },
    target: {
      name: 'example',
      needs: 'example',
      dependsOn: () => ['generate'],
      cache: true,
      description: (c) => `Write the usage example ${c.example} with the LLM`,
    },
    executorDescription: "Write a runnable usage example of a unit's code with the LLM.",
  },
  crash: {
    name: 'crash',
    run: lazy('runCrash'),
    callsModel: true,
    runs: 'example',
    prerequisites: ['code_file', 'example_file'],
    produces: ['runnable_code'],
    optional: false,
    writes: { artifacts: ['code', 'example'] },
    stateAfter: 'crash_fixed',
    dryRun: { settles: ['code', 'example'], proves: ['exampleRun'] },
    estimate: { sends: ['code', 'example'], outputTokens: 1500 },
    target: {
      name: 'crash',
      needs: 'example',
      dependsOn: () => ['example'],
      cache: true,
      description: (c) => `Run ${c.example}; when it fails, fix the code or the example with the LLM`,
    },
    executorDescription: "Run the unit's example; fix the code or the example with the LLM when it fails.",
  },
  verify: {
    name: 'verify',
    run: lazy('runVerify'),
    callsModel: true,
    runs: 'example',
    prerequisites: ['runnable_code'],
    produces: ['functionally_verified'],
    optional: true,
    writes: { artifacts: ['code', 'example'] },
    stateAfter: 'verified',
    dryRun: { settles: [], proves: ['verified'] },
    estimate: { sends: ['code', 'example'], outputTokens: 300 },
    target: {
      name: 'verify',
      needs: 'example',
      dependsOn: () => ['crash'],
      cache: true,
      description: (c) => `Check with the LLM that ${c.example}'s output shows what the prompt asks`,
    },
    executorDescription: "Check with the LLM that the example's output shows what the prompt asks.",
  },
  'generate-tests': {
    name: 'generate-tests',
    run: generating('generate-tests', 'test'),
    callsModel: true,
    runs: null,
    prerequisites: ['code_file'],
    produces: ['test_file'],
    optional: false,
    writes: { artifacts: ['test'] },
    stateAfter: 'tests_generated',
    dryRun: { settles: ['tests'], creates: 'tests', clears: ['testRun'] },
    recordsTestedDeclarations: true,
    estimate: { sends: ['code'], outputTokens: 2000 },
    target: {
      name: 'generate-tests',
      needs: 'test',
      dependsOn: (u) => [u.hasExample ? 'example' : 'generate'],
      cache: true,
      description: (c) => `Write or extend the unit tests ${c.test} with the LLM`,
    },
    executorDescription: "Write or extend a unit's unit tests with the LLM.",
  },
  test: {
    name: 'test',
    run: lazy('runTestOperation'),
    callsModel: false,
    runs: 'tests',
    prerequisites: ['code_file', 'test_file'],
    produces: ['test_results'],
    optional: false,
    writes: { artifacts: [], runReport: true },
    stateAfter: 'tests_generated',
    dryRun: { settles: [], proves: ['testRun'] },
    estimate: { sends: [], outputTokens: 0 },
    target: {
      name: 'test',
      needs: 'test',
      dependsOn: none,
      cache: true,
      description: (c) => `Run ${c.testGlob} and record the parsed result in ${c.runReport} (no LLM)`,
    },
    executorDescription: "Run the unit's tests and record the parsed result (no LLM).",
  },
  fix: {
    name: 'fix',
    run: lazy('runFix'),
    callsModel: true,
    runs: 'tests',
    prerequisites: ['code_file', 'test_file', 'test_results'],
    produces: ['passing_tests'],
    optional: false,
    writes: { artifacts: ['code', 'test'], runReport: true },
    stateAfter: 'tests_passing',
    dryRun: { settles: [], proves: ['testRun'] },
    recordsTestedDeclarations: true,
    estimate: { sends: ['code', 'test'], outputTokens: 2000, outputAtLeastCode: true },
    target: {
      name: 'fix',
      needs: 'test',
      dependsOn: () => ['generate-tests'],
      cache: true,
      description: (c) => `Fix failing tests of ${c.code} with the LLM and run them again`,
    },
    executorDescription: 'Fix failing tests with the LLM and run them again.',
  },
};

/** `generate-tests` -> `generateTests`. */
export type CamelCase<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<CamelCase<B>>}` : S;
export function camelCase<S extends string>(s: S): CamelCase<S> {
  return s.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as CamelCase<S>;
}

/**
 * The operations by camel-case name (`OP.generateTests` is `'generate-tests'`): code that names
 * one operation (the decision table, an operation's own runner) names it through this, so the
 * names are written once, above.
 */
export const OP = Object.fromEntries(OPERATION_NAMES.map((name) => [camelCase(name), name])) as { readonly [K in OperationName as CamelCase<K>]: K };

/** Working files of these kinds that the unit's language has, each with its pristine copy. */
export function artifactFiles(unit: PromptUnit, kinds: readonly ArtifactKind[]): string[] {
  return kinds.flatMap((k) => (unit.paths[k] ? [unit.paths[k]!, pddLayout(unit).pristine(k)] : []));
}

/**
 * The files an operation may write for a unit, workspace-relative: each working file of its
 * kinds with its pristine copy, and the rest of `writes`. Never the test file's siblings
 * (`test_<name>*`): an operation that runs the tests reads them, and fix writes only the code
 * or the primary test file.
 */
export function filesWrittenBy(unit: PromptUnit, operation: OperationName): string[] {
  const w = OPERATIONS[operation].writes;
  const layout = pddLayout(unit);
  const files: string[] = [];
  if (w.prompt) files.push(unit.promptFile);
  files.push(...artifactFiles(unit, w.artifacts));
  if (w.pristineCode) files.push(layout.pristine('code'));
  if (w.promptBackup) files.push(layout.promptBackup);
  if (w.runReport) files.push(layout.runReport);
  return files;
}
