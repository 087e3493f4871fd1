import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import {
  filesWrittenBy,
  INTERFACE_FILES_GLOB,
  joinPosix,
  modelTablePath,
  OPERATION_NAMES,
  OperationName,
  OPERATIONS,
  OperationSpec,
  pddLayout,
  PromptUnit,
  TargetContext,
  templateDigest,
  TemplateName,
  testFilesGlob,
} from '@nx-pdd/core/graph';
import { PLUGIN_VERSION } from '../utils/plugin-version';
import { NormalizedPluginOptions } from './options';
import { PromptSummary } from './unit-inference';

/** What createDependencies and the executors read back from a unit's project. */
export interface UnitProjectMetadata {
  unit: string;
  language: string;
  prompt: string;
  /** Absent for the workspace root. */
  pddRoot?: string;
  code: string;
  example: string | null;
  test: string | null;
  includes: string[];
  /** Paths an include would read once they exist (a missing include, a shadowing candidate); absent when none. */
  watch?: string[];
  /** Absent when the prompt declares none. */
  declaredDependencies?: string[];
  /** Absent when preprocessing found no problem. */
  errors?: string[];
}

/** The named input with a unit's prompt and everything that changes its text. */
export const PROMPT_INPUT = 'pdd-prompt';

/**
 * What a sync task takes of the units it depends on: their interface files (public declarations
 * of the code and the example's hash, written by their sync), as outputs of their sync tasks, of
 * the direct dependencies only. Not `^<named input>`: Nx resolves `^` through every level of
 * dependencies, so a change two levels down would re-run a unit whose direct dependencies'
 * interfaces did not change (docs/multi-unit.md).
 */
export const DEPENDENCY_INTERFACES_INPUT = { dependentTasksOutputFiles: INTERFACE_FILES_GLOB, transitive: false };

/** The named input with the files a unit's sync writes (its working files, their pristine copies, the fingerprint): the sync reads them too. */
export const UNIT_FILES_INPUT = 'pdd-unit-files';

/** The named input with what changes which model answers (and so what it answers). API keys are deliberately not in it. */
export const LLM_CONFIG_INPUT = 'pdd-llm-config';

