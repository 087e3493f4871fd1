import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { ArtifactKind, interfacePath, joinPosix, pristinePath, promptBackupPath, PromptUnit, runReportPath, templateDigest, TemplateName, workingPath } from '@nx-pdd/core';
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
export const DEPENDENCY_INTERFACES_INPUT = { dependentTasksOutputFiles: '**/.pdd/interface/*.txt', transitive: false };

/** The named input with what changes which model answers (and so what it answers). API keys are deliberately not in it. */
export const LLM_CONFIG_INPUT = 'pdd-llm-config';

/** Environment variables that change the model choice or where it is called. */
const LLM_ENV = ['PDD_MODEL_DEFAULT', 'PDD_STRENGTH_DEFAULT', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL'];

/** The virtual project root: the prompt path without `.prompt`. Distinct per unit, never a real folder. */
export function unitProjectRoot(unit: PromptUnit): string {
  return unit.promptFile.replace(/\.prompt$/, '');
}

/** Where the preprocess target writes the expanded prompt. */
export function preprocessedPromptPath(unit: PromptUnit): string {
  return joinPosix(unit.pddRoot, '.pdd/preprocessed', `${unit.id.replace(/\//g, '_')}.prompt`);
}

const ws = (file: string) => `{workspaceRoot}/${file}`;

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
    outputs: [ws(preprocessedPromptPath(unit))],
    options: {
      prompt: unit.promptFile,
      ...(unit.logicalPromptFile !== unit.promptFile ? { logicalPrompt: unit.logicalPromptFile } : {}),
      ...(unit.pddRoot ? { pddRoot: unit.pddRoot } : {}),
      output: preprocessedPromptPath(unit),
      ...(options.allowShell ? { allowShell: true } : {}),
      nxPddVersion: PLUGIN_VERSION,
    },
    metadata: {
      technologies: ['pdd'],
      description: `Expand ${unit.promptFile} (includes, comments) into the text the LLM sees`,
      help: {
        command: `npx nx run ${name}:${options.targetNames.preprocess} --help`,
        example: { options: { output: preprocessedPromptPath(unit) } },
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
  // One LLM target: `writes` are the files it may write. Invariant 1: every one of them is
  // also an input, so a hand edit is a cache miss (the executor then keeps the edit) and can
  // never be overwritten by a cache restore.
  const llmTarget = (operation: TemplateName, target: string, description: string, writes: string[], more: { reads?: string[]; dependsOn?: string[]; options?: object; cache?: boolean } = {}): TargetConfiguration => {
    const dependsOn = more.dependsOn ?? [];
    const files = writes.map(ws);
    return {
      executor: `nx-pdd:${operation}`,
      cache: more.cache !== false && !(summary.usesShell && options.allowShell),
      inputs: [PROMPT_INPUT, LLM_CONFIG_INPUT, ...files, ...(more.reads ?? []), ...(dependsOn.length ? [{ dependentTasksOutputFiles: '**/*', transitive: true }] : [])],
      outputs: files,
      ...(dependsOn.length ? { dependsOn } : {}),
      options: { ...llmOptions, template: templateDigest(operation), ...more.options },
      metadata: {
        technologies: ['pdd'],
        description,
        help: { command: `npx nx run ${name}:${target} --help`, example: { options: { strength: 0.5, budget: 1 } } },
      },
    };
  };
  const artifact = (kind: ArtifactKind) => [workingPath(unit, kind)!, pristinePath(unit, kind)];
  targets[names.generate] = llmTarget('generate', names.generate, `Generate ${unit.paths.code} from ${unit.promptFile} with the LLM`, artifact('code'));
  if (unit.paths.example) {
    targets[names.example] = llmTarget('example', names.example, `Write the usage example ${unit.paths.example} with the LLM`, artifact('example'), { dependsOn: [names.generate] });
  }
  if (unit.paths.test) {
    targets[names.generateTests] = llmTarget('generate-tests', names.generateTests, `Write or extend the unit tests ${unit.paths.test} with the LLM`, artifact('test'), {
      dependsOn: [unit.paths.example ? names.example : names.generate],
    });
  }
  targets[names.update] = llmTarget('update', names.update, `Update ${unit.promptFile} from the hand-edited ${unit.paths.code} with the LLM`, [unit.promptFile, pristinePath(unit, 'code'), promptBackupPath(unit)], {
    reads: [ws(unit.paths.code)],
  });
  // Not cached: what it offers depends on every file of the context folders, and hashing those
  // would make each unit "affected" by any change there. It is run by hand, re-ranks locally in
  // milliseconds, and an unchanged offer is answered by the response cache for $0.
  const contextDirs = options.autoDepsContextDirs.map((d) => joinPosix(unit.pddRoot, d));
  targets[names.autoDeps] = llmTarget('auto-deps', names.autoDeps, `Choose the files of ${contextDirs.join(', ')} that ${unit.promptFile} should include (local ranking, one LLM call)`, [unit.promptFile], {
    options: { contextDirs: options.autoDepsContextDirs },
    cache: false,
  });

  // The targets that run the unit (issue #5). Test files are the test file and its siblings.
  const s = unit.paths.testSiblings;
  const testGlob = s ? joinPosix(s.dir, `${s.prefix}*${s.extension}`) : null;
  const runOptions = { runTimeout: 120 };
  // Which runner runs JS/TS tests follows the workspace's jest/vitest configuration: part of the hash.
  const isJs = /^(java|type)script(react)?$/.test(unit.language.id);
  const runnerConfig = isJs ? [...new Set([unit.pddRoot, ''])].flatMap((d) => ['jest.config.*', 'vitest.config.*'].map((f) => ws(joinPosix(d, f)))) : [];
  if (unit.paths.example) {
    const runsExample = [...artifact('code'), ...artifact('example')];
    targets[names.crash] = llmTarget('crash', names.crash, `Run ${unit.paths.example}; when it fails, fix the code or the example with the LLM`, runsExample, { dependsOn: [names.example], options: runOptions });
    targets[names.verify] = llmTarget('verify', names.verify, `Check with the LLM that ${unit.paths.example}'s output shows what the prompt asks`, runsExample, { dependsOn: [names.crash], options: runOptions });
  }
  if (unit.paths.test && testGlob) {
    const report = runReportPath(unit);
    targets[names.test] = {
      executor: 'nx-pdd:test',
      cache: true,
      inputs: [ws(unit.paths.code), ws(testGlob), ...runnerConfig],
      outputs: [ws(report)],
      options: { prompt: unit.promptFile, ...(unit.pddRoot ? { pddRoot: unit.pddRoot } : {}), nxPddVersion: PLUGIN_VERSION, ...runOptions, ...(options.testRunners[unit.language.id] ? { testRunner: options.testRunners[unit.language.id] } : {}) },
      metadata: { technologies: ['pdd'], description: `Run ${testGlob} and record the parsed result in ${report} (no LLM)`, help: { command: `npx nx run ${name}:${names.test} --help`, example: { options: { runTimeout: 60 } } } },
    };
    targets[names.fix] = llmTarget('fix', names.fix, `Fix failing tests of ${unit.paths.code} with the LLM and run them again`, [...artifact('code'), ...artifact('test'), testGlob, report], {
      dependsOn: [names.generateTests],
      reads: runnerConfig,
      options: runOptions,
    });
  }

  // sync: everything the unit is made of is its input, and every working file it may write is
  // also an output (invariant 1), with the fingerprint and run report that record the result.
  const unitFiles = [
    unit.promptFile,
    ...(['code', 'example', 'test'] as const).flatMap((k) => (workingPath(unit, k) ? artifact(k) : [])),
    ...(testGlob ? [testGlob] : []),
    promptBackupPath(unit),
    unit.metaFile,
    runReportPath(unit),
  ];
  targets[names.sync] = {
    executor: 'nx-pdd:sync',
    cache: !(summary.usesShell && options.allowShell),
    // What this unit relies on of its dependencies (their examples and public declarations),
    // not their prompts or implementations: those re-sync it only through a changed interface.
    inputs: [PROMPT_INPUT, DEPENDENCY_INTERFACES_INPUT, LLM_CONFIG_INPUT, ...unitFiles.map(ws), ...runnerConfig],
    outputs: [...unitFiles, interfacePath(unit)].map(ws),
    // Dependencies first; flags given to `nx run app:sync --budget=5 ...` apply to them too.
    dependsOn: [{ dependencies: true, target: names.sync, params: 'forward' }],
    options: { ...llmOptions, ...runOptions, templates: (['generate', 'example', 'generate-tests', 'update', 'crash', 'verify', 'fix'] as const).map((t) => templateDigest(t)).join('.') },
    metadata: {
      technologies: ['pdd'],
      description: `Bring ${unit.id} in sync: ${[unit.paths.code, unit.paths.example, unit.paths.test].filter(Boolean).join(', ')} agree with ${unit.promptFile}, the example runs, the tests pass`,
      help: { command: `npx nx run ${name}:${names.sync} --help`, example: { options: { dryRun: true, budget: 5, profile: 'standard' } } },
    },
  };

  // operationTargets: false keeps only preprocess and sync (much less for Nx to process at
  // thousands of units); sync runs every operation itself either way.
  if (!options.operationTargets) for (const t of Object.keys(targets)) if (t !== names.preprocess && t !== names.sync) delete targets[t];

  const modelTables = [...new Set([joinPosix(unit.pddRoot, '.pdd/llm_model.csv'), '.pdd/llm_model.csv'])].map(ws);
  return {
    name,
    root: unitProjectRoot(unit),
    projectType: 'library',
    tags: ['pdd', `lang:${unit.language.id}`, ...(unit.context ? [`pdd-context:${unit.context}`] : [])],
    namedInputs: {
      [PROMPT_INPUT]: promptInputs,
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
