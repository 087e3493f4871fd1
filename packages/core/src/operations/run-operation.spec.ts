import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { LlmClient } from '../llm/client';
import { InProcessLedger } from '../llm/ledger';
import { parseModelTable } from '../llm/model-table';
import { LlmProvider } from '../llm/providers/provider';
import { ResponseCache } from '../llm/response-cache';
import { resolveUnits } from '../units';
import { runOperation } from './run-operation';

it('a rejected answer leaves the response cache, so the retry asks the model again', async () => {
  const ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Add.\n' });
  try {
    const answers = ['I would rather explain it in words.', '```python\nx = 1\n```'];
    let calls = 0;
    const provider: LlmProvider = { id: 'openai', complete: async () => ({ content: answers[calls++] ?? '', usage: { input: 1, output: 1 } }) };
    const table = { rows: parseModelTable('provider,model,input,output,api_key\nOpenAI,gpt-x,1,2,OPENAI_API_KEY\n', 't.csv'), file: 't.csv' };
    const llm = new LlmClient({ table, env: { OPENAI_API_KEY: 'k' }, cache: new ResponseCache(ws.path('.pdd/cache/llm'), 'readwrite'), ledger: new InProcessLedger(), strength: 0.5, temperature: 0, providers: { openai: provider } });
    const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
    await expect(runOperation('generate', unit, { workspaceRoot: ws.root, llm })).rejects.toThrow('the answer has no fenced code block');
    const r = await runOperation('generate', unit, { workspaceRoot: ws.root, llm });
    expect(calls).toBe(2);
    expect(r.files[0].action).toBe('created');
    // A good answer stays cached: the same request again costs nothing.
    expect((await runOperation('generate', unit, { workspaceRoot: ws.root, llm })).cached).toBe(true);
    expect(calls).toBe(2);
  } finally {
    ws.dispose();
  }
});
