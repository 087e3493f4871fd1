import { scriptedLlm } from '../../../../tools/testing/scripted-llm';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { resolveUnits } from '../units';
import { LlmError } from '../llm/errors';
import { MAX_FOLLOW_UPS, runOperation } from './run-operation';

it('a rejected answer is asked again with the reason, never as the identical request, and its cost counts', async () => {
  const ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Add.\n' });
  try {
    const { llm, calls } = scriptedLlm(ws.path('.pdd/cache/llm'), ['I would rather explain it in words.', '```python\nx = 1\n```'], 'readwrite');
    const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
    const r = await runOperation('generate', unit, { workspaceRoot: ws.root, llm });
    expect(calls).toHaveLength(2);
    expect(r.files[0].action).toBe('created');
    const [first, second] = calls.map((c) => c.request.messages);
    expect(second.slice(0, first.length)).toEqual(first);
    expect(second.slice(first.length)).toEqual([
      { role: 'assistant', content: 'I would rather explain it in words.' },
      {
        role: 'user',
        content: expect.stringMatching(
          /^Your answer was rejected: .*the answer has no fenced code block .*\. Answer again, in full, in exactly the form the instructions above ask for/,
        ),
      },
    ]);
    expect(r.notes).toEqual([expect.stringMatching(/^1 rejected answer asked again with the reason \(\$[\d.]+ of this step's cost\)$/)]);
    // The whole exchange stays cached: the same operation again replays it and costs nothing.
    expect((await runOperation('generate', unit, { workspaceRoot: ws.root, llm })).cached).toBe(true);
    expect(calls).toHaveLength(2);
  } finally {
    ws.dispose();
  }
});

it('answers rejected after every follow-up: the error says so and carries what they cost', async () => {
  const ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Add.\n' });
  try {
    const { llm, calls } = scriptedLlm(ws.path('.pdd/cache/llm'), ['words', 'more words', 'still words'], 'readwrite');
    const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
    const error = (await runOperation('generate', unit, { workspaceRoot: ws.root, llm }).catch((e) => e)) as LlmError;
    expect(error.message).toMatch(/the answer has no fenced code block .*; nothing was written \(after 2 follow-ups stating the reason\)$/);
    expect(calls).toHaveLength(1 + MAX_FOLLOW_UPS);
    expect(new Set(calls.map((c) => JSON.stringify(c.request.messages))).size).toBe(3);
    expect(error.paidUsd).toBeGreaterThan(0);
  } finally {
    ws.dispose();
  }
});
