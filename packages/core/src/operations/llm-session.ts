import { pddLayout } from '../pdd-layout';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LlmClient } from '../llm/client';
import { InProcessLedger, Ledger } from '../llm/ledger';
import { loadModelTable, ModelTable } from '../llm/model-table';
import { LlmCacheMode, ResponseCache } from '../llm/response-cache';
import { PromptUnit } from '../units';

export interface LlmSessionOptions {
  workspaceRoot: string;
  unit: PromptUnit;
  env: NodeJS.ProcessEnv;
  /** Default readwrite; NX_PDD_LLM_CACHE sets it for a whole run. */
  cacheMode?: LlmCacheMode;
  /** USD for this run (default: the unit's budget setting). */
  budget?: number;
  /** Charge calls here instead of a new in-process ledger (sync: the ledger shared by all tasks). */
  ledger?: Ledger;
  /** The model table, when the caller has loaded it already. */
  table?: ModelTable;
  timeoutMs?: number;
  stream?: boolean;
  log?: (line: string) => void;
  home?: string;
}

/** An LlmClient configured from a unit's settings, the model table and the environment. */
export function createLlmClient(options: LlmSessionOptions): LlmClient {
  const { workspaceRoot, unit, env } = options;
  const s = unit.settings;
  return new LlmClient({
    table: options.table ?? loadModelTable(workspaceRoot, options.home ?? homedir()),
    env,
    cache: new ResponseCache(join(workspaceRoot, pddLayout(unit).llmCache), options.cacheMode ?? 'readwrite'),
    ledger: options.ledger ?? new InProcessLedger(options.budget ?? s.budget),
    strength: s.strength,
    temperature: s.temperature,
    time: s.time,
    model: s.model,
    timeoutMs: options.timeoutMs,
    stream: options.stream,
    log: options.log,
  });
}
