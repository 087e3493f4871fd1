import { scriptedLlm } from '../../../../tools/testing/scripted-llm';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { resolveUnits } from '../units';
import { runOperation } from './run-operation';

it('a rejected answer leaves the response cache, so the retry asks the model again', async () => {
  const ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Add.\n' });
  try {
    const { llm, calls } = scriptedLlm(ws.path('.pdd/cache/llm'), ['I would rather explain it in words.', '```python\nx = 1\n```'], 'readwrite');
    const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
    await expect(runOperation('generate', unit, { workspaceRoot: ws.root, llm })).rejects.toThrow('the answer has no fenced code block');
    const r = await runOperation('generate', unit, { workspaceRoot: ws.root, llm });
    expect(calls).toHaveLength(2);
    expect(r.files[0].action).toBe('created');
    // A good answer stays cached: the same request again costs nothing.
    expect((await runOperation('generate', unit, { workspaceRoot: ws.root, llm })).cached).toBe(true);
    expect(calls).toHaveLength(2);
  } finally {
    ws.dispose();
  }
});
