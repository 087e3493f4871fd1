import { execSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { E2EWorkspace } from './support/e2e-workspace';
import { fakeModelTable, py } from './support/fake-model';

describe('LLM operations through real nx and tools/fake-llm', () => {
  // The server runs in its own process: ws.nx() blocks this one (spawnSync) while nx calls it.
  let fake: FakeLlmProcess;
  let ws: E2EWorkspace;
  const calls = async () => (await fake.requests()).length;
  const read = (p: string) => readFileSync(ws.path(p), 'utf8');

  beforeAll(async () => {
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: 'e2e-key-123456',
        rules: [
          { match: 'Write the updated prompts/calc_python.prompt', responses: [{ content: '```prompt\nWrite add(a, b); it is reviewed by hand.\n```' }] },
          { match: 'Which of these should the prompt include?', responses: [{ content: '```text\ncontext/arithmetic_rules.md\n```' }] },
          { match: 'usage example of this module', responses: [{ content: py('from calc import add\nprint(add(2, 3))') }] },
          { match: 'Write tests/test_calc.py', responses: [{ content: py('from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
          { match: 'VERSION ONE', responses: [{ content: 'Sure!\n' + py('def add(a, b):\n    return a + b  # v1') }] },
          { match: 'VERSION TWO', responses: [{ content: py('def add(a, b):\n    return a + b  # v2') }] },
          { match: 'VERSION THREE', responses: [{ content: py('def add(a, b):\n    return a + b  # v3') }] },
        ],
      },
    });
    ws = new E2EWorkspace({
      '.gitignore': 'node_modules\n.nx\n.pdd/cache/\n',
      'prompts/calc_python.prompt': 'VERSION ONE: write add(a, b).\n',
      '.pdd/llm_model.csv': fakeModelTable(fake.url),
    });
    ws.env = { OPENAI_API_KEY: 'e2e-key-123456' };
  });
  afterAll(async () => {
    ws?.dispose();
    await fake?.close();
  });

  it('nx run calc:generate writes the code from one request', async () => {
    const out = ws.nxOk('run', 'calc:generate');
    expect(out).toContain('nx-pdd: calc_python generate: calc.py created (gpt-fake, $');
    expect(read('calc.py')).toBe('def add(a, b):\n    return a + b  # v1\n');
    expect(read('.pdd/generated/calc_python/calc.py')).toBe(read('calc.py'));
    expect(await calls()).toBe(1);
    expect((await fake.requests())[0]).toMatchObject({ api: 'openai', model: 'gpt-fake' });
  });

  it('a second run asks nothing; from the third on it is an Nx cache hit', async () => {
    // calc.py is an output AND an input (rule edits-kept), so the run that created it changed its
    // own input hash: the next run is a miss, answered by the response cache for $0, and
    // leaves the files as they are; from then on the hash is stable and Nx serves the task.
    expect(ws.nxOk('run', 'calc:generate')).toContain('calc.py unchanged (response cache, $0)');
    expect(ws.nxOk('run', 'calc:generate')).toMatch(/existing outputs match the cache|local cache|read the output from the cache/);
    expect(await calls()).toBe(1);
  });

  it('with the Nx cache cleared, the response cache still answers for free', async () => {
    ws.nxOk('reset');
    expect(ws.nxOk('run', 'calc:generate')).toContain('calc.py unchanged (response cache, $0)');
    expect(await calls()).toBe(1);
  });

  it('editing the prompt costs exactly one request per operation', async () => {
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'VERSION TWO: write add(a, b).\n');
    expect(ws.nxOk('run', 'calc:generate')).toContain('calc.py updated');
    expect(await calls()).toBe(2);
    expect(read('calc.py')).toContain('# v2');
    ws.nxOk('run', 'calc:example');
    expect(await calls()).toBe(3);
    expect(read('examples/calc_example.py')).toBe('from calc import add\nprint(add(2, 3))\n');
    ws.nxOk('run', 'calc:generate-tests');
    expect(await calls()).toBe(4);
    expect(read('tests/test_calc.py')).toContain('def test_add():');
    expect((await fake.requests())[3].text).toContain('Its usage example (examples/calc_example.py)');
    ws.nxOk('run', 'calc:generate-tests');
    expect(await calls()).toBe(4);
  });

  it('merges the new generation into a hand-edited file; a collision is a conflict that overwrites nothing', async () => {
    writeFileSync(ws.path('calc.py'), 'def add(a, b):\n    return a + b  # v2\n\n\ndef twice(x):\n    return add(x, x)  # reviewed by hand\n');
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'VERSION THREE: write add(a, b).\n');
    const r = ws.nx('run', 'calc:generate');
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain(
      'calc.py: your edits merged with the new generation (by declarations); the generation alone is in .pdd/generated/calc_python/calc.py',
    );
    expect(read('calc.py')).toBe('def add(a, b):\n    return a + b  # v3\n\n\ndef twice(x):\n    return add(x, x)  # reviewed by hand\n');
    expect(read('.pdd/generated/calc_python/calc.py')).toBe('def add(a, b):\n    return a + b  # v3\n');
    expect(await calls()).toBe(5);
    // The same line edited by hand and by the generation: the target fails, nothing is overwritten.
    const mine = read('calc.py').replace('# v3', '# v3, checked');
    writeFileSync(ws.path('calc.py'), mine);
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'VERSION TWO: write add(a, b).\n');
    const c = ws.nx('run', 'calc:generate');
    expect(c.code).toBe(1);
    expect(c.stdout + c.stderr).toContain('calc.py: your edits and the new generation conflict (1 place: function_definition:add)');
    expect(read('calc.py')).toBe(mine);
    expect(read('.pdd/conflicts/calc_python/calc.py')).toContain('<<<<<<< ours (calc.py)');
    writeFileSync(ws.path('calc.py'), read('calc.py').replace('# v3, checked', '# v3'));
    rmSync(ws.path('.pdd/conflicts'), { recursive: true });
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'VERSION THREE: write add(a, b).\n');
  });

  it('without a key: a clear error that says how to configure a model; replay still works', async () => {
    ws.env = { OPENAI_API_KEY: undefined };
    const r = ws.nx('run', 'calc:generate', '--skip-nx-cache', '--llmCache=off');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/no usable LLM model: none of OPENAI_API_KEY is set[\s\S]*--llm-cache=replay/);
    const replay = ws.nx('run', 'calc:generate', '--skip-nx-cache', '--llmCache=replay');
    expect(replay.code).toBe(0);
    expect(replay.stdout + replay.stderr).toContain('(response cache, $0)');
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'VERSION FOUR: never recorded.\n');
    const miss = ws.nx('run', 'calc:generate', '--llmCache=replay');
    expect(miss.code).toBe(1);
    expect(miss.stdout + miss.stderr).toMatch(/calc_python generate: no recorded answer in .* \(key [0-9a-f]{64}, model gpt-fake\)/);
    expect(await calls()).toBe(5);
  });

  it('never writes the API key into the response cache', async () => {
    expect(execSync(`grep -rl e2e-key-123456 .pdd || true`, { cwd: ws.root, encoding: 'utf8' }).trim()).toBe('');
  });

  it('update rewrites the prompt from the hand-edited code, and the code becomes its base', async () => {
    ws.env = { OPENAI_API_KEY: 'e2e-key-123456' };
    const before = await calls();
    const out = ws.nxOk('run', 'calc:update');
    expect(out).toContain(
      'nx-pdd: calc_python update: prompts/calc_python.prompt updated (the previous version is in .pdd/generated/calc_python/calc_python.prompt.before-update)',
    );
    expect(read('prompts/calc_python.prompt')).toBe('Write add(a, b); it is reviewed by hand.\n');
    expect(read('.pdd/generated/calc_python/calc_python.prompt.before-update')).toBe('VERSION FOUR: never recorded.\n');
    expect(read('.pdd/generated/calc_python/calc.py')).toBe(read('calc.py'));
    expect(await calls()).toBe(before + 1);
    expect((await fake.requests())[before].text).toContain('reviewed by hand');
  });

  it('auto-deps offers the matching context files and records the choice as includes', async () => {
    ws.write({ 'context/arithmetic_rules.md': 'Rules for add: integers only, reviewed.\n', 'context/colours.md': 'Palette: teal.\n' });
    const before = await calls();
    const out = ws.nxOk('run', 'calc:auto-deps');
    expect(out).toContain('nx-pdd: calc_python auto-deps: includes context/arithmetic_rules.md');
    expect(read('prompts/calc_python.prompt')).toContain('<include>context/arithmetic_rules.md</include>');
    const asked = (await fake.requests())[before].text;
    expect(asked).toContain('context/arithmetic_rules.md:');
    expect(asked).not.toContain('colours.md');
    // The new include is in the graph's inputs at once: calc's project now lists it.
    const project = ws.nxJson<any>('show', 'project', 'calc', '--json');
    expect(project.namedInputs['pdd-prompt']).toContain('{workspaceRoot}/context/arithmetic_rules.md');
  });
});
