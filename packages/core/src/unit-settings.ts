import { PddrcContext, PddrcDefaults, trimSlashes } from './pddrc';

export type OutputTemplates = Partial<Record<'prompt' | 'code' | 'example' | 'test', string>>;

/** Every per-unit setting nx-pdd reads, after precedence has been applied. */
export interface UnitSettings {
  promptsDir: string;
  generateOutputPath?: string;
  exampleOutputPath?: string;
  testOutputPath?: string;
  defaultLanguage?: string;
  model?: string;
  targetCoverage: number;
  strength: number;
  temperature: number;
  time: number;
  budget: number;
  maxAttempts: number;
  outputTemplates: OutputTemplates;
  /** The Python interpreter for the unit's example and tests (run/python-interpreter.ts has the order when unset). */
  python?: string;
}

/** Settings as a user writes them in plugin options or command flags (camelCase, all optional). */
export type SettingsOverrides = Partial<Omit<UnitSettings, 'outputTemplates'>> & { outputTemplates?: OutputTemplates };

/** PDD's built-in defaults (its sync: budget 20, 3 attempts, coverage 90, strength 1.0, time 0.25). */
export const BUILT_IN_SETTINGS: UnitSettings = {
  promptsDir: 'prompts',
  targetCoverage: 90,
  strength: 1.0,
  temperature: 0,
  time: 0.25,
  budget: 20,
  maxAttempts: 3,
  outputTemplates: {},
};

/** The environment variables PDD reads, and the setting each one feeds. */
export const SETTINGS_ENV: Record<string, keyof SettingsOverrides> = {
  PDD_PROMPTS_DIR: 'promptsDir',
  PDD_GENERATE_OUTPUT_PATH: 'generateOutputPath',
  PDD_EXAMPLE_OUTPUT_PATH: 'exampleOutputPath',
  PDD_TEST_OUTPUT_PATH: 'testOutputPath',
  PDD_DEFAULT_LANGUAGE: 'defaultLanguage',
  PDD_MODEL_DEFAULT: 'model',
  PDD_TEST_COVERAGE_TARGET: 'targetCoverage',
  PDD_STRENGTH_DEFAULT: 'strength',
  PDD_PYTHON: 'python',
};

const NUMERIC = new Set<keyof SettingsOverrides>(['targetCoverage', 'strength', 'temperature', 'time', 'budget', 'maxAttempts']);

/** Read PDD's environment variables; a non-numeric value for a numeric setting is ignored. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): SettingsOverrides {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(SETTINGS_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (NUMERIC.has(key)) {
      const n = Number(raw);
      if (Number.isFinite(n)) out[key] = n;
    } else {
      out[key] = raw;
    }
  }
  return out as SettingsOverrides;
}

export function settingsFromPddrc(defaults: PddrcDefaults | undefined): SettingsOverrides {
  if (!defaults) return {};
  const templates: OutputTemplates = {};
  for (const [kind, spec] of Object.entries(defaults.outputs ?? {})) {
    if (spec?.path) templates[kind as keyof OutputTemplates] = spec.path;
  }
  return dropUndefined({
    promptsDir: defaults.prompts_dir,
    generateOutputPath: defaults.generate_output_path,
    exampleOutputPath: defaults.example_output_path,
    testOutputPath: defaults.test_output_path,
    defaultLanguage: defaults.default_language,
    model: defaults.model,
    targetCoverage: defaults.target_coverage,
    strength: defaults.strength,
    temperature: defaults.temperature,
    time: defaults.time,
    budget: defaults.budget,
    maxAttempts: defaults.max_attempts,
    python: typeof defaults.python === 'string' ? defaults.python : undefined,
    outputTemplates: Object.keys(templates).length ? templates : undefined,
  });
}

/**
 * Apply precedence: command flag > plugin option > `.pddrc` context > environment > built-in.
 * Output templates merge per kind with the same precedence.
 */
export function resolveUnitSettings(layers: {
  flags?: SettingsOverrides;
  pluginOptions?: SettingsOverrides;
  context?: PddrcContext;
  env?: NodeJS.ProcessEnv;
}): UnitSettings {
  const ordered: SettingsOverrides[] = [
    BUILT_IN_SETTINGS,
    settingsFromEnv(layers.env ?? {}),
    settingsFromPddrc(layers.context?.defaults),
    dropUndefined(layers.pluginOptions ?? {}),
    dropUndefined(layers.flags ?? {}),
  ];
  const merged = Object.assign({}, ...ordered) as UnitSettings;
  merged.outputTemplates = Object.assign({}, ...ordered.map((l) => l.outputTemplates ?? {}));
  merged.promptsDir = trimSlashes(merged.promptsDir);
  return merged;
}

function dropUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
