import { LlmClient } from './client';
import { LlmError } from './errors';
import { InProcessLedger, Ledger } from './ledger';
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

describe('spend bounded by construction', () => {
  const table = { rows: parseModelTable('provider,model,input,output,api_key\nOpenAI,gpt-x,1,2,OPENAI_API_KEY\n', 't.csv'), file: 't.csv' };
  const clientWith = (
    answer: { content: string; usage: { input: number; output: number } },
    ledger: InProcessLedger,
    lines: string[] = [],
    seen: number[] = [],
  ) =>
    new LlmClient({
      table,
      env: { OPENAI_API_KEY: 'k' },
      cache: new ResponseCache('/nonexistent', 'off'),
      ledger,
      strength: 0.5,
      temperature: 0,
      maxOutputTokens: 1000,
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined },
      providers: { openai: { id: 'openai', complete: async (call) => (seen.push(call.request.maxOutputTokens), answer) } },
      log: (l) => lines.push(l),
    });
  const messages = [{ role: 'user' as const, content: 'x'.repeat(992) }];
  // Worst case: (992 bytes + 8) input tokens at $1/M and 1000 output tokens at $2/M = $0.003.

  it('sends max_tokens as reserved, and does not send a call whose worst case does not fit', async () => {
    const seen: number[] = [];
    await clientWith({ content: 'ok', usage: { input: 250, output: 100 } }, new InProcessLedger(0.003), [], seen).complete(messages, {
      unit: 'u',
      operation: 'generate',
    });
    expect(seen).toEqual([1000]);
    const error = (await clientWith({ content: 'ok', usage: { input: 1, output: 1 } }, new InProcessLedger(0.0029), [], seen)
      .complete(messages, { unit: 'u', operation: 'generate' })
      .catch((e) => e)) as LlmError;
    expect(error.message).toBe(
      'budget of $0.0029 would be exceeded by u generate (gpt-x) (used or held $0.00, worst case of the call $0.003): raise --budget or lower the strength',
    );
    expect(seen).toEqual([1000]);
  });

  it('a provider that reports 40x the usage or a huge answer is charged at most the worst case, and no further call starts', async () => {
    for (const usage of [
      { input: 40 * 250, output: 100 },
      { input: 250, output: 3_000_000 },
    ]) {
      const ledger = new InProcessLedger(0.01);
      const lines: string[] = [];
      const client = clientWith({ content: 'ok', usage }, ledger, lines);
      const r = await client.complete(messages, { unit: 'u', operation: 'generate' });
      expect(r.costUsd).toBeLessThanOrEqual(0.003 + 1e-12);
      expect(ledger.spentUsd).toBeLessThanOrEqual(0.01);
      expect(lines[0]).toMatch(
        /beyond what this request can cost \(at most 1000 and 1000\): charged \$0\.\d+, claimed \$\d+\.\d+; no further call starts in this run$/,
      );
      await expect(client.complete(messages, { unit: 'u', operation: 'example' })).rejects.toThrow(
        'u example (gpt-x) not sent: a provider reported usage beyond what its request could cost',
      );
    }
  });
});
