import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { LlmClient, LlmClientOptions } from './client';
import { LlmError } from './errors';
import { InProcessLedger } from './ledger';
import { parseModelTable } from './model-table';
import { ResponseCache } from './response-cache';
import { FakeLlm as Fake, startFakeLlm } from '../../../../tools/fake-llm/fake-llm';
import { MODEL_TABLE_HEADER } from '../../../../tools/testing/fake-model';
const CODE = '```python\ndef add(a, b):\n    return a + b\n```';

describe.each([
  ['openai', 'OpenAI,gpt-test,1.0,2.0,1400,1400,static,{URL}/v1,OPENAI_API_KEY,0,True,none,,False,', 'OPENAI_API_KEY'],
  ['anthropic', 'Anthropic,claude-test,3.0,15.0,1500,1500,static,{URL},ANTHROPIC_API_KEY,0,True,none,,False,', 'ANTHROPIC_API_KEY'],
])('LlmClient with the %s provider against tools/fake-llm', (provider, row, keyVar) => {
  let fake: Fake;
  let ws: TempWorkspace;
  const SECRET = 'sk-test-0123456789abcdef';
  const sleeps: number[] = [];
  const header = MODEL_TABLE_HEADER;

  beforeAll(async () => {
    fake = await startFakeLlm({ scenario: { default: { content: CODE } } });
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    ws = new TempWorkspace();
    sleeps.length = 0;
    fake.requests.length = 0;
  });
  afterEach(() => ws.dispose());

  const client = (over: Partial<LlmClientOptions> = {}, rows = [row]) =>
    new LlmClient({
      table: { rows: parseModelTable([header, ...rows.map((r) => r.replace('{URL}', fake.url))].join('\n'), 'test.csv'), file: 'test.csv' },
      env: { [keyVar]: SECRET },
      cache: new ResponseCache(ws.path('cache'), 'readwrite'),
      ledger: new InProcessLedger(),
      strength: 0.5,
      temperature: 0,
      maxOutputTokens: 1000,
      timeoutMs: 2000,
      retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 60_000, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      ...over,
    });
  const ctx = { unit: 'calc_python', operation: 'generate' };
  const ask = (c: LlmClient, text = 'write calc') =>
    c.complete(
      [
        { role: 'system', content: 'You write code.' },
        { role: 'user', content: text },
      ],
      ctx,
    );

  it.each([false, true])('answers, reports usage and cost, and records the request (stream=%s)', async (stream) => {
    fake.setScenario({ rules: [{ match: 'write calc', responses: [{ content: CODE, usage: { input: 1000, output: 500 } }] }] });
    const r = await ask(client({ stream }));
    expect(r).toMatchObject({ content: CODE, usage: { input: 1000, output: 500 }, cached: false, attempts: 1, provider });
    expect(r.costUsd).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ api: provider, stream, model: provider === 'openai' ? 'gpt-test' : 'claude-test' });
    expect(fake.requests[0].text).toContain('You write code.');
  });

  it('answers a repeated request from the response cache for free', async () => {
    const c = client();
    const first = await ask(c);
    const second = await ask(client());
    expect(second).toMatchObject({ content: first.content, cached: true, costUsd: 0, key: first.key });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a 429, honouring Retry-After, then succeeds', async () => {
    fake.setScenario({ default: { content: CODE }, rules: [{ match: 'write calc', responses: [{ status: 429, retryAfter: 2 }, { content: CODE }] }] });
    const r = await ask(client());
    expect(r.attempts).toBe(2);
    expect(sleeps).toEqual([2000]);
    expect(fake.requests.map((q) => q.answeredWith)).toEqual(['status 429', 'content']);
  });

  it('retries 500s with backoff and gives up after the retry limit', async () => {
    fake.setScenario({ default: { status: 500 } });
    await expect(ask(client())).rejects.toMatchObject({ kind: 'server' });
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([5, 10]);
  });

  it('times out a hanging server and retries', async () => {
    fake.setScenario({ rules: [{ match: 'write calc', responses: [{ fault: 'hang' }, { content: CODE }] }] });
    const r = await ask(client({ timeoutMs: 300 }));
    expect(r.attempts).toBe(2);
    expect(fake.requests.map((q) => q.answeredWith)).toEqual(['hang', 'content']);
  });

  it('fails at once on a rejected key, without showing the key', async () => {
    fake.setScenario({ default: { content: CODE }, requireKey: 'the-right-key-123' });
    const error = (await ask(client()).catch((e) => e)) as LlmError;
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/^calc_python generate: .* authentication failed \(HTTP 401\)/);
    expect(error.message).not.toContain(SECRET);
    expect(fake.requests).toHaveLength(1);
  });

  it('reports an empty answer and a malformed body as bad answers', async () => {
    fake.setScenario({ default: { fault: 'empty' } });
    expect((await ask(client({ cache: new ResponseCache(ws.path('c2'), 'off') }))).content).toBe('');
    fake.setScenario({ default: { fault: 'malformed' } });
    await expect(ask(client({ cache: new ResponseCache(ws.path('c3'), 'off') }))).rejects.toMatchObject({ kind: 'bad-answer' });
  });

  it('falls back to the next model when one is unknown', async () => {
    const second = row.replace(/-test,/, '-second,').replace(/,1400,1400,|,1500,1500,/, ',1000,1000,');
    fake.setScenario({
      default: { content: CODE },
      rules: [{ match: { regex: '.' }, responses: [{ status: 404, message: 'model not found' }, { content: CODE }] }],
    });
    const logs: string[] = [];
    const r = await ask(client({ log: (l) => logs.push(l) }, [row, second]));
    expect(r.model).toMatch(/-second$/);
    expect(logs.join('\n')).toContain('not found');
    expect(fake.requests.map((q) => q.model)).toEqual([expect.stringMatching(/-test$/), expect.stringMatching(/-second$/)]);
  });

  it('replay answers from the cache only and names the unit on a miss', async () => {
    await ask(client());
    const replay = client({ env: {}, cache: new ResponseCache(ws.path('cache'), 'replay') });
    expect((await ask(replay)).cached).toBe(true);
    const miss = (await ask(replay, 'something else').catch((e) => e)) as LlmError;
    expect(miss.kind).toBe('replay-miss');
    expect(miss.message).toMatch(/^calc_python generate: no recorded answer .* \(key [0-9a-f]{64}/);
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a call the budget cannot cover, before making it', async () => {
    const error = (await ask(client({ ledger: new InProcessLedger(0.0001) })).catch((e) => e)) as LlmError;
    expect(error.kind).toBe('budget');
    expect(error.message).toContain('budget of $0.0001 would be exceeded by calc_python generate');
    expect(fake.requests).toHaveLength(0);
  });

  it('charges the ledger with the settled cost of each call', async () => {
    const ledger = new InProcessLedger(10);
    const r = await ask(client({ ledger }));
    expect(ledger.spentUsd).toBeCloseTo(r.costUsd);
    expect(ledger.calls).toBe(1);
  });
});
