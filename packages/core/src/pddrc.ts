import { DiskView } from './disk-view';
import type * as Yaml from 'yaml';
import type { YAMLMap } from 'yaml';
import type Picomatch from 'picomatch';
import { PddError } from './errors';
import { joinPosix } from './workspace-paths';

/** `.pddrc` defaults, with PDD's snake_case keys. Unknown keys are kept (and warned about). */
export interface PddrcDefaults {
  generate_output_path?: string;
  example_output_path?: string;
  test_output_path?: string;
  prompts_dir?: string;
  default_language?: string;
  target_coverage?: number;
  strength?: number;
  temperature?: number;
  time?: number;
  budget?: number;
  max_attempts?: number;
  model?: string;
  /** nx-pdd's: the Python interpreter for the unit's example and tests (a path from the `.pddrc`'s folder, or a command). */
  python?: string;
  /** `outputs.{prompt,code,example,test}.path` templates. */
  outputs?: Partial<Record<'prompt' | 'code' | 'example' | 'test', { path?: string }>>;
  [key: string]: unknown;
}

export interface PddrcContext {
  name: string;
  paths: string[];
  defaults: PddrcDefaults;
}

export interface Pddrc {
  /** The `.pddrc` path relative to the workspace root. */
  file: string;
  /** The PDD root: the folder of the `.pddrc`, relative to the workspace root ('' = root). */
  root: string;
  contexts: PddrcContext[];
  warnings: string[];
}

const ROOT_KEYS = new Set(['version', 'contexts', 'checkup', 'ci']);
const CONTEXT_KEYS = new Set(['paths', 'defaults', 'outputs', 'description']);
const STRING_DEFAULTS = ['generate_output_path', 'example_output_path', 'test_output_path', 'prompts_dir', 'default_language', 'model'];
const NUMBER_DEFAULTS = ['target_coverage', 'strength', 'temperature', 'time', 'budget', 'max_attempts'];
/** Keys PDD's sync and commands know besides the ones nx-pdd uses; kept, never warned about. */
const OTHER_KNOWN_DEFAULTS = new Set([
  'verbose',
  'quiet',
  'force',
  'local',
  'output_cost',
  'review_examples',
  'auto_submit',
  'context_urls',
  'skip_verify',
  'skip_tests',
  'log',
  'prompts_dirs',
  'code_dir',
  'reasoning_time',
  'coverage_report',
  'language',
  'outputs',
]);
const OUTPUT_KINDS = new Set(['prompt', 'code', 'example', 'test']);

/*
 * Loaded on first use: graph inference reuses its last resolution of units on most runs and
 * then parses no .pddrc, and the two are ~350 KB of modules to compile (tools/bench/README.md,
 * "Loading the plugin").
 */
let yamlModule: typeof Yaml | undefined;
const yaml = () => (yamlModule ??= require('yaml') as typeof Yaml);
let picomatchModule: typeof Picomatch | undefined;
const picomatch = (pattern: string, options: Picomatch.PicomatchOptions) => (picomatchModule ??= require('picomatch') as typeof Picomatch)(pattern, options);

/** Parse `.pddrc` text. Malformed YAML or a wrong value type is an error naming the line. */
export function parsePddrc(text: string, file: string): Pddrc {
  const { isMap, isScalar, LineCounter, parseDocument } = yaml();
  const root = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length) {
    const err = doc.errors[0];
    throw new PddError('PDDRC_YAML', `invalid YAML: ${err.message.split('\n')[0]}`, { file, line: lineOf(err.pos[0]) });
  }
  const warnings: string[] = [];
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { file, root, contexts: [], warnings };
  if (!isMap(contents)) throw new PddError('PDDRC_SHAPE', 'expected a mapping at the top level', { file, line: 1 });

  const fail: (message: string, node: unknown) => never = (message, node) => {
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    throw new PddError('PDDRC_SHAPE', message, { file, line: lineOf(range?.[0]) });
  };

  for (const pair of contents.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!ROOT_KEYS.has(key)) warnings.push(`${file}: unknown key "${key}" ignored (known: ${[...ROOT_KEYS].join(', ')})`);
  }

  const contextsNode = contents.get('contexts', true);
  const contexts: PddrcContext[] = [];
  if (contextsNode !== undefined && contextsNode !== null && !(isScalar(contextsNode) && contextsNode.value === null)) {
    if (!isMap(contextsNode)) fail('"contexts" must be a mapping of context names', contextsNode);
    for (const pair of (contextsNode as unknown as YAMLMap).items) {
      const name = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const node = pair.value;
      if (node === null || (isScalar(node) && node.value === null)) {
        contexts.push({ name, paths: [], defaults: {} });
        continue;
      }
      if (!isMap(node)) fail(`context "${name}" must be a mapping with "paths" and "defaults"`, node ?? pair.key);
      const map = node as unknown as YAMLMap;
      const ctx = map.toJSON() as Record<string, unknown>;
      for (const key of Object.keys(ctx)) {
        if (!CONTEXT_KEYS.has(key)) warnings.push(`${file}: context "${name}": unknown key "${key}" ignored`);
      }
      const pathsValue = ctx.paths ?? [];
      const paths = typeof pathsValue === 'string' ? [pathsValue] : pathsValue;
      if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) {
        fail(`context "${name}": "paths" must be a list of glob strings`, map.get('paths', true));
      }
      const defaultsValue = ctx.defaults ?? {};
      if (typeof defaultsValue !== 'object' || Array.isArray(defaultsValue) || defaultsValue === null) {
        fail(`context "${name}": "defaults" must be a mapping`, map.get('defaults', true));
      }
      const defaults = { ...(defaultsValue as PddrcDefaults) };
      if (ctx.outputs !== undefined && defaults.outputs === undefined) defaults.outputs = ctx.outputs as PddrcDefaults['outputs'];
      const defaultsNode = map.get('defaults', true);
      validateDefaults(name, defaults, warnings, file, (key, message) =>
        fail(message, isMap(defaultsNode) ? (defaultsNode.get(key, true) ?? defaultsNode) : node),
      );
      contexts.push({ name, paths: paths as string[], defaults });
    }
  }
  return { file, root, contexts, warnings };
}

