import { LlmClient } from './client';
import { LlmError } from './errors';
import { Ledger } from './ledger';
import { parseModelTable } from './model-table';
import { ResponseCache } from './response-cache';

it('waits as long as a rate-limited ledger says, then makes the call', async () => {
  const slept: number[] = [];
  const lines: string[] = [];
  let refusals = 1;
  const ledger: Ledger = {
    spentUsd: 0,
    calls: 0,
    reserve: () => {
      if (refusals-- > 0) throw new LlmError('rate-limit', "the workspace's limit of 1 LLM calls per minute is reached", 1234);
      return { settle: () => undefined, release: () => undefined };
    },
  };
  const client = new LlmClient({
    table: { rows: parseModelTable('provider,model,input,output,api_key\nOpenAI,gpt-x,1,2,OPENAI_API_KEY\n', 't.csv'), file: 't.csv' },
    env: { OPENAI_API_KEY: 'k' },
    cache: new ResponseCache('/nonexistent', 'off'),
    ledger,
    strength: 0.5,
    temperature: 0,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, sleep: async (ms) => void slept.push(ms) },
    providers: { openai: { id: 'openai', complete: async () => ({ content: 'ok', usage: { input: 1, output: 1 } }) } },
    log: (l) => lines.push(l),
  });
  const r = await client.complete([{ role: 'user', content: 'hi' }], { unit: 'u', operation: 'generate' });
  expect(r.content).toBe('ok');
  expect(slept).toEqual([1234]);
  expect(lines).toEqual(["  the workspace's limit of 1 LLM calls per minute is reached; waiting 1.2 s"]);
});
