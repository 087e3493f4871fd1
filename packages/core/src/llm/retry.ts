import { LlmError } from './errors';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (error: LlmError, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Run `call` (attempt numbers from 1), retrying retryable LLM errors: the server's Retry-After
 * when it sent one, else exponential backoff with full jitter. Other errors end at once.
 * Returns the value and the number of attempts made.
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<{ value: T; attempts: number }> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const random = policy.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await call(attempt), attempts: attempt };
    } catch (e) {
      if (!(e instanceof LlmError) || !e.retryable || attempt > policy.retries) throw e;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delay = e.retryAfterMs !== undefined ? Math.min(policy.maxDelayMs, e.retryAfterMs) : Math.round(random() * backoff);
      policy.onRetry?.(e, attempt, delay);
      await sleep(delay);
    }
  }
}

/** Retry-After as milliseconds: seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
