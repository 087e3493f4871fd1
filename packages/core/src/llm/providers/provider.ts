import { ModelRow } from '../model-table';
import { LlmRequest, ProviderAnswer } from '../types';

export interface ProviderCall {
  row: ModelRow;
  request: LlmRequest;
  timeoutMs: number;
}

/** One way of talking to models. Implementations throw LlmError for every failure. */
export interface LlmProvider {
  readonly id: 'openai' | 'anthropic';
  complete(call: ProviderCall): Promise<ProviderAnswer>;
}

/** The API key of a row: the first of its key variables that is set. */
export function apiKeyFor(row: ModelRow, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of row.apiKeyVars) if (env[name]) return env[name];
  return undefined;
}

/** LiteLLM-style names carry the provider (`lm_studio/qwen3`); servers want the bare name. */
export function wireModelName(row: ModelRow): string {
  const prefix = `${row.provider.toLowerCase()}/`;
  return row.model.toLowerCase().startsWith(prefix) ? row.model.slice(prefix.length) : row.model;
}

/** Which provider speaks to a row: Anthropic's own API, or the OpenAI protocol for the rest. */
export function providerIdFor(row: ModelRow): LlmProvider['id'] {
  return row.provider.toLowerCase() === 'anthropic' ? 'anthropic' : 'openai';
}