/** Environment variables that change the model choice or where it is called. */
const LLM_ENV = ['PDD_MODEL_DEFAULT', 'PDD_STRENGTH_DEFAULT', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL'];

/** The virtual project root: the prompt path without `.prompt`. Distinct per unit, never a real folder. */
export function unitProjectRoot(unit: PromptUnit): string {
  return unit.promptFile.replace(/\.prompt$/, '');
}

const ws = (file: string) => `{workspaceRoot}/${file}`;

/**
 * A unit's files (those its sync writes, or those and the test siblings it reads), in as few
 * entries as say them exactly: Nx checks, stores and restores each output entry of each cached
 * task, and matches each input entry against the workspace's files, so at 500 units twelve
 * entries a sync cost more than the work they describe. The unit's pristine folder is one
 * entry (`pristineFolder`: the folder as an output, `folder/**` as an input): all it holds is
 * this unit's, and every file in it is the sync's. An operation target keeps its own files:
 * restoring the folder as one operation left it would roll back the copies another operation
 * wrote since. The test file is left out when its siblings' glob, which matches it, is among
 * the files (an input list only: no output is a glob).
 */
function unitFileEntries(unit: PromptUnit, files: string[]): { files: string[]; pristineFolder: string | null } {
  const { generatedDir } = pddLayout(unit);
  const s = unit.paths.testSiblings;
  const coveredTest = (f: string) =>
    s !== null && f === unit.paths.test && files.includes(testFilesGlob(unit.paths)!) && f.startsWith(joinPosix(s.dir, s.prefix)) && f.endsWith(s.extension);
  const inPristine = `${generatedDir}/`;
  const pristine = (f: string) => f.startsWith(inPristine);
  return { files: files.filter((f) => !pristine(f) && !coveredTest(f)), pristineFolder: files.some(pristine) ? generatedDir : null };
}

/** What an operation's target takes from the catalogue and the options: the same for every unit of one createNodes. */
interface OperationPlan {
  op: OperationName;
  spec: OperationSpec;
  target: string;
  executor: string;
  /** Its template's digest (an option: a changed template re-runs the operation). */
  template: string | null;
  /** Its target names to run first, for a unit with an example and one without. */
  dependsOn: { withExample: string[]; withoutExample: string[] };
}

interface TargetPlan {
  operations: OperationPlan[];
  /** The digests of every model operation's template, joined: the sync target's option. */
  templates: string;
}

/**
 * The unit-independent part of the targets, made once per options object: building a thousand
 * projects then only joins paths and makes the objects each project must own (Nx may change a
 * project's objects; strings are shared freely).
 */
const plans = new WeakMap<NormalizedPluginOptions, TargetPlan>();
function targetPlan(options: NormalizedPluginOptions): TargetPlan {
  let plan = plans.get(options);
  if (plan) return plan;
  const names = options.targetNames;
  const targetsOf = (ops: readonly OperationName[]) => ops.map((d) => names[d]);
  plan = {
    operations: (options.operationTargets ? OPERATION_NAMES : []).map((op) => {
      const spec = OPERATIONS[op];
      return {
        op,
        spec,
        target: names[op],
        executor: `nx-pdd:${op}`,
        template: spec.callsModel ? templateDigest(op as TemplateName) : null,
        dependsOn: {
          withExample: targetsOf(spec.target.dependsOn({ hasExample: true })),
          withoutExample: targetsOf(spec.target.dependsOn({ hasExample: false })),
        },
      };
    }),
    templates: OPERATION_NAMES.filter((op) => OPERATIONS[op].callsModel)
      .map((op) => templateDigest(op as TemplateName))
      .join('.'),
  };
  plans.set(options, plan);
  return plan;
}

/** The digests of the operation templates the targets name: a changed template changes the configurations. */
export function templatesDigest(options: NormalizedPluginOptions): string {
  return targetPlan(options).templates;
}

/** `[...a, ...b]` without the iteration protocol: this runs a dozen times per unit. */
function concat<T>(...lists: readonly T[][]): T[] {
  const out: T[] = [];
  for (const list of lists) for (const x of list) out.push(x);
  return out;
}

export function buildUnitProject(unit: PromptUnit, summary: PromptSummary, name: string, options: NormalizedPluginOptions): ProjectConfiguration {
  const plan = targetPlan(options);
  const names = options.targetNames;
  const layout = pddLayout(unit);
  const noCache = summary.usesShell && options.allowShell;
  const promptInputs = [ws(unit.promptFile)];
  if (unit.pddrcFile) promptInputs.push(ws(unit.pddrcFile));
  for (const f of summary.includes) promptInputs.push(ws(f));
  for (const f of summary.watchFiles) promptInputs.push(ws(f));
  // Every byte here is stored and sent once per unit by Nx: empty and default values are left out.
  const metadata: UnitProjectMetadata = {
    unit: unit.id,
    language: unit.language.id,
    prompt: unit.promptFile,
    ...(unit.pddRoot ? { pddRoot: unit.pddRoot } : {}),
    code: unit.paths.code,
    example: unit.paths.example,
    test: unit.paths.test,
    includes: summary.includes,
  };
  if (summary.watchFiles.length) metadata.watch = summary.watchFiles;
  if (summary.declaredDependencies.length) metadata.declaredDependencies = summary.declaredDependencies;
  if (summary.errors.length) metadata.errors = summary.errors;

  const preprocessOptions: Record<string, unknown> = { prompt: unit.promptFile };
  if (unit.logicalPromptFile !== unit.promptFile) preprocessOptions.logicalPrompt = unit.logicalPromptFile;
  if (unit.pddRoot) preprocessOptions.pddRoot = unit.pddRoot;
  preprocessOptions.output = layout.preprocessed;
  if (options.allowShell) preprocessOptions.allowShell = true;
  preprocessOptions.nxPddVersion = PLUGIN_VERSION;
  const preprocess: TargetConfiguration = {
    executor: 'nx-pdd:preprocess',
    // Shell output is not a file Nx can hash: such a prompt is rebuilt every time.
    cache: !noCache,
    inputs: [PROMPT_INPUT],
    outputs: [ws(layout.preprocessed)],
    options: preprocessOptions,
    metadata: {
      technologies: ['pdd'],
      description: `Expand ${unit.promptFile} (includes, comments) into the text the LLM sees`,
      help: {
        command: `npx nx run ${name}:${names.preprocess} --help`,
        example: { options: { output: layout.preprocessed } },
      },
    },
  };
  const targets: Record<string, TargetConfiguration> = { [names.preprocess]: preprocess };
  /** The options of a model operation's target and of the sync target: a new object each. */
  const llmOptions = (): Record<string, unknown> => {
    const o: Record<string, unknown> = { prompt: unit.promptFile };
    if (unit.pddRoot) o.pddRoot = unit.pddRoot;
    o.strength = unit.settings.strength;
    o.temperature = unit.settings.temperature;
    o.time = unit.settings.time;
    if (unit.settings.model) o.model = unit.settings.model;
    if (options.allowShell) o.allowShell = true;
    o.nxPddVersion = PLUGIN_VERSION;
    return o;
  };
  const testGlob = testFilesGlob(unit.paths);
  const runTimeout = 120;
  // Which runner runs JS/TS tests follows the workspace's jest/vitest configuration: part of the hash.
  const isJs = /^(java|type)script(react)?$/.test(unit.language.id);
  const runnerConfig: string[] = [];
  if (isJs) {
    for (const d of unit.pddRoot ? [unit.pddRoot, ''] : ['']) for (const f of ['jest.config.*', 'vitest.config.*']) runnerConfig.push(ws(joinPosix(d, f)));
  }
  const described: TargetContext = {
    prompt: unit.promptFile,
    code: unit.paths.code,
    example: unit.paths.example,
    test: unit.paths.test,
    testGlob,
    runReport: layout.runReport,
    contextDirs: options.autoDepsContextDirs.map((d) => joinPosix(unit.pddRoot, d)),
  };
  const code = ws(unit.paths.code);
  // The test file and its siblings, which an operation that runs the tests reads.
  const testFiles = testGlob ? [ws(testGlob)] : [];
  const testRunner = options.testRunners[unit.language.id];

  // A target per operation of the catalogue (operationTargets: false keeps only preprocess and
  // sync: much less for Nx to process at thousands of units; sync runs every operation itself).
  // Rule edits-kept: every file an operation writes is also its input, so a hand edit is a cache
  // miss (the executor then keeps the edit) and is never overwritten by a cache restore.
  // What each operation writes is its target's outputs, and together the sync's. Never a glob: Nx
  // walks the folder of each glob output of each dependency task to hash a dependent
  // (`dependentTasksOutputFiles`), so a `tests/test_<name>*` output made hashing a run-many
  // quadratic in the test files of a shared tests folder (tools/bench/README.md).
  const writtenBy = new Map<OperationName, string[]>();
  const written = new Set<string>();
  for (const op of OPERATION_NAMES) {
    const files = filesWrittenBy(unit, op);
    writtenBy.set(op, files);
    for (const f of files) written.add(f);
  }
  written.add(unit.metaFile);
  for (const { op, spec, target, executor, template, dependsOn: after } of plan.operations) {
    const t = spec.target;
    if (t.needs && !unit.paths[t.needs]) continue;
    const writes = writtenBy.get(op)!.map(ws);
    const dependsOn = unit.paths.example ? after.withExample : after.withoutExample;
    const help = { command: `npx nx run ${name}:${target} --help`, example: { options: spec.callsModel ? { strength: 0.5, budget: 1 } : { runTimeout: 60 } } };
    const metadata = { technologies: ['pdd'], description: t.description(described), help };
    if (spec.callsModel) {
      const inputs: TargetConfiguration['inputs'] = concat<string | { dependentTasksOutputFiles: string; transitive: boolean }>(
        [PROMPT_INPUT, LLM_CONFIG_INPUT],
        writes,
      );
      if (t.readsCode) inputs.push(code);
      if (spec.runs === 'tests') inputs.push(...testFiles, ...runnerConfig);
      if (dependsOn.length) inputs.push({ dependentTasksOutputFiles: '**/*', transitive: true });
      const o = llmOptions();
      o.template = template;
      if (spec.runs) o.runTimeout = runTimeout;
      if (t.takesContextDirs) o.contextDirs = options.autoDepsContextDirs;
      const configuration: TargetConfiguration = { executor, cache: t.cache && !noCache, inputs, outputs: writes };
      if (dependsOn.length) configuration.dependsOn = [...dependsOn];
      configuration.options = o;
      configuration.metadata = metadata;
      targets[target] = configuration;
    } else {
      // No model: what it reads is the code and the tests, not the prompt.
      const o: Record<string, unknown> = { prompt: unit.promptFile };
      if (unit.pddRoot) o.pddRoot = unit.pddRoot;
      o.nxPddVersion = PLUGIN_VERSION;
      o.runTimeout = runTimeout;
      if (testRunner) o.testRunner = testRunner;
      targets[target] = { executor, cache: t.cache, inputs: concat([code], testFiles, runnerConfig), outputs: writes, options: o, metadata };
    }
  }

  // sync: everything the unit is made of is its input (the test siblings too), and every file it
  // may write is also an output (rule edits-kept), with the fingerprint and run report that
  // record the result.
  const writtenFiles = [...written];
  const outputs = unitFileEntries(unit, writtenFiles);
  const read = unitFileEntries(unit, testGlob ? concat(writtenFiles, [testGlob]) : writtenFiles);
  const pristine = outputs.pristineFolder;
  const syncOutputs = outputs.files.map(ws);
  if (pristine) syncOutputs.push(ws(pristine));
  syncOutputs.push(ws(layout.interface));
  const syncOptions = llmOptions();
  syncOptions.runTimeout = runTimeout;
  syncOptions.templates = plan.templates;
  const artifacts = [unit.paths.code, unit.paths.example, unit.paths.test].filter(Boolean).join(', ');
  targets[names.sync] = {
    executor: 'nx-pdd:sync',
    cache: !noCache,
    // What this unit relies on of its dependencies (their examples and public declarations),
    // not their prompts or implementations: those re-sync it only through a changed interface.
    inputs: concat<string | typeof DEPENDENCY_INTERFACES_INPUT>([PROMPT_INPUT, DEPENDENCY_INTERFACES_INPUT, LLM_CONFIG_INPUT, UNIT_FILES_INPUT], runnerConfig),
    outputs: syncOutputs,
    // Dependencies first; flags given to `nx run app:sync --budget=5 ...` apply to them too.
    dependsOn: [{ dependencies: true, target: names.sync, params: 'forward' }],
    options: syncOptions,
    metadata: {
      technologies: ['pdd'],
      description: `Bring ${unit.id} in sync: ${artifacts} agree with ${unit.promptFile}, the example runs, the tests pass`,
      help: { command: `npx nx run ${name}:${names.sync} --help`, example: { options: { dryRun: true, budget: 5, profile: 'standard' } } },
    },
  };

  const unitFiles: string[] = [];
  for (const f of read.files) if (f !== unit.promptFile) unitFiles.push(ws(f));
  if (pristine) unitFiles.push(ws(`${pristine}/**`));
  const llmConfig: Array<string | { env: string }> = [ws(modelTablePath(unit.pddRoot))];
  const rootModelTable = ws(modelTablePath(''));
  if (llmConfig[0] !== rootModelTable) llmConfig.push(rootModelTable);
  for (const env of LLM_ENV) llmConfig.push({ env });
  const tags = ['pdd', `lang:${unit.language.id}`];
  if (unit.context) tags.push(`pdd-context:${unit.context}`);
  return {
    name,
    root: unitProjectRoot(unit),
    projectType: 'library',
    tags,
    namedInputs: {
      [PROMPT_INPUT]: promptInputs,
      // The prompt is in the prompt input already.
      [UNIT_FILES_INPUT]: unitFiles,
      [LLM_CONFIG_INPUT]: llmConfig,
    },
    targets,
    metadata: {
      description: `PDD prompt unit ${unit.id}: ${unit.promptFile} -> ${artifacts}`,
      technologies: ['pdd'],
      pdd: metadata,
    } as ProjectConfiguration['metadata'],
  };
}
