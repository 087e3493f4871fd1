import { PddError } from '../errors';

export type LlmErrorKind =
  'no-model' | 'auth' | 'rate-limit' | 'server' | 'timeout' | 'network' | 'unknown-model' | 'bad-request' | 'bad-answer' | 'replay-miss' | 'budget';

const RETRYABLE = new Set<LlmErrorKind>(['rate-limit', 'server', 'timeout', 'network']);

/** A failed LLM call, classified so the client knows whether to retry, fall back or stop. */
export class LlmError extends PddError {
  readonly kind: LlmErrorKind;
  /** Server-requested wait (Retry-After), when it gave one. */
  readonly retryAfterMs?: number;
  /** What the rejected answers behind a `bad-answer` cost (they were paid for). */
  paidUsd = 0;

  constructor(kind: LlmErrorKind, message: string, retryAfterMs?: number) {
    super(`LLM_${kind.toUpperCase().replace(/-/g, '_')}`, message);
    this.name = 'LlmError';
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** The next candidate model may succeed where this one failed. */
  get modelSpecific(): boolean {
    return this.kind === 'unknown-model' || this.retryable;
  }
}
