import { ModelRow } from '../model-table';
import { LlmMessage, LlmRequest, ProviderAnswer } from '../types';

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

/**
 * The most output tokens a request may be billed for on this row: `maxOutputTokens`, plus the
 * thinking budget for rows with budgeted reasoning (Anthropic's `max_tokens` covers both;
 * OpenAI's `max_completion_tokens` already includes reasoning tokens).
 */
export function outputTokenLimit(row: ModelRow, request: Pick<LlmRequest, 'maxOutputTokens' | 'time'>): number {
  return request.maxOutputTokens + thinkingBudget(row, request);
}

/** Anthropic's thinking budget for a row with budgeted reasoning and a `time` setting, else 0. */
export function thinkingBudget(row: ModelRow, request: Pick<LlmRequest, 'time'>): number {
  return providerIdFor(row) === 'anthropic' && row.reasoningType === 'budget' && request.time && row.maxReasoningTokens
    ? Math.max(1024, Math.round(request.time * row.maxReasoningTokens))
    : 0;
}

/**
 * The most input tokens the messages can be billed as: their UTF-8 bytes (every tokenizer of
 * the supported providers encodes at least one byte per token) plus 8 tokens of framing per
 * message. An upper bound, not an estimate (docs/llm-layer.md, "Spend").
 */
export function inputTokenBound(messages: readonly LlmMessage[]): number {
  return messages.reduce((n, m) => n + Buffer.byteLength(m.content, 'utf8') + 8, 0);
}
