import type { NxJsonConfiguration } from '@nx/devkit';
import { CamelCase, camelCase, JS_TEST_RUNNERS, JsTestRunner, LanguageSpec, LanguageTable, OPERATION_NAMES, SettingsOverrides } from '@nx-pdd/core/graph';

/** The targets a unit has: one per operation of the catalogue, and preprocess and sync. */
export const TARGETS = ['preprocess', 'sync', ...OPERATION_NAMES] as const;
export type TargetKey = (typeof TARGETS)[number];

/** The option renaming a target: `syncTargetName`, `generateTestsTargetName`, ... (default: the target's own name). */
export type TargetNameOption = `${CamelCase<TargetKey>}TargetName`;
const TARGET_NAME_OPTIONS = TARGETS.map((t): TargetNameOption => `${camelCase(t)}TargetName`);

/** Options of the nx-pdd plugin entry in nx.json (`{ "plugin": "nx-pdd", "options": { … } }`). */
export interface NxPddPluginOptions extends SettingsOverrides, Partial<Record<TargetNameOption, string>> {
  /** Prefix for every inferred project name, e.g. `pdd-` when PDD names collide with other projects. */
  projectNamePrefix?: string;
  /** Let `<shell>` tags run while preprocessing. Off: a prompt from a pull request must not run commands in CI. */
  allowShell?: boolean;
  /** Extra or overriding rows of the language table. */
  languages?: Array<Partial<LanguageSpec> & Pick<LanguageSpec, 'name' | 'extension'>>;
  /**
   * Register a target per operation (generate, example, crash, test, fix, ...) besides sync and
   * preprocess. Default true; false makes inference much cheaper in very large workspaces.
   */
  operationTargets?: boolean;
  /** Per language id, the test runner of JS/TS units: `node-test`, `jest` or `vitest` (default: what the workspace is configured for). */
  testRunners?: Record<string, JsTestRunner>;
  /**
   * Environment variables generated code gets besides the allowlist (PATH, HOME, LANG, LC_*,
   * PYTHON*, NODE_*, VIRTUAL_ENV, ...): name the ones your examples and tests need.
   */
  passEnv?: string[];
  /** Where generated code runs: `auto` (bubblewrap when usable, the default), `require`, `off`. */
  sandbox?: 'auto' | 'require' | 'off';
  /** Folders (relative to a unit's PDD root) whose files auto-deps may offer. Default `["examples", "context"]`. */
  autoDepsContextDirs?: string[];
  /**
   * Edges between units as implicit dependencies (default), or as static ones with their source
   * file (the prompt or code that makes the edge, shown by `nx graph`). Nx keeps a static edge
   * cached on its source file while that file is unchanged: when a unit is renamed or removed
   * (a second language, a new `.pddrc`) and the prompt that made the edge is not edited, the
   * cached edge names a project that is gone, and Nx 22 drops the new edge or fails with
   * "Cannot read properties of undefined (reading 'push')" until the prompt changes or
   * `.nx/workspace-data` is removed (docs/units-and-graph.md). Implicit edges are computed
   * afresh each time and work the same for `affected` and `dependsOn: ["^…"]`.
   */
  staticEdges?: boolean;
}

export interface NormalizedPluginOptions {
  settings: SettingsOverrides;
  projectNamePrefix: string;
  allowShell: boolean;
  languages: NxPddPluginOptions['languages'];
  languageTable: LanguageTable;
  targetNames: Record<TargetKey, string>;
  autoDepsContextDirs: string[];
  testRunners: Record<string, JsTestRunner>;
  passEnv: string[];
  sandbox: 'auto' | 'require' | 'off';
  operationTargets: boolean;
  staticEdges: boolean;
}

const NON_SETTINGS = new Set<string>([
  ...TARGET_NAME_OPTIONS,
  'projectNamePrefix',
  'allowShell',
  'languages',
  'autoDepsContextDirs',
  'testRunners',
  'passEnv',
  'sandbox',
  'operationTargets',
  'staticEdges',
]);

type OptionType = 'string' | 'boolean' | 'number' | 'string[]' | 'object' | 'languages';
const OPTION_TYPES: Record<string, OptionType> = {
  projectNamePrefix: 'string',
  allowShell: 'boolean',
  languages: 'languages',
  operationTargets: 'boolean',
  staticEdges: 'boolean',
  testRunners: 'object',
  passEnv: 'string[]',
  sandbox: 'string',
  autoDepsContextDirs: 'string[]',
  outputTemplates: 'object',
  promptsDir: 'string',
  generateOutputPath: 'string',
  exampleOutputPath: 'string',
  testOutputPath: 'string',
  defaultLanguage: 'string',
  model: 'string',
  targetCoverage: 'number',
  strength: 'number',
  temperature: 'number',
  time: 'number',
  budget: 'number',
  maxAttempts: 'number',
  python: 'string',
  ...Object.fromEntries(TARGET_NAME_OPTIONS.map((option) => [option, 'string'])),
};

