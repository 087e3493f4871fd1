import { LlmError } from './errors';
import { formatUsd, Ledger } from './ledger';
import { callCost, chooseModels } from './model-choice';
import { ModelRow, ModelTable } from './model-table';
import { AnthropicProvider } from './providers/anthropic-provider';
import { OpenAiProvider } from './providers/openai-provider';
import { inputTokenBound, LlmProvider, outputTokenLimit, providerIdFor } from './providers/provider';
import { redactSecrets } from '../secrets';
import { requestKey, ResponseCache } from './response-cache';
import { DEFAULT_RETRY, RetryPolicy, withRetry } from './retry';
import { CallContext, LlmMessage, LlmRequest, LlmResult } from './types';

export interface LlmClientOptions {
  table: ModelTable;
  env: NodeJS.ProcessEnv;
  cache: ResponseCache;
  ledger: Ledger;
  strength: number;
  temperature: number;
  time?: number;
  /** Base model name (`--model`, else PDD_MODEL_DEFAULT). */
  model?: string;
  maxOutputTokens?: number;
  /** Per attempt. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  stream?: boolean;
  /** Replace the SDK-backed providers (tests). */
  providers?: Partial<Record<LlmProvider['id'], LlmProvider>>;
  log?: (line: string) => void;
}

/** The longest a token is taken to be, in characters, when judging an answer's length against max_tokens. */
const MAX_CHARS_PER_TOKEN = 32;

/**
 * The one door to models: picks candidates by strength, answers from the response cache,
 * charges the ledger before each call, retries transient failures, falls back to the next
 * candidate on model-specific ones, and redacts secrets from every error.
 */
export class LlmClient {
  private readonly providers: Record<LlmProvider['id'], LlmProvider>;

  constructor(private readonly options: LlmClientOptions) {
    const { env, stream } = options;
    this.providers = {
      openai: options.providers?.openai ?? new OpenAiProvider({ env, stream }),
      anthropic: options.providers?.anthropic ?? new AnthropicProvider({ env, stream }),
    };
  }

  private request(messages: LlmMessage[]): LlmRequest {
    return { messages, temperature: this.options.temperature, time: this.options.time, maxOutputTokens: this.options.maxOutputTokens ?? 8192 };
  }

  /** The models that would be tried, in order (for --dry-run and messages). */
  candidates(): ModelRow[] {
    const { table, strength, model, env, cache } = this.options;
    return chooseModels(table, { strength, baseModel: model ?? env.PDD_MODEL_DEFAULT, env, ignoreKeys: cache.mode === 'replay' });
  }

  async complete(messages: LlmMessage[], ctx: CallContext): Promise<LlmResult> {
    const { cache, ledger } = this.options;
    const request = this.request(messages);
    const candidates = this.candidates();
    const keyOf = (row: ModelRow) => requestKey({ provider: providerIdFor(row), model: row.model, baseUrl: row.baseUrl, request });

    for (const row of candidates) {
      const hit = cache.get(keyOf(row));
      if (hit)
        return { content: hit.content, usage: hit.usage, provider: hit.provider, model: hit.model, costUsd: 0, cached: true, key: keyOf(row), attempts: 0 };
      if (cache.mode === 'replay') continue;
    }
    if (cache.mode === 'replay') {
      throw new LlmError(
        'replay-miss',
        `${ctx.unit} ${ctx.operation}: no recorded answer in ${cache.dir} (key ${keyOf(candidates[0])}, model ${candidates[0].model}); run once with a model and --llm-cache=readwrite to record it`,
      );
    }

    let lastError: LlmError | undefined;
    for (const [index, row] of candidates.entries()) {
      const key = keyOf(row);
      const provider = this.providers[providerIdFor(row)];
      // The worst case (docs/llm-layer.md, "Spend"): the input's byte bound and max_tokens.
      const bound = { input: inputTokenBound(messages), output: outputTokenLimit(row, request) };
      const reservation = await this.reserveWhenAllowed(() => ledger.reserve(callCost(row, bound), `${ctx.unit} ${ctx.operation} (${row.model})`));
      try {
        const { value, attempts } = await withRetry(() => provider.complete({ row, request, timeoutMs: this.options.timeoutMs ?? 120_000 }), {
          ...(this.options.retry ?? DEFAULT_RETRY),
          onRetry: (e, attempt, delay) =>
            this.options.log?.(`  ${row.model}: ${this.redact(e.message, row)}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`),
        });
        const claimedUsd = callCost(row, value.usage);
        const costUsd = callCost(row, { input: Math.min(value.usage.input, bound.input), output: Math.min(value.usage.output, bound.output) });
        reservation.settle(costUsd, claimedUsd);
        if (claimedUsd > costUsd + 1e-12) {
          this.options.log?.(
            `  ${row.model}: the provider reported ${value.usage.input} input and ${value.usage.output} output tokens, beyond what this request can cost (at most ${bound.input} and ${bound.output}): charged ${formatUsd(costUsd)}, claimed ${formatUsd(claimedUsd)}; no further call starts in this run`,
          );
        }
        // An answer longer than max_tokens can be is not from an honest provider; it is paid, and
        // never parsed (a parser fed megabytes of hostile text can take hours).
        const maxChars = Math.max(64 * 1024, bound.output * MAX_CHARS_PER_TOKEN);
        if (value.content.length > maxChars) {
          const error = new LlmError(
            'bad-answer',
            `answered ${value.content.length} characters, more than ${bound.output} output tokens can hold (at most ${maxChars}); the answer was rejected unread`,
          );
          error.paidUsd = costUsd;
          throw error;
        }
        cache.set(key, { provider: provider.id, model: row.model, content: value.content, usage: value.usage, costUsd, createdAt: new Date().toISOString() });
        return { ...value, provider: provider.id, model: row.model, costUsd, cached: false, key, attempts };
      } catch (e) {
        reservation.release(); // a no-op once settled
        const error = e instanceof LlmError ? e : new LlmError('bad-answer', (e as Error).message);
        lastError = new LlmError(
          error.kind,
          this.redact(`${ctx.unit} ${ctx.operation}: ${row.provider} ${row.model}: ${error.message}`, row),
          error.retryAfterMs,
        );
        lastError.paidUsd = error.paidUsd;
        if (!error.modelSpecific || index === candidates.length - 1) throw lastError;
        this.options.log?.(`  ${lastError.message}; trying ${candidates[index + 1].model}`);
      }
    }
    throw lastError ?? new LlmError('no-model', 'no candidate model');
  }

  /**
   * Reserve on the ledger; a ledger that enforces a calls-per-minute limit refuses with a
   * `rate-limit` error saying how long to wait: wait that long (said in the log) and try again.
   */
  private async reserveWhenAllowed<T>(reserve: () => T): Promise<T> {
    const sleep = this.options.retry?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (;;) {
      try {
        return reserve();
      } catch (e) {
        if (!(e instanceof LlmError) || e.kind !== 'rate-limit' || e.retryAfterMs === undefined) throw e;
        this.options.log?.(`  ${e.message}; waiting ${(e.retryAfterMs / 1000).toFixed(1)} s`);
        await sleep(e.retryAfterMs);
      }
    }
  }

  /** Forget a cached answer that was rejected (bad shape, does not parse), so a retry asks the model again. */
  forget(result: Pick<LlmResult, 'key'>): void {
    this.options.cache.delete(result.key);
  }

  private redact(text: string, row: ModelRow): string {
    return redactSecrets(text, this.options.env, row.apiKeyVars);
  }
}
