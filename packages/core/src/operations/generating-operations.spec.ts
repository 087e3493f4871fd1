import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { scriptedLlm } from '../../../../tools/testing/scripted-llm';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { LlmClient } from '../llm/client';
import { ProviderCall } from '../llm/providers/provider';
import { resolveUnits } from '../units';
import { OPERATIONS } from './catalogue';

describe('generating operations', () => {
  let ws: TempWorkspace;
  let answers: string[];
  let calls: ProviderCall[];
  let llm: LlmClient;
  const env = () => ({
    workspaceRoot: ws.root,
    llm,
  });
  const unit = (file = 'prompts/calc_python.prompt') => resolveUnits([file], { workspaceRoot: ws.root }).units[0];
  const read = (p: string) => readFileSync(ws.path(p), 'utf8');
  const code = (body: string) => `Here you go:\n\`\`\`python\n${body}\n\`\`\`\n`;

  beforeEach(() => {
    ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Add numbers.\n<include>context/style.md</include>\n', 'context/style.md': 'Be terse.' });
    answers = [];
    ({ llm, calls } = scriptedLlm(ws.path('.pdd/cache/llm'), answers));
  });
  afterEach(() => ws.dispose());

  it('generate writes the code and its pristine copy, from the expanded prompt', async () => {
    answers.push(code('def add(a, b):\n    return a + b'));
    const r = await OPERATIONS['generate'].run(unit(), env());
    expect(r.files[0]).toEqual({ kind: 'code', path: 'calc.py', pristine: '.pdd/generated/calc_python/calc.py', action: 'created' });
    expect(read('calc.py')).toBe('def add(a, b):\n    return a + b\n');
    expect(read('.pdd/generated/calc_python/calc.py')).toBe(read('calc.py'));
    const user = calls[0].request.messages[1].content;
    expect(user).toContain('Write the module "calc" (calc.py)');
    expect(user).toContain('Add numbers.\nBe terse.');
    expect(calls[0].request.messages[0].content).toContain('exactly one fenced code block tagged py');
  });

  it('updates an untouched working file, merges the new generation into a hand-edited one', async () => {
    answers.push(code('v1 = 1'), code('v2 = 2'), code('v3 = 3'));
    await OPERATIONS['generate'].run(unit(), env());
    expect((await OPERATIONS['generate'].run(unit(), env())).files[0].action).toBe('updated');
    expect(read('calc.py')).toBe('v2 = 2\n');
    writeFileSync(ws.path('calc.py'), 'v2 = 2\n# my edit\n');
    const r = await OPERATIONS['generate'].run(unit(), env());
    expect(r.files[0].action).toBe('merged');
    expect(read('calc.py')).toBe('v3 = 3\n# my edit\n');
    expect(read('.pdd/generated/calc_python/calc.py')).toBe('v3 = 3\n');
  });

  it('says unchanged when the working file already holds the answer', async () => {
    answers.push(code('x = 1'), code('x = 1'));
    await OPERATIONS['generate'].run(unit(), env());
    expect((await OPERATIONS['generate'].run(unit(), env())).files[0].action).toBe('unchanged');
  });

  it('example needs the code, and shows it to the model', async () => {
    await expect(OPERATIONS['example'].run(unit(), env())).rejects.toThrow('calc_python: "example" needs the code file calc.py; run generate first');
    expect(calls).toHaveLength(0);
    writeFileSync(ws.path('calc.py'), 'def add(a, b):\n    return a + b\n');
    answers.push(code('from calc import add\nprint(add(1, 2))'));
    const r = await OPERATIONS['example'].run(unit(), env());
    expect(r.files[0].path).toBe('examples/calc_example.py');
    expect(calls[0].request.messages[1].content).toContain('```py\ndef add(a, b):\n    return a + b\n```');
  });

  it('generate-tests shows the example and the existing tests, asking to keep them', async () => {
    ws.write({
      'calc.py': 'def add(a, b): return a + b\n',
      'examples/calc_example.py': 'print(1)\n',
      'tests/test_calc.py': 'def test_mine():\n    assert True\n',
    });
    answers.push(code('def test_mine():\n    assert True\n\ndef test_add():\n    assert add(1, 2) == 3'));
    const r = await OPERATIONS['generate-tests'].run(unit(), env());
    const user = calls[0].request.messages[1].content;
    expect(user).toContain('Its usage example (examples/calc_example.py)');
    expect(user).toContain('Existing tests (tests/test_calc.py): keep every one of them');
    expect(calls[0].request.messages[0].content).toContain('for the test runner pytest');
    // The hand-written tests were shown, and the answer keeps every line of them: it lands.
    expect(r.files[0].action).toBe('extended');
    expect(read('tests/test_calc.py')).toBe('def test_mine():\n    assert True\n\ndef test_add():\n    assert add(1, 2) == 3\n');
  });

  it('merges hand-written tests with an answer that dropped them: both are kept', async () => {
    ws.write({ 'calc.py': 'def add(a, b): return a + b\n', 'tests/test_calc.py': 'def test_mine():\n    assert add(2, 2) == 4\n' });
    answers.push(code('def test_add():\n    assert add(1, 2) == 3'));
    const r = await OPERATIONS['generate-tests'].run(unit(), env());
    expect(r.files[0].action).toBe('merged');
    expect(read('tests/test_calc.py')).toBe('def test_mine():\n    assert add(2, 2) == 4\ndef test_add():\n    assert add(1, 2) == 3\n');
    expect(read('.pdd/generated/calc_python/test_calc.py')).toContain('def test_add');
  });

  it('regenerates its own untouched tests with the same request (no "existing tests" section)', async () => {
    ws.write({ 'calc.py': 'def add(a, b): return a + b\n' });
    answers.push(code('def test_add():\n    assert add(1, 2) == 3'), code('def test_add():\n    assert add(1, 2) == 3'));
    await OPERATIONS['generate-tests'].run(unit(), env());
    const r = await OPERATIONS['generate-tests'].run(unit(), env());
    expect(r.files[0].action).toBe('unchanged');
    expect(calls[1].request.messages).toEqual(calls[0].request.messages);
    expect(calls[1].request.messages[1].content).not.toContain('Existing tests');
  });

  it('writes nothing for a bad answer or a broken prompt', async () => {
    answers.push('Sorry, I cannot do that.');
    await expect(OPERATIONS['generate'].run(unit(), env())).rejects.toThrow('calc_python generate (gpt-x): the answer has no fenced code block');
    expect(existsSync(ws.path('calc.py'))).toBe(false);
    expect(existsSync(ws.path('.pdd/generated'))).toBe(false);
    ws.write({ 'prompts/broken_python.prompt': '<include>gone.md</include>' });
    await expect(OPERATIONS['generate'].run(unit('prompts/broken_python.prompt'), env())).rejects.toThrow(
      /prompts\/broken_python.prompt cannot be used:\n {2}prompts\/broken_python.prompt:1: include "gone.md" not found/,
    );
    expect(calls).toHaveLength(1);
  });

  it('writes nothing from code of another language or code that does not parse', async () => {
    answers.push('```javascript\nmodule.exports = (a, b) => a + b;\n```', code('def add(a, b)\n    return a +'));
    await expect(OPERATIONS['generate'].run(unit(), env())).rejects.toThrow("the answer's code is javascript, not Python");
    await expect(OPERATIONS['generate'].run(unit(), env())).rejects.toThrow(
      "calc_python generate (gpt-x): the answer's code does not parse as Python; nothing was written",
    );
    expect(existsSync(ws.path('calc.py'))).toBe(false);
    expect(existsSync(ws.path('.pdd/generated'))).toBe(false);
  });

  it('refuses operations a code-only language does not have', async () => {
    ws.write({ 'prompts/settings_json.prompt': 'Settings.' });
    await expect(OPERATIONS['example'].run(unit('prompts/settings_json.prompt'), env())).rejects.toThrow('JSON units have no example file');
  });
});