/**
 * Every option of the nx.json entry has the type it must have, or a clear error naming it
 * (not "Cannot read properties of undefined" from deep inside inference).
 */
function checkOptionTypes(o: Record<string, unknown>): void {
  const fits = (type: OptionType, v: unknown): boolean => {
    switch (type) {
      case 'string[]':
        return Array.isArray(v) && v.every((x) => typeof x === 'string');
      case 'object':
        return typeof v === 'object' && v !== null && !Array.isArray(v);
      case 'languages':
        return Array.isArray(v) && v.every((l) => typeof l === 'object' && l !== null && typeof l.name === 'string' && typeof l.extension === 'string');
      case 'number':
        return typeof v === 'number' && Number.isFinite(v);
      default:
        return typeof v === type;
    }
  };
  const shape: Record<OptionType, string> = {
    string: 'a string',
    boolean: 'true or false',
    number: 'a number',
    'string[]': 'a list of strings',
    object: 'an object',
    languages: 'a list of { "name", "extension", ... } objects',
  };
  for (const [name, value] of Object.entries(o)) {
    const type = OPTION_TYPES[name];
    if (type && value !== undefined && !fits(type, value)) {
      throw new Error(`nx-pdd: the nx.json option "${name}" of the nx-pdd plugin must be ${shape[type]}, got ${JSON.stringify(value)}`);
    }
  }
}

export function normalizeOptions(options: NxPddPluginOptions | undefined): NormalizedPluginOptions {
  const o = options ?? {};
  checkOptionTypes(o as Record<string, unknown>);
  const settings = Object.fromEntries(Object.entries(o).filter(([k]) => !NON_SETTINGS.has(k))) as SettingsOverrides;
  return {
    settings,
    projectNamePrefix: o.projectNamePrefix ?? '',
    allowShell: o.allowShell === true,
    languages: o.languages ?? [],
    languageTable: new LanguageTable(o.languages ?? []),
    targetNames: Object.fromEntries(TARGETS.map((t, i) => [t, o[TARGET_NAME_OPTIONS[i]] ?? t])) as Record<TargetKey, string>,
    autoDepsContextDirs: o.autoDepsContextDirs ?? ['examples', 'context'],
    testRunners: validTestRunners(o.testRunners),
    passEnv: validNames(o.passEnv),
    sandbox: validSandbox(o.sandbox),
    operationTargets: o.operationTargets !== false,
    staticEdges: o.staticEdges === true,
  };
}

/** The nx-pdd entry of nx.json's plugins, normalized (defaults when the plugin is not listed). */
export function pluginOptionsFromNxJson(nxJson: NxJsonConfiguration | null | undefined): NormalizedPluginOptions {
  const entry = (nxJson?.plugins ?? []).find((p) => (typeof p === 'string' ? p : p.plugin) === 'nx-pdd');
  return normalizeOptions(typeof entry === 'object' ? (entry.options as NxPddPluginOptions) : undefined);
}

function validTestRunners(given: Record<string, string> | undefined): Record<string, JsTestRunner> {
  for (const [language, runner] of Object.entries(given ?? {})) {
    if (!JS_TEST_RUNNERS.includes(runner as JsTestRunner))
      throw new Error(`nx-pdd: plugin option testRunners.${language} is "${runner}": use one of ${JS_TEST_RUNNERS.join(', ')}`);
  }
  return (given ?? {}) as Record<string, JsTestRunner>;
}

function validNames(given: unknown): string[] {
  if (given === undefined) return [];
  if (!Array.isArray(given) || given.some((n) => typeof n !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) {
    throw new Error(`nx-pdd: plugin option passEnv must be a list of environment variable names, got ${JSON.stringify(given)}`);
  }
  return given;
}

function validSandbox(given: unknown): 'auto' | 'require' | 'off' {
  if (given === undefined) return 'auto';
  if (given !== 'auto' && given !== 'require' && given !== 'off')
    throw new Error(`nx-pdd: plugin option sandbox must be "auto", "require" or "off", got ${JSON.stringify(given)}`);
  return given;
}
