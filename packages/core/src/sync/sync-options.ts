import { PddError } from '../errors';
import { InterfaceSource } from '../code-interface';
import { LLM_CACHE_MODES, LlmCacheMode } from '../llm/response-cache';
import { OperationName } from '../operations/catalogue';
import { Resolution } from '../operations/resolve-conflict';
import { SANDBOX_MODES, SandboxMode } from '../run/sandbox';
import { JsTestRunner } from '../run/unit-runner';
import { PromptUnit } from '../units';
import { executionOrder } from './operation-graph';
import { SyncOptions } from './sync-unit';

/*
 * A sync's options on their way from the command line to the loop, mapped in this one module:
 *
 *   flags (`nx run calc:sync --budget=5`, the executor's schema)  --parseSyncFlags-->
 *   SyncCommandOptions (+ what the plugin and Nx add)             --syncOptionsFor-->
 *   SyncOptions (the loop's: profile defaults applied, timeout -> maxSeconds)
 */

export type SyncProfile = 'quick' | 'standard' | 'thorough' | 'safe';

/**
 * Profiles: a bundle of option defaults; explicit flags win (docs/sync-engine.md, "Profiles:
 * what each one calls"). `standard` calls the model only to write something (generate,
 * example, tests, update, fix): whether the example's output fits the prompt (verify, one more
 * call each time the code or example changes) is judged by running the example and the tests;
 * `thorough` and `safe` also verify, and `--skipVerify=false` asks for it anywhere.
 */
export const PROFILES: Record<SyncProfile, Partial<SyncOptions>> = {
  quick: { skipVerify: true, targetCoverage: 0, maxAttempts: 1 },
  standard: { skipVerify: true },
  thorough: { autoDeps: true, maxAttempts: 5, skipVerify: false },
  safe: { skipVerify: false },
};

export const RESOLUTIONS: readonly Resolution[] = ['ours', 'theirs', 'merged', 'llm'];

export interface SyncCommandOptions {
  profile: SyncProfile;
  dryRun: boolean;
  budget?: number;
  /** USD every sync of the workspace together may spend per UTC day (all invocations). */
  dailyCeiling?: number;
  maxAttempts?: number;
  skipVerify?: boolean;
  skipTests?: boolean;
  targetCoverage?: number;
  autoDeps?: boolean;
  llmCache: LlmCacheMode;
  /** Seconds the whole sync may take (no new step starts after that). */
  timeout?: number;
  /** Seconds per LLM call attempt. */
  callTimeout: number;
  /** LLM calls per minute, shared by every process of the workspace. */
  rateLimit?: number;
  /** Run this operation first, then decide as usual. */
  resumeFrom?: OperationName;
  /** Seconds per run of the example or the tests. */
  runTimeout: number;
  /** Per language id: the JS/TS test runner (the plugin option testRunners). */
  testRunners?: Record<string, JsTestRunner>;
  /** Variables passed to generated code besides the allowlist (the plugin option passEnv). */
  passEnv?: readonly string[];
  /** Where generated code runs: bubblewrap when usable (`auto`, the default), always (`require`), never (`off`). */
  sandbox?: SandboxMode;
  /** Whether a person can answer a question (the safe profile asks before it writes). */
  interactive: boolean;
  /** Asks the person; true = go on. */
  confirm?: (question: string) => Promise<boolean>;
  /** How to end an open merge conflict (docs/merge.md). */
  resolve?: Resolution;
  /** The Nx project the unit is, for the commands messages suggest (default: the unit id). */
  project?: string;
  /** The units this one depends on (from the project graph): their interfaces are part of what its results hold for. */
  dependencies?: InterfaceSource[];
}

/** The options a flag of the sync target sets; those naming a value out of a list arrive as any string. */
type NamedValueFlag = 'profile' | 'llmCache' | 'resumeFrom' | 'resolve' | 'sandbox';
type FlagOption =
  | NamedValueFlag
  | 'dryRun'
  | 'budget'
  | 'dailyCeiling'
  | 'maxAttempts'
  | 'skipVerify'
  | 'skipTests'
  | 'targetCoverage'
  | 'autoDeps'
  | 'timeout'
  | 'callTimeout'
  | 'rateLimit'
  | 'runTimeout';

/** The sync target's flags as they arrive (its schema.json): unchecked, all optional. */
export type SyncFlags = Partial<Omit<Pick<SyncCommandOptions, FlagOption>, NamedValueFlag> & Record<NamedValueFlag, string>>;

export function assertProfile(name: string): SyncProfile {
  if (!(name in PROFILES)) throw new PddError('PROFILE', `unknown profile "${name}" (profiles: ${Object.keys(PROFILES).join(', ')})`);
  return name as SyncProfile;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new PddError('FLAG', `unknown --${flag} "${value}" (use one of ${allowed.join(', ')})`);
  return value as T;
}

/**
 * The flags checked and given their defaults (an unknown profile, cache mode, resolution,
 * sandbox or operation is an error naming the allowed values). `defaults`: what the plugin's
 * options and the environment say when a flag is absent.
 */
export function parseSyncFlags(flags: SyncFlags, defaults: { sandbox?: SandboxMode; llmCache?: string } = {}): Omit<SyncCommandOptions, 'interactive'> {
  return {
    profile: assertProfile(flags.profile ?? 'standard'),
    dryRun: flags.dryRun === true,
    budget: flags.budget,
    dailyCeiling: flags.dailyCeiling,
    maxAttempts: flags.maxAttempts,
    skipVerify: flags.skipVerify,
    skipTests: flags.skipTests,
    targetCoverage: flags.targetCoverage,
    autoDeps: flags.autoDeps,
    llmCache: oneOf('llmCache', flags.llmCache ?? defaults.llmCache ?? 'readwrite', LLM_CACHE_MODES),
    timeout: flags.timeout,
    callTimeout: flags.callTimeout ?? 120,
    rateLimit: flags.rateLimit,
    resumeFrom: flags.resumeFrom === undefined ? undefined : executionOrder([flags.resumeFrom]).pop(),
    resolve: flags.resolve === undefined ? undefined : oneOf('resolve', flags.resolve, RESOLUTIONS),
    runTimeout: flags.runTimeout ?? 120,
    sandbox: oneOf('sandbox', flags.sandbox ?? defaults.sandbox ?? 'auto', SANDBOX_MODES),
  };
}

/** The loop's options: a flag wins over the profile, the profile over the unit's settings. */
export function syncOptionsFor(
  unit: PromptUnit,
  o: Pick<SyncCommandOptions, 'profile' | 'skipVerify' | 'skipTests' | 'targetCoverage' | 'autoDeps' | 'resolve' | 'maxAttempts' | 'timeout' | 'resumeFrom'>,
): SyncOptions {
  const profile = PROFILES[o.profile];
  const pick = <T>(flag: T | undefined, fromProfile: T | undefined, fallback: T): T => flag ?? fromProfile ?? fallback;
  return {
    skipVerify: pick(o.skipVerify, profile.skipVerify, false),
    skipTests: pick(o.skipTests, profile.skipTests, false),
    targetCoverage: pick(o.targetCoverage, profile.targetCoverage, unit.settings.targetCoverage),
    autoDeps: pick(o.autoDeps, profile.autoDeps, false),
    mergeAvailable: true,
    resolve: o.resolve ?? null,
    maxAttempts: pick(o.maxAttempts, profile.maxAttempts, unit.settings.maxAttempts),
    maxSteps: 40,
    ...(o.timeout !== undefined ? { maxSeconds: o.timeout } : {}),
    ...(o.resumeFrom ? { resumeFrom: o.resumeFrom } : {}),
  };
}
