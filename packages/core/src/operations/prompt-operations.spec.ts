import { existsSync, readFileSync } from 'node:fs';
import { scriptedLlm } from '../../../../tools/testing/scripted-llm';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { LlmClient } from '../llm/client';
import { ProviderCall } from '../llm/providers/provider';
import { resolveUnits } from '../units';
import { rankContextFiles } from './context-candidates';
import { autoDepsIncludes, runAutoDeps, runUpdate, withAutoDepsBlock } from './prompt-operations';

describe('update and auto-deps', () => {
  let ws: TempWorkspace;
  let answers: string[];
  let calls: ProviderCall[];
  let llm: LlmClient;
  const env = () => ({
    workspaceRoot: ws.root,
    llm,
  });
  const unit = () => resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
  const read = (p: string) => readFileSync(ws.path(p), 'utf8');
  const promptAnswer = (body: string) => `Here it is:\n\`\`\`prompt\n${body}\n\`\`\`\n`;

  beforeEach(() => {
    ws = new TempWorkspace().write({
      'prompts/calc_python.prompt': 'Write add(a, b).\n<include>context/style.md</include>\n',
      'context/style.md': 'Be terse.\n',
      'calc.py': 'def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n',
      '.pdd/generated/calc_python/calc.py': 'def add(a, b):\n    return a + b\n',
    });
    answers = [];
    ({ llm, calls } = scriptedLlm(ws.path('.pdd/cache/llm'), answers));
  });
  afterEach(() => ws.dispose());

  describe('update', () => {
    it('rewrites the prompt from the hand-edited code, keeps a backup, and makes the code the new base', async () => {
      answers.push(promptAnswer('Write add(a, b) and sub(a, b).\n<include>context/style.md</include>'));
      const r = await runUpdate(unit(), env());
      expect(r.files).toEqual([
        { kind: 'prompt', path: 'prompts/calc_python.prompt', pristine: '.pdd/generated/calc_python/calc_python.prompt.before-update', action: 'updated' },
      ]);
      expect(read('prompts/calc_python.prompt')).toBe('Write add(a, b) and sub(a, b).\n<include>context/style.md</include>\n');
      expect(read('.pdd/generated/calc_python/calc_python.prompt.before-update')).toBe('Write add(a, b).\n<include>context/style.md</include>\n');
      expect(read('.pdd/generated/calc_python/calc.py')).toBe(read('calc.py'));
      const user = calls[0].request.messages[1].content;
      // The raw prompt (tags as written, not expanded), the generated code and the edited code.
      expect(user).toContain('<include>context/style.md</include>');
      expect(user).not.toContain('Be terse.');
      expect(user).toContain('before the hand edits:\n\n```py\ndef add(a, b):\n    return a + b\n```');
      expect(user).toContain('def sub(a, b):');
    });

    it('writes nothing when the answer drops an include or has no prompt', async () => {
      answers.push(promptAnswer('Write add(a, b) and sub(a, b).'), 'I updated it for you.');
      await expect(runUpdate(unit(), env())).rejects.toThrow('calc_python update (gpt-x): the answer drops the include context/style.md; nothing was written');
      await expect(runUpdate(unit(), env())).rejects.toThrow('calc_python update (gpt-x): the answer has no fenced prompt block; nothing was written');
      expect(read('prompts/calc_python.prompt')).toBe('Write add(a, b).\n<include>context/style.md</include>\n');
      expect(existsSync(ws.path('.pdd/generated/calc_python/calc_python.prompt.before-update'))).toBe(false);
      expect(read('.pdd/generated/calc_python/calc.py')).toBe('def add(a, b):\n    return a + b\n');
    });

    it('needs the code', async () => {
      ws.dispose();
      ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Write add.\n' });
      await expect(runUpdate(unit(), env())).rejects.toThrow('calc_python: "update" needs the code file calc.py');
      expect(calls).toHaveLength(0);
    });
  });

  describe('auto-deps', () => {
    beforeEach(() => {
      ws.write({
        'prompts/calc_python.prompt': 'Write add(a, b) that logs through the audit logger.\n',
        'examples/logger_example.py': 'from logger import audit\naudit("added")\n',
        'examples/calc_example.py': 'from calc import add\n',
        'context/colours.md': 'Palette: red, green.\n',
        'context/audit_rules.md': 'Every audit entry names the operation.\n',
      });
    });

    it("offers the local matches (not the unit's own files) and records the choice in a block", async () => {
      answers.push('```text\nexamples/logger_example.py\n```');
      const r = await runAutoDeps(unit(), env());
      const user = calls[0].request.messages[1].content;
      expect(user).toContain('examples/logger_example.py:');
      expect(user).toContain('context/audit_rules.md:');
      expect(user).not.toContain('colours.md');
      expect(user).not.toContain('examples/calc_example.py:');
      expect(r.files[0].action).toBe('updated');
      const prompt = read('prompts/calc_python.prompt');
      expect(autoDepsIncludes(prompt)).toEqual(['examples/logger_example.py']);
      expect(prompt).toMatch(
        /^Write add\(a, b\) that logs through the audit logger\.\n\n<pdd>nx-pdd auto-deps: .*<\/pdd>\n<include>examples\/logger_example.py<\/include>\n<pdd>\/nx-pdd auto-deps<\/pdd>\n$/,
      );
      // A second run replaces the block instead of adding another one.
      answers.push('```text\ncontext/audit_rules.md\nexamples/logger_example.py\n```');
      await runAutoDeps(unit(), env());
      expect(autoDepsIncludes(read('prompts/calc_python.prompt')).sort()).toEqual(['context/audit_rules.md', 'examples/logger_example.py']);
      expect(read('prompts/calc_python.prompt').match(/nx-pdd auto-deps:/g)).toHaveLength(1);
      // The files already in the block are offered again (the model may keep or drop them).
      expect(calls[1].request.messages[1].content).toContain('examples/logger_example.py:');
    });

    it('writes nothing for an answer that names a file it was not offered', async () => {
      answers.push('```text\n/etc/passwd\n```');
      await expect(runAutoDeps(unit(), env())).rejects.toThrow('names files that were not offered (/etc/passwd)');
      expect(read('prompts/calc_python.prompt')).toBe('Write add(a, b) that logs through the audit logger.\n');
    });

    it('makes no call when nothing matches', async () => {
      ws.write({ 'prompts/calc_python.prompt': 'Zebra quantum.\n' });
      const r = await runAutoDeps(unit(), env());
      expect(calls).toHaveLength(0);
      expect(r.model).toBeNull();
      expect(r.notes[0]).toBe('no file in examples, context matches the prompt; no LLM call');
    });
  });

  it('withAutoDepsBlock removes an emptied block and leaves other text alone', () => {
    const withBlock = withAutoDepsBlock('Intro.\n', 'calc', ['a.md']);
    expect(withAutoDepsBlock(withBlock, 'calc', [])).toBe('Intro.\n');
    expect(withAutoDepsBlock('Intro.\n', 'calc', [])).toBe('Intro.\n');
  });

  it('ranks rarer shared words higher, path words three times, ties by path', () => {
    const files = [
      { path: 'context/b.md', text: 'parser parser' },
      { path: 'context/a.md', text: 'parser' },
      { path: 'context/tokenizer.md', text: 'nothing else' },
      { path: 'context/zzz.md', text: 'unrelated' },
    ];
    expect(rankContextFiles('Build the tokenizer and the parser.', files).map((c) => c.path)).toEqual(['context/tokenizer.md', 'context/b.md', 'context/a.md']);
  });
});
