import type OpenAISdk from 'openai';
import { LlmError } from '../errors';
import { ProviderAnswer } from '../types';
import { apiKeyFor, LlmProvider, ProviderCall, wireModelName } from './provider';
import { mapSdkError } from './sdk-errors';

/** Chat completions through the official SDK: OpenAI, and any OpenAI-compatible server (base URL). */
export class OpenAiProvider implements LlmProvider {
  readonly id = 'openai' as const;

  constructor(private readonly options: { env: NodeJS.ProcessEnv; stream?: boolean }) {}

  async complete({ row, request, timeoutMs }: ProviderCall): Promise<ProviderAnswer> {
    const { env } = this.options;
    // The SDK is loaded on the first call, not with the package: graph inference loads @nx-pdd/core too.
    const sdk = require('openai') as { default?: typeof OpenAISdk } & typeof OpenAISdk;
    const OpenAI = sdk.default ?? sdk;
    const client = new OpenAI({
      apiKey: apiKeyFor(row, env) ?? 'no-key-needed',
      baseURL: row.baseUrl ?? env.OPENAI_BASE_URL ?? undefined,
      maxRetries: 0,
      timeout: timeoutMs,
    });
    const usesEffort = row.reasoningType === 'effort';
    const params = {
      model: wireModelName(row),
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(usesEffort ? {} : { temperature: request.temperature }),
      ...(usesEffort && request.time !== undefined
        ? { reasoning_effort: request.time < 0.34 ? ('low' as const) : request.time < 0.67 ? ('medium' as const) : ('high' as const) }
        : {}),
      ...(row.provider.toLowerCase() === 'openai' ? { max_completion_tokens: request.maxOutputTokens } : { max_tokens: request.maxOutputTokens }),
    };
    try {
      if (!this.options.stream) {
        const r = await client.chat.completions.create(params);
        return { content: r.choices[0]?.message?.content ?? '', usage: { input: r.usage?.prompt_tokens ?? 0, output: r.usage?.completion_tokens ?? 0 } };
      }
      const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
      let content = '';
      let usage = { input: 0, output: 0 };
      for await (const chunk of stream) {
        content += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
      }
      return { content, usage };
    } catch (e) {
      throw e instanceof LlmError ? e : mapSdkError(e, row.model);
    }
  }
}