function validateDefaults(context: string, defaults: PddrcDefaults, warnings: string[], file: string, fail: (key: string, message: string) => never): void {
  for (const [key, value] of Object.entries(defaults)) {
    if (STRING_DEFAULTS.includes(key)) {
      if (typeof value !== 'string') fail(key, `context "${context}": "${key}" must be a string, got ${JSON.stringify(value)}`);
    } else if (NUMBER_DEFAULTS.includes(key)) {
      if (typeof value !== 'number' || Number.isNaN(value)) fail(key, `context "${context}": "${key}" must be a number, got ${JSON.stringify(value)}`);
    } else if (!OTHER_KNOWN_DEFAULTS.has(key)) {
      warnings.push(`${file}: context "${context}": unknown default "${key}" ignored`);
    }
  }
  const outputs = defaults.outputs;
  if (outputs !== undefined) {
    if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) fail('outputs', `context "${context}": "outputs" must be a mapping`);
    for (const [kind, spec] of Object.entries(outputs)) {
      if (!OUTPUT_KINDS.has(kind)) {
        warnings.push(`${file}: context "${context}": unknown output kind "${kind}" ignored`);
        continue;
      }
      const path = (spec as { path?: unknown } | null)?.path;
      if (typeof path !== 'string') fail('outputs', `context "${context}": "outputs.${kind}.path" must be a string template`);
    }
  }
}

/** Read and parse `<root>/.pddrc`, or null when the file does not exist. */
export function readPddrc(disk: DiskView, pddRoot: string): Pddrc | null {
  const file = joinPosix(pddRoot, '.pddrc');
  // A .pddrc can arrive by pull request: a regular file inside the workspace only, never a
  // pipe or a link to a secret (DiskView.read), and a folder is named as such.
  const bytes = disk.read(file, 1024 * 1024);
  if (bytes === null) return null;
  return parsePddrc(bytes.toString('utf8'), file);
}

/** The prompts dirs a PDD root declares: the default one plus every context's `prompts_dir`. */
export function declaredPromptsDirs(pddrc: Pddrc | null, defaultPromptsDir: string): string[] {
  const dirs = new Set([trimSlashes(defaultPromptsDir)]);
  for (const ctx of pddrc?.contexts ?? []) {
    if (ctx.defaults.prompts_dir) dirs.add(trimSlashes(ctx.defaults.prompts_dir));
  }
  return [...dirs];
}

export function trimSlashes(path: string): string {
  return path.replace(/^\.\//, '').replace(/^\/+|\/+$/g, '');
}

/**
 * Choose the context for a prompt as PDD does: an explicit name, else the context whose
 * `prompts_dir` is the longest prefix of the prompt's path, else the most specific matching
 * `paths` glob (longest literal prefix, then longest pattern, then file order), else `default`.
 * Globs are matched against the prompt path relative to the PDD root and to its prompts dir.
 */
export function selectContext(
  pddrc: Pddrc | null,
  promptPathFromRoot: string,
  promptPathFromPromptsDir: string,
  explicitName?: string,
): PddrcContext | undefined {
  if (!pddrc) return undefined;
  if (explicitName) {
    const named = pddrc.contexts.find((c) => c.name === explicitName);
    if (!named) {
      throw new PddError('PDDRC_CONTEXT', `context "${explicitName}" is not defined (defined: ${pddrc.contexts.map((c) => c.name).join(', ') || 'none'})`, {
        file: pddrc.file,
      });
    }
    return named;
  }
  let best: { ctx: PddrcContext; len: number } | undefined;
  for (const ctx of pddrc.contexts) {
    const dir = ctx.defaults.prompts_dir && trimSlashes(ctx.defaults.prompts_dir);
    if (dir && promptPathFromRoot.startsWith(dir + '/') && (!best || dir.length > best.len)) best = { ctx, len: dir.length };
  }
  if (best) return best.ctx;

  let bestGlob: { ctx: PddrcContext; literal: number; length: number } | undefined;
  for (const ctx of pddrc.contexts) {
    for (const pattern of ctx.paths) {
      const isMatch = picomatch(pattern, { dot: true });
      if (!isMatch(promptPathFromRoot) && !isMatch(promptPathFromPromptsDir)) continue;
      const literal = literalPrefixLength(pattern);
      if (!bestGlob || literal > bestGlob.literal || (literal === bestGlob.literal && pattern.length > bestGlob.length)) {
        bestGlob = { ctx, literal, length: pattern.length };
      }
    }
  }
  if (bestGlob) return bestGlob.ctx;
  return pddrc.contexts.find((c) => c.name === 'default');
}

function literalPrefixLength(pattern: string): number {
  const m = /[*?[\]{}()!]/.exec(pattern);
  return m ? m.index : pattern.length;
}
