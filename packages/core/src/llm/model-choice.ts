import { LlmError } from './errors';
import { isThisMachine, ModelRow, ModelTable } from './model-table';
import { providerIdFor } from './providers/provider';

export interface ModelChoiceOptions {
  /** 0..1: below 0.5 cheaper than the base model, above 0.5 stronger. */
  strength: number;
  /** The base model (`--model` or PDD_MODEL_DEFAULT); default the table's first row. */
  baseModel?: string;
  env: NodeJS.ProcessEnv;
  /** Keep rows whose keys are not set (replay answers from the cache and needs none). */
  ignoreKeys?: boolean;
}

const avgCost = (r: ModelRow) => (r.inputPrice + r.outputPrice) / 2;
const rank = (r: ModelRow) => r.rankScore ?? r.elo ?? 0;

/** The OpenAI-compatible server the environment names (`OPENAI_BASE_URL`), if any. */
export function openAiBaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  return env.OPENAI_BASE_URL?.trim() || undefined;
}

/** Whether a URL is on this machine (a local model server: no key, no price). */
export function isLocalUrl(url: string): boolean {
  try {
    return isThisMachine(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Whether a row can be called here: its key variables are set, or it needs none (a row with
 * its own base_url and no key), or `OPENAI_BASE_URL` names the server an OpenAI-compatible row
 * without a base_url of its own goes to (a local server needs no key).
 */
export function isUsable(row: ModelRow, env: NodeJS.ProcessEnv): boolean {
  if (row.interactiveOnly) return false;
  if (row.apiKeyVars.length === 0) return !!row.baseUrl;
  if (row.apiKeyVars.some((v) => !!env[v])) return true;
  return !row.baseUrl && providerIdFor(row) === 'openai' && !!openAiBaseUrl(env);
}

/**
 * `--model` (or PDD_MODEL_DEFAULT) naming a model the table does not have, with OPENAI_BASE_URL
 * on this machine: the local server's own model (`llama3.2`, `qwen2.5-coder`), priced 0.
 */
function localServerRow(model: string, env: NodeJS.ProcessEnv): ModelRow | null {
  const url = openAiBaseUrl(env);
  if (!url || !isLocalUrl(url)) return null;
  return { provider: 'OpenAI', model, inputPrice: 0, outputPrice: 0, baseUrl: url, apiKeyVars: [], structuredOutput: false, interactiveOnly: false };
}

/**
 * PDD's strength rule. Below 0.5 the target is a cost between the cheapest model and the base;
 * at 0.5 the base; above 0.5 a rank between the base and the best. Usable rows are returned
 * sorted by distance to the target (ties keep the file's order): the first is tried first,
 * the next ones are fallbacks.
 */
export function chooseModels(table: ModelTable, options: ModelChoiceOptions): ModelRow[] {
  const { rows } = table;
  if (!rows.length) throw new LlmError('no-model', `${table.file} has no models`);
  const strength = Math.min(1, Math.max(0, options.strength));
  let base = rows[0];
  if (options.baseModel) {
    const named = rows.find((r) => r.model === options.baseModel);
    if (!named) {
      const local = localServerRow(options.baseModel, options.env);
      if (local) return [local];
      throw new LlmError(
        'no-model',
        `model "${options.baseModel}" is not in ${table.file} (models: ${rows.map((r) => r.model).join(', ')}); a local server's model is taken as it is named when OPENAI_BASE_URL points at this machine`,
      );
    }
    base = named;
  }
  let distance: (r: ModelRow) => number;
  if (strength < 0.5) {
    const cheapest = Math.min(...rows.map(avgCost));
    const target = cheapest + (strength / 0.5) * (avgCost(base) - cheapest);
    distance = (r) => Math.abs(avgCost(r) - target);
  } else {
    const best = Math.max(...rows.map(rank));
    const target = rank(base) + ((strength - 0.5) / 0.5) * (best - rank(base));
    distance = (r) => (r === base && strength === 0.5 ? -1 : Math.abs(rank(r) - target));
  }
  const usable = rows.map((r, i) => ({ r, i, d: distance(r) })).filter(({ r }) => (options.ignoreKeys ? !r.interactiveOnly : isUsable(r, options.env)));
  if (!usable.length) throw noModelError(table);
  return usable.sort((a, b) => a.d - b.d || a.i - b.i).map(({ r }) => r);
}

function noModelError(table: ModelTable): LlmError {
  const keys = [...new Set(table.rows.flatMap((r) => r.apiKeyVars))];
  return new LlmError(
    'no-model',
    [
      `no usable LLM model: none of ${keys.join(', ') || 'the key variables'} is set, and no row of ${table.file} points at a local server.`,
      'Configure one of: an API key (e.g. export OPENAI_API_KEY=... or ANTHROPIC_API_KEY=...);',
      'a local OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio): OPENAI_BASE_URL=http://localhost:11434/v1 with --model=<its model>, or a row with base_url in <workspace>/.pdd/llm_model.csv;',
      'or run without a model: --dry-run shows the plan, --llm-cache=replay answers from recorded responses only.',
    ].join('\n'),
  );
}

/** USD cost of a call from reported token usage and the row's prices (per million tokens). */
export function callCost(row: ModelRow, usage: { input: number; output: number }): number {
  return (usage.input * row.inputPrice + usage.output * row.outputPrice) / 1_000_000;
}
