import { LlmClient } from '../../packages/core/src/llm/client';
import { InProcessLedger } from '../../packages/core/src/llm/ledger';
import { parseModelTable } from '../../packages/core/src/llm/model-table';
import { LlmProvider, ProviderCall } from '../../packages/core/src/llm/providers/provider';
import { LlmCacheMode, ResponseCache } from '../../packages/core/src/llm/response-cache';
import { TokenUsage } from '../../packages/core/src/llm/types';

/**
 * An LlmClient for unit tests whose provider answers from a script: a list of answers taken in
 * order, or a function of the call. Every call is recorded. One model, `gpt-x` ($1/$2 per M).
 */
export function scriptedLlm(
  cacheDir: string,
  script: string[] | ((call: ProviderCall) => string | { content: string; usage: TokenUsage }),
  cacheMode: LlmCacheMode = 'off',
) {
  const calls: ProviderCall[] = [];
  const provider: LlmProvider = {
    id: 'openai',
    complete: async (call) => {
      calls.push(call);
      const answer = Array.isArray(script) ? (script.shift() ?? '') : script(call);
      return typeof answer === 'string' ? { content: answer, usage: { input: 10, output: 10 } } : answer;
    },
  };
  const table = { rows: parseModelTable('provider,model,input,output,api_key\nOpenAI,gpt-x,1,2,OPENAI_API_KEY\n', 't.csv'), file: 't.csv' };
  const llm = new LlmClient({
    table,
    env: { OPENAI_API_KEY: 'k' },
    cache: new ResponseCache(cacheDir, cacheMode),
    ledger: new InProcessLedger(),
    strength: 0.5,
    temperature: 0,
    providers: { openai: provider },
  });
  return { llm, calls };
}
