import type AnthropicSdk from '@anthropic-ai/sdk';
import { LlmError } from '../errors';
import { ProviderAnswer } from '../types';
import { apiKeyFor, LlmProvider, outputTokenLimit, ProviderCall, thinkingBudget, wireModelName } from './provider';
import { mapSdkError } from './sdk-errors';

/** Anthropic messages through the official SDK. `time` becomes an extended-thinking budget where the row allows it. */
export class AnthropicProvider implements LlmProvider {
  readonly id = 'anthropic' as const;

  constructor(private readonly options: { env: NodeJS.ProcessEnv; stream?: boolean }) {}

  async complete({ row, request, timeoutMs }: ProviderCall): Promise<ProviderAnswer> {
    const { env } = this.options;
    // The SDK is loaded on the first call, not with the package: graph inference loads @nx-pdd/core too.
    const sdk = require('@anthropic-ai/sdk') as { default?: typeof AnthropicSdk } & typeof AnthropicSdk;
    const Anthropic = sdk.default ?? sdk;
    const client = new Anthropic({
      apiKey: apiKeyFor(row, env) ?? null,
      baseURL: row.baseUrl ?? env.ANTHROPIC_BASE_URL ?? undefined,
      maxRetries: 0,
      timeout: timeoutMs,
    });
    const system = request.messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n\n');
    const thinking = thinkingBudget(row, request);
    const params = {
      model: wireModelName(row),
      max_tokens: outputTokenLimit(row, request),
      ...(system ? { system } : {}),
      messages: request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content })),
      // Extended thinking requires the default temperature.
      ...(thinking ? { thinking: { type: 'enabled' as const, budget_tokens: thinking } } : { temperature: request.temperature }),
    };
    try {
      const message = this.options.stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
      const content = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      return { content, usage: { input: message.usage.input_tokens, output: message.usage.output_tokens } };
    } catch (e) {
      throw e instanceof LlmError ? e : mapSdkError(e, row.model);
    }
  }
}
