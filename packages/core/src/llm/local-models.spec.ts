import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeLlm, startFakeLlm } from '../../../../tools/fake-llm/fake-llm';
import { MODEL_TABLE_HEADER as HEADER } from '../../../../tools/testing/fake-model';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { LlmClient } from './client';
import { InProcessLedger } from './ledger';
import { chooseModels, isUsable } from './model-choice';
import { parseModelTable } from './model-table';
import { ResponseCache } from './response-cache';

const OPENAI_ROW = 'OpenAI,gpt-5-mini,0.25,2.0,1350,1350,static,,OPENAI_API_KEY,0,True,effort,,False,400000';
const table = (...rows: string[]) => ({ rows: parseModelTable([HEADER, ...rows].join('\n'), 'test.csv'), file: 'test.csv' });

/** The csv block of docs/llm-layer.md's "Local models and common servers". */
function documentedRows(): string[] {
  const doc = readFileSync(join(__dirname, '../../../../docs/llm-layer.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Local models and common servers'));
  const block = /```csv\n([\s\S]*?)```/.exec(section)![1].trim().split('\n');
  expect(block[0]).toBe(HEADER);
  return block.slice(1);
}

describe('local models: OPENAI_BASE_URL with no key', () => {
  it('makes an OpenAI-compatible row without its own base_url usable without a key, and only that', () => {
    const t = table(OPENAI_ROW, 'Anthropic,claude,3,15,1400,1400,static,,ANTHROPIC_API_KEY,0,True,none,,False,');
    expect(t.rows.map((r) => isUsable(r, {}))).toEqual([false, false]);
    expect(t.rows.map((r) => isUsable(r, { OPENAI_BASE_URL: 'http://localhost:11434/v1' }))).toEqual([true, false]);
  });

  it("takes --model naming a model the table lacks as a local server's own, priced 0; a remote server needs a row", () => {
    const t = table(OPENAI_ROW);
    expect(chooseModels(t, { strength: 0.5, baseModel: 'llama3.2', env: { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' } })).toEqual([
      expect.objectContaining({ model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1', apiKeyVars: [], inputPrice: 0, outputPrice: 0 }),
    ]);
    expect(() => chooseModels(t, { strength: 0.5, baseModel: 'llama3.2', env: { OPENAI_BASE_URL: 'https://gateway.example.com/v1' } })).toThrow(
      /model "llama3.2" is not in test.csv .* when OPENAI_BASE_URL points at this machine/,
    );
  });
});

describe('requests through each documented row reach the server (tools/fake-llm)', () => {
  let fake: FakeLlm;
  let ws: TempWorkspace;
  beforeAll(async () => {
    fake = await startFakeLlm({ scenario: { default: { content: '```python\nx = 1\n```' } } });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    ws = new TempWorkspace();
    fake.requests.length = 0;
  });
  afterEach(() => ws.dispose());

  const client = (rowText: string, env: NodeJS.ProcessEnv, model?: string) =>
    new LlmClient({
      table: table(rowText),
      env,
      cache: new ResponseCache(ws.path('cache'), 'off'),
      ledger: new InProcessLedger(),
      strength: 0.5,
      temperature: 0,
      maxOutputTokens: 1000,
      timeoutMs: 10_000,
      model,
    });
  const ask = (c: LlmClient) => c.complete([{ role: 'user', content: 'write x' }], { unit: 'x_python', operation: 'generate' });

  it.each(documentedRows().map((row) => [row.split(',')[0], row]))('%s', async (_provider, row) => {
    const cells = row.split(',');
    const [provider, model, , , , , , baseUrl, keyVar] = cells;
    const origin = new URL(fake.url).origin;
    // The row as documented, with the host moved to the fake server (the path kept); a row
    // without base_url goes where its provider's variable says.
    const moved = baseUrl ? cells.map((c, i) => (i === 7 ? c.replace(new URL(baseUrl).origin, origin) : c)).join(',') : row;
    const env: NodeJS.ProcessEnv = { ...(keyVar ? { [keyVar]: 'test-key' } : {}), OPENAI_BASE_URL: `${origin}/v1`, ANTHROPIC_BASE_URL: origin };
    if (baseUrl) delete env.OPENAI_BASE_URL;
    const r = await ask(client(moved, env));
    expect(r.content).toContain('x = 1');
    const [request] = fake.requests;
    expect(request).toMatchObject({ model, api: provider === 'Anthropic' ? 'anthropic' : 'openai' });
    expect(request.path).toBe(provider === 'Anthropic' ? '/v1/messages' : `${baseUrl ? new URL(baseUrl).pathname : '/v1'}/chat/completions`);
  });

  it('a local server with no key and no row: OPENAI_BASE_URL and --model', async () => {
    const r = await ask(client(OPENAI_ROW, { OPENAI_BASE_URL: `${fake.url}/v1` }, 'qwen2.5-coder'));
    expect(r).toMatchObject({ model: 'qwen2.5-coder', costUsd: 0 });
    expect(fake.requests[0]).toMatchObject({ model: 'qwen2.5-coder', path: '/v1/chat/completions' });
  });
});
