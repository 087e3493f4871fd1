import { LlmError } from '../errors';
import { parseRetryAfter } from '../retry';

interface SdkApiError {
  status?: number;
  message: string;
  headers?: { get?(name: string): string | null } | Record<string, string>;
  error?: { code?: string; type?: string; error?: { type?: string } } | null;
  name: string;
}

/**
 * Map an error of the openai or @anthropic-ai/sdk SDK (same class layout) to an LlmError:
 * timeouts, connection failures, auth, rate limits, server errors, unknown models, bad
 * requests; anything else (e.g. a body that is not JSON) is a bad answer.
 */
export function mapSdkError(e: unknown, model: string): LlmError {
  const err = e as SdkApiError;
  const name = err?.constructor?.name ?? err?.name ?? '';
  const message = (err?.message ?? String(e)).split('\n')[0];
  if (name === 'APIConnectionTimeoutError' || name === 'RequestTimeoutError') return new LlmError('timeout', `request timed out (${message})`);
  if (name === 'APIConnectionError') return new LlmError('network', `cannot reach the server: ${message}`);
  const status = typeof err?.status === 'number' ? err.status : undefined;
  if (status === undefined) return new LlmError('bad-answer', `unreadable response: ${message}`);
  const headers = err.headers;
  const retryAfter = parseRetryAfter(
    typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'],
  );
  if (status === 401 || status === 403) return new LlmError('auth', `authentication failed (HTTP ${status}): ${message}`);
  if (status === 404) return new LlmError('unknown-model', `model "${model}" not found (HTTP 404): ${message}`);
  if (status === 429) return new LlmError('rate-limit', `rate limited (HTTP 429): ${message}`, retryAfter);
  if (status === 408) return new LlmError('timeout', `request timed out (HTTP 408): ${message}`, retryAfter);
  if (status >= 500) return new LlmError('server', `server error (HTTP ${status}): ${message}`, retryAfter);
  return new LlmError('bad-request', `request rejected (HTTP ${status}): ${message}`);
}
