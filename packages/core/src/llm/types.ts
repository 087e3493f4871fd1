export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  messages: LlmMessage[];
  temperature: number;
  /** 0..1 reasoning effort (PDD's `time`), passed where the model supports it. */
  time?: number;
  maxOutputTokens: number;
}

export interface TokenUsage {
  input: number;
  output: number;
}

/** What a provider returns for one successful call. */
export interface ProviderAnswer {
  content: string;
  usage: TokenUsage;
}

export interface LlmResult extends ProviderAnswer {
  provider: string;
  model: string;
  /** USD charged for this call: 0 when it came from the response cache. */
  costUsd: number;
  cached: boolean;
  /** The response cache key of the request. */
  key: string;
  attempts: number;
}

/** Who asked: carried into errors and logs. */
export interface CallContext {
  unit: string;
  operation: string;
}
