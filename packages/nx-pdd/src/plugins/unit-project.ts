import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import {
  filesWrittenBy,
  INTERFACE_FILES_GLOB,
  joinPosix,
  modelTablePath,
  OPERATION_NAMES,
  OPERATIONS,
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

export function buildUnitProject(unit: PromptUnit, summary: PromptSummary, name: string, options: NormalizedPluginOptions): ProjectConfiguration {
  const promptInputs = [unit.promptFile, ...(unit.pddrcFile ? [unit.pddrcFile] : []), ...summary.includes, ...summary.watchFiles].map(ws);
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
    ...(summary.watchFiles.length ? { watch: summary.watchFiles } : {}),
    ...(summary.declaredDependencies.length ? { declaredDependencies: summary.declaredDependencies } : {}),
    ...(summary.errors.length ? { errors: summary.errors } : {}),
  };
  const preprocess: TargetConfiguration = {
    executor: 'nx-pdd:preprocess',
    // Shell output is not a file Nx can hash: such a prompt is rebuilt every time.
    cache: !(summary.usesShell && options.allowShell),
    inputs: [PROMPT_INPUT],
    outputs: [ws(pddLayout(unit).preprocessed)],
    options: {
      prompt: unit.promptFile,
      ...(unit.logicalPromptFile !== unit.promptFile ? { logicalPrompt: unit.logicalPromptFile } : {}),
      ...(unit.pddRoot ? { pddRoot: unit.pddRoot } : {}),
      output: pddLayout(unit).preprocessed,
      ...(options.allowShell ? { allowShell: true } : {}),
      nxPddVersion: PLUGIN_VERSION,
    },
    metadata: {
      technologies: ['pdd'],
      description: `Expand ${unit.promptFile} (includes, comments) into the text the LLM sees`,
      help: {
        command: `npx nx run ${name}:${options.targetNames.preprocess} --help`,
        example: { options: { output: pddLayout(unit).preprocessed } },
      },
    },
  };
  const targets: Record<string, TargetConfiguration> = { [options.targetNames.preprocess]: preprocess };
  const names = options.targetNames;
  const llmOptions = {
    prompt: unit.promptFile,
    ...(unit.pddRoot ? { pddRoot: unit.pddRoot } : {}),
    strength: unit.settings.strength,
    temperature: unit.settings.temperature,
    time: unit.settings.time,
    ...(unit.settings.model ? { model: unit.settings.model } : {}),
    ...(options.allowShell ? { allowShell: true } : {}),
    nxPddVersion: PLUGIN_VERSION,
  };
  const testGlob = testFilesGlob(unit.paths);
  const runOptions = { runTimeout: 120 };
  // Which runner runs JS/TS tests follows the workspace's jest/vitest configuration: part of the hash.
  const isJs = /^(java|type)script(react)?$/.test(unit.language.id);
  const runnerConfig = isJs ? [...new Set([unit.pddRoot, ''])].flatMap((d) => ['jest.config.*', 'vitest.config.*'].map((f) => ws(joinPosix(d, f)))) : [];
  const contextDirs = options.autoDepsContextDirs.map((d) => joinPosix(unit.pddRoot, d));
  const described: TargetContext = {
    prompt: unit.promptFile,
    code: unit.paths.code,
    example: unit.paths.example,
    test: unit.paths.test,
    testGlob,
    runReport: pddLayout(unit).runReport,
    contextDirs,
  };

  // What each operation writes: its target's outputs, and together the sync's. Never a glob: Nx
  // walks the folder of each glob output of each dependency task to hash a dependent
  // (`dependentTasksOutputFiles`), so a `tests/test_<name>*` output made hashing a run-many
  // quadratic in the test files of a shared tests folder (tools/bench/README.md).
  const writtenBy = new Map(OPERATION_NAMES.map((op) => [op, filesWrittenBy(unit, op)]));
  // The test file and its siblings, which an operation that runs the tests reads.
  const testFiles = testGlob ? [ws(testGlob)] : [];

  // A target per operation of the catalogue (operationTargets: false keeps only preprocess and
  // sync: much less for Nx to process at thousands of units; sync runs every operation itself).
  // Rule edits-kept: every file an operation writes is also its input, so a hand edit is a cache
  // miss (the executor then keeps the edit) and is never overwritten by a cache restore.
  for (const op of options.operationTargets ? OPERATION_NAMES : []) {
    const spec = OPERATIONS[op];
    const t = spec.target;
    if (t.needs && !unit.paths[t.needs]) continue;
    const target = names[op];
    const writes = writtenBy.get(op)!.map(ws);
    const dependsOn = t.dependsOn({ hasExample: !!unit.paths.example }).map((d) => names[d]);
    const help = { command: `npx nx run ${name}:${target} --help`, example: { options: spec.callsModel ? { strength: 0.5, budget: 1 } : { runTimeout: 60 } } };
    targets[target] = spec.callsModel
      ? {
          executor: `nx-pdd:${op}`,
          cache: t.cache && !(summary.usesShell && options.allowShell),
          inputs: [
            PROMPT_INPUT,
            LLM_CONFIG_INPUT,
            ...writes,
            ...(t.readsCode ? [ws(unit.paths.code)] : []),
            ...(spec.runs === 'tests' ? [...testFiles, ...runnerConfig] : []),
            ...(dependsOn.length ? [{ dependentTasksOutputFiles: '**/*', transitive: true }] : []),
          ],
          outputs: writes,
          ...(dependsOn.length ? { dependsOn } : {}),
          options: {
            ...llmOptions,
            template: templateDigest(op as TemplateName),
            ...(spec.runs ? runOptions : {}),
            ...(t.takesContextDirs ? { contextDirs: options.autoDepsContextDirs } : {}),
          },
          metadata: { technologies: ['pdd'], description: t.description(described), help },
        }
      : {
          // No model: what it reads is the code and the tests, not the prompt.
          executor: `nx-pdd:${op}`,
          cache: t.cache,
          inputs: [ws(unit.paths.code), ...testFiles, ...runnerConfig],
          outputs: writes,
          options: {
            prompt: unit.promptFile,
            ...(unit.pddRoot ? { pddRoot: unit.pddRoot } : {}),
            nxPddVersion: PLUGIN_VERSION,
            ...runOptions,
            ...(options.testRunners[unit.language.id] ? { testRunner: options.testRunners[unit.language.id] } : {}),
          },
          metadata: { technologies: ['pdd'], description: t.description(described), help },
        };
  }

  // sync: everything the unit is made of is its input (the test siblings too), and every file it
  // may write is also an output (rule edits-kept), with the fingerprint and run report that
  // record the result.
  const written = [...new Set([...[...writtenBy.values()].flat(), unit.metaFile])];
  const outputs = unitFileEntries(unit, written);
  const read = unitFileEntries(unit, testGlob ? [...written, testGlob] : written);
  const pristine = outputs.pristineFolder;
  targets[names.sync] = {
    executor: 'nx-pdd:sync',
    cache: !(summary.usesShell && options.allowShell),
    // What this unit relies on of its dependencies (their examples and public declarations),
    // not their prompts or implementations: those re-sync it only through a changed interface.
    inputs: [PROMPT_INPUT, DEPENDENCY_INTERFACES_INPUT, LLM_CONFIG_INPUT, UNIT_FILES_INPUT, ...runnerConfig],
    outputs: [...outputs.files, ...(pristine ? [pristine] : []), pddLayout(unit).interface].map(ws),
    // Dependencies first; flags given to `nx run app:sync --budget=5 ...` apply to them too.
    dependsOn: [{ dependencies: true, target: names.sync, params: 'forward' }],
    options: {
      ...llmOptions,
      ...runOptions,
      templates: OPERATION_NAMES.filter((op) => OPERATIONS[op].callsModel)
        .map((op) => templateDigest(op as TemplateName))
        .join('.'),
    },
    metadata: {
      technologies: ['pdd'],
      description: `Bring ${unit.id} in sync: ${[unit.paths.code, unit.paths.example, unit.paths.test].filter(Boolean).join(', ')} agree with ${unit.promptFile}, the example runs, the tests pass`,
      help: { command: `npx nx run ${name}:${names.sync} --help`, example: { options: { dryRun: true, budget: 5, profile: 'standard' } } },
    },
  };

  const modelTables = [...new Set([modelTablePath(unit.pddRoot), modelTablePath('')])].map(ws);
  return {
    name,
    root: unitProjectRoot(unit),
    projectType: 'library',
    tags: ['pdd', `lang:${unit.language.id}`, ...(unit.context ? [`pdd-context:${unit.context}`] : [])],
    namedInputs: {
      [PROMPT_INPUT]: promptInputs,
      // The prompt is in the prompt input already.
      [UNIT_FILES_INPUT]: [...read.files.filter((f) => f !== unit.promptFile), ...(pristine ? [`${pristine}/**`] : [])].map(ws),
      [LLM_CONFIG_INPUT]: [...modelTables, ...LLM_ENV.map((env) => ({ env }))],
    },
    targets,
    metadata: {
      description: `PDD prompt unit ${unit.id}: ${unit.promptFile} -> ${[unit.paths.code, unit.paths.example, unit.paths.test].filter(Boolean).join(', ')}`,
      technologies: ['pdd'],
      pdd: metadata,
    } as ProjectConfiguration['metadata'],
  };
}
