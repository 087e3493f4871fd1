import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { joinPosix, PromptUnit } from '@nx-pdd/core';
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
  /** Absent when the prompt declares none. */
  declaredDependencies?: string[];
  /** Absent when preprocessing found no problem. */
  errors?: string[];
}

/** The named input with a unit's prompt and everything that changes its text. */
export const PROMPT_INPUT = 'pdd-prompt';

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
  return {
    name,
    root: unitProjectRoot(unit),
    projectType: 'library',
    tags: ['pdd', `lang:${unit.language.id}`, ...(unit.context ? [`pdd-context:${unit.context}`] : [])],
    namedInputs: { [PROMPT_INPUT]: promptInputs },
    targets: { [options.targetNames.preprocess]: preprocess },
    metadata: {
      description: `PDD prompt unit ${unit.id}: ${unit.promptFile} -> ${[unit.paths.code, unit.paths.example, unit.paths.test].filter(Boolean).join(', ')}`,
      technologies: ['pdd'],
      pdd: metadata,
    } as ProjectConfiguration['metadata'],
  };
}
