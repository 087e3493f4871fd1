import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { logger, type CreateDependenciesContext, type CreateNodesContextV2, type FileData, type ProjectConfiguration } from '@nx/devkit';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { FileGroupHasher, HashMemo, HashMemoEntry } from '../utils/file-group-hasher';
import { createDependencies, createNodesV2 } from './plugin';
import { NxPddPluginOptions } from './options';

const [glob, createNodesFn] = createNodesV2;

describe('nx-pdd plugin', () => {
  let ws: TempWorkspace;
  let context: CreateNodesContextV2;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    ws = new TempWorkspace();
    context = { nxJsonConfiguration: {}, workspaceRoot: ws.root };
  });
  afterEach(() => {
    warn.mockRestore();
    ws.dispose();
  });

  const prompts = () => {
    const out: string[] = [];
    const walk = (rel: string) => {
      for (const e of readdirSync(join(ws.root, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory() && !['.nx', 'node_modules'].includes(e.name)) walk(p);
        else if (e.name.endsWith('.prompt')) out.push(p);
      }
    };
    walk('');
    return out.sort();
  };
  /** The inference cache (`nx-pdd-<optionsHash>.json`), parsed, and a way to write it back. */
  const inferenceCache = () => {
    const dir = join(ws.root, '.nx/workspace-data');
    const file = join(
      dir,
      readdirSync(dir).find((f) => /^nx-pdd-[0-9a-f]+\.json$/.test(f))!,
    );
    const cache = JSON.parse(readFileSync(file, 'utf8'));
    // A planted entry keeps its key, so the configurations built from the real one would be
    // reused (projects-cache): saving drops them, and the next run builds from the plant.
    const dropProjects = () =>
      readdirSync(dir)
        .filter((f) => f.startsWith('nx-pdd-projects-'))
        .forEach((f) => rmSync(join(dir, f)));
    return {
      cache,
      save: () => {
        writeFileSync(file, JSON.stringify(cache));
        dropProjects();
      },
    };
  };
  const projects = async (options?: NxPddPluginOptions) => {
    const results = await createNodesFn(prompts(), options, context);
    return Object.fromEntries(results.flatMap(([, r]) => Object.values(r.projects ?? {})).map((p) => [p.name!, p as ProjectConfiguration]));
  };

  it('globs prompt files', () => {
    expect(glob).toBe('**/*.prompt');
  });

  it('infers one project per unit with explicit inputs and outputs', async () => {
    ws.write({
      'prompts/calc_python.prompt': 'Calc.\n<include>examples/fmt_example.py</include>\n<include path="context/style.md" optional/>\n',
      'prompts/fmt_python.prompt': 'Fmt.',
      'prompts/ui/card_typescriptreact.prompt': 'Card.',
      'prompts/template_LLM.prompt': 'not a unit',
      'examples/fmt_example.py': 'import fmt',
    });
    const p = await projects();
    expect(Object.keys(p).sort()).toEqual(['calc', 'fmt', 'ui-card']);
    expect(p.calc).toMatchInlineSnapshot(`
     {
       "metadata": {
         "description": "PDD prompt unit calc_python: prompts/calc_python.prompt -> calc.py, examples/calc_example.py, tests/test_calc.py",
         "pdd": {
           "code": "calc.py",
           "example": "examples/calc_example.py",
           "includes": [
             "examples/fmt_example.py",
           ],
           "language": "python",
           "prompt": "prompts/calc_python.prompt",
           "test": "tests/test_calc.py",
           "unit": "calc_python",
           "watch": [
             "context/style.md",
             "prompts/context/style.md",
           ],
         },
         "technologies": [
           "pdd",
         ],
       },
       "name": "calc",
       "namedInputs": {
         "pdd-llm-config": [
           "{workspaceRoot}/.pdd/llm_model.csv",
           {
             "env": "PDD_MODEL_DEFAULT",
           },
           {
             "env": "PDD_STRENGTH_DEFAULT",
           },
           {
             "env": "OPENAI_BASE_URL",
           },
           {
             "env": "ANTHROPIC_BASE_URL",
           },
         ],
         "pdd-prompt": [
           "{workspaceRoot}/prompts/calc_python.prompt",
           "{workspaceRoot}/examples/fmt_example.py",
           "{workspaceRoot}/context/style.md",
           "{workspaceRoot}/prompts/context/style.md",
         ],
         "pdd-unit-files": [
           "{workspaceRoot}/calc.py",
           "{workspaceRoot}/examples/calc_example.py",
           "{workspaceRoot}/.pdd/meta/calc_python_run.json",
           "{workspaceRoot}/.pdd/meta/calc_python.json",
           "{workspaceRoot}/tests/test_calc*.py",
           "{workspaceRoot}/.pdd/generated/calc_python/**",
         ],
       },
       "projectType": "library",
       "root": "prompts/calc_python",
       "tags": [
         "pdd",
         "lang:python",
       ],
       "targets": {
         "auto-deps": {
           "cache": false,
           "executor": "nx-pdd:auto-deps",
           "inputs": [
             "pdd-prompt",
             "pdd-llm-config",
             "{workspaceRoot}/prompts/calc_python.prompt",
           ],
           "metadata": {
             "description": "Choose the files of examples, context that prompts/calc_python.prompt should include (local ranking, one LLM call)",
             "help": {
               "command": "npx nx run calc:auto-deps --help",
               "example": {
                 "options": {
                   "budget": 1,
                   "strength": 0.5,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "contextDirs": [
               "examples",
               "context",
             ],
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "strength": 1,
             "temperature": 0,
             "template": "2e79d50f0052fe00",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/prompts/calc_python.prompt",
           ],
         },
         "crash": {
           "cache": true,
           "dependsOn": [
             "example",
           ],
           "executor": "nx-pdd:crash",
           "inputs": [
             "pdd-prompt",
             "pdd-llm-config",
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
             "{workspaceRoot}/examples/calc_example.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc_example.py",
             {
               "dependentTasksOutputFiles": "**/*",
               "transitive": true,
             },
           ],
           "metadata": {
             "description": "Run examples/calc_example.py; when it fails, fix the code or the example with the LLM",
             "help": {
               "command": "npx nx run calc:crash --help",
               "example": {
                 "options": {
                   "budget": 1,
                   "strength": 0.5,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "runTimeout": 120,
             "strength": 1,
             "temperature": 0,
             "template": "99cbd8a3cb782436",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
             "{workspaceRoot}/examples/calc_example.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc_example.py",
           ],
         },
         "example": {
           "cache": true,
           "dependsOn": [
             "generate",
           ],
           "executor": "nx-pdd:example",
           "inputs": [
             "pdd-prompt",
             "pdd-llm-config",
             "{workspaceRoot}/examples/calc_example.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc_example.py",
             {
               "dependentTasksOutputFiles": "**/*",
               "transitive": true,
             },
           ],
           "metadata": {
             "description": "Write the usage example examples/calc_example.py with the LLM",
             "help": {
               "command": "npx nx run calc:example --help",
               "example": {
                 "options": {
                   "budget": 1,
                   "strength": 0.5,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "strength": 1,
             "temperature": 0,
             "template": "145a425763fc14a4",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/examples/calc_example.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc_example.py",
           ],
         },
         "fix": {
           "cache": true,
           "dependsOn": [
             "generate-tests",
           ],
           "executor": "nx-pdd:fix",
           "inputs": [
             "pdd-prompt",
             "pdd-llm-config",
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
             "{workspaceRoot}/tests/test_calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/test_calc.py",
             "{workspaceRoot}/.pdd/meta/calc_python_run.json",
             "{workspaceRoot}/tests/test_calc*.py",
             {
               "dependentTasksOutputFiles": "**/*",
               "transitive": true,
             },
           ],
           "metadata": {
             "description": "Fix failing tests of calc.py with the LLM and run them again",
             "help": {
               "command": "npx nx run calc:fix --help",
               "example": {
                 "options": {
                   "budget": 1,
                   "strength": 0.5,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "runTimeout": 120,
             "strength": 1,
             "temperature": 0,
             "template": "a3f0162a5243a26f",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
             "{workspaceRoot}/tests/test_calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/test_calc.py",
             "{workspaceRoot}/.pdd/meta/calc_python_run.json",
           ],
         },
         "generate": {
           "cache": true,
           "executor": "nx-pdd:generate",
           "inputs": [
             "pdd-prompt",
             "pdd-llm-config",
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
           ],
           "metadata": {
             "description": "Generate calc.py from prompts/calc_python.prompt with the LLM",
             "help": {
               "command": "npx nx run calc:generate --help",
               "example": {
                 "options": {
                   "budget": 1,
                   "strength": 0.5,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "strength": 1,
             "temperature": 0,
             "template": "2537df33982fea80",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
           ],
         },
         "generate-tests": {
           "cache": true,
           "dependsOn": [
             "example",
           ],
           "executor": "nx-pdd:generate-tests",
           "inputs": [
             "pdd-prompt",
             "pdd-llm-config",
             "{workspaceRoot}/tests/test_calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/test_calc.py",
             {
               "dependentTasksOutputFiles": "**/*",
               "transitive": true,
             },
           ],
           "metadata": {
             "description": "Write or extend the unit tests tests/test_calc.py with the LLM",
             "help": {
               "command": "npx nx run calc:generate-tests --help",
               "example": {
                 "options": {
                   "budget": 1,
                   "strength": 0.5,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "strength": 1,
             "temperature": 0,
             "template": "cd55df85bd6067f5",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/tests/test_calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/test_calc.py",
           ],
         },
         "preprocess": {
           "cache": true,
           "executor": "nx-pdd:preprocess",
           "inputs": [
             "pdd-prompt",
           ],
           "metadata": {
             "description": "Expand prompts/calc_python.prompt (includes, comments) into the text the LLM sees",
             "help": {
               "command": "npx nx run calc:preprocess --help",
               "example": {
                 "options": {
                   "output": ".pdd/preprocessed/calc_python.prompt",
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "output": ".pdd/preprocessed/calc_python.prompt",
             "prompt": "prompts/calc_python.prompt",
           },
           "outputs": [
             "{workspaceRoot}/.pdd/preprocessed/calc_python.prompt",
           ],
         },
         "sync": {
           "cache": true,
           "dependsOn": [
             {
               "dependencies": true,
               "params": "forward",
               "target": "sync",
             },
           ],
           "executor": "nx-pdd:sync",
           "inputs": [
             "pdd-prompt",
             {
               "dependentTasksOutputFiles": "**/.pdd/interface/*.txt",
               "transitive": false,
             },
             "pdd-llm-config",
             "pdd-unit-files",
           ],
           "metadata": {
             "description": "Bring calc_python in sync: calc.py, examples/calc_example.py, tests/test_calc.py agree with prompts/calc_python.prompt, the example runs, the tests pass",
             "help": {
               "command": "npx nx run calc:sync --help",
               "example": {
                 "options": {
                   "budget": 5,
                   "dryRun": true,
                   "profile": "standard",
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "runTimeout": 120,
             "strength": 1,
             "temperature": 0,
             "templates": "2e79d50f0052fe00.2537df33982fea80.8389cc6588c2174d.145a425763fc14a4.99cbd8a3cb782436.11aaaa248764255f.cd55df85bd6067f5.a3f0162a5243a26f",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/prompts/calc_python.prompt",
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/examples/calc_example.py",
             "{workspaceRoot}/tests/test_calc.py",
             "{workspaceRoot}/.pdd/meta/calc_python_run.json",
             "{workspaceRoot}/.pdd/meta/calc_python.json",
             "{workspaceRoot}/.pdd/generated/calc_python",
             "{workspaceRoot}/.pdd/interface/calc_python.txt",
           ],
         },
         "test": {
           "cache": true,
           "executor": "nx-pdd:test",
           "inputs": [
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/tests/test_calc*.py",
           ],
           "metadata": {
             "description": "Run tests/test_calc*.py and record the parsed result in .pdd/meta/calc_python_run.json (no LLM)",
             "help": {
               "command": "npx nx run calc:test --help",
               "example": {
                 "options": {
                   "runTimeout": 60,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "runTimeout": 120,
           },
           "outputs": [
             "{workspaceRoot}/.pdd/meta/calc_python_run.json",
           ],
         },
         "update": {
           "cache": true,
           "executor": "nx-pdd:update",
           "inputs": [
             "pdd-prompt",
             "pdd-llm-config",
             "{workspaceRoot}/prompts/calc_python.prompt",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc_python.prompt.before-update",
             "{workspaceRoot}/calc.py",
           ],
           "metadata": {
             "description": "Update prompts/calc_python.prompt from the hand-edited calc.py with the LLM",
             "help": {
               "command": "npx nx run calc:update --help",
               "example": {
                 "options": {
                   "budget": 1,
                   "strength": 0.5,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "strength": 1,
             "temperature": 0,
             "template": "8389cc6588c2174d",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/prompts/calc_python.prompt",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc_python.prompt.before-update",
           ],
         },
         "verify": {
           "cache": true,
           "dependsOn": [
             "crash",
           ],
           "executor": "nx-pdd:verify",
           "inputs": [
             "pdd-prompt",
             "pdd-llm-config",
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
             "{workspaceRoot}/examples/calc_example.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc_example.py",
             {
               "dependentTasksOutputFiles": "**/*",
               "transitive": true,
             },
           ],
           "metadata": {
             "description": "Check with the LLM that examples/calc_example.py's output shows what the prompt asks",
             "help": {
               "command": "npx nx run calc:verify --help",
               "example": {
                 "options": {
                   "budget": 1,
                   "strength": 0.5,
                 },
               },
             },
             "technologies": [
               "pdd",
             ],
           },
           "options": {
             "nxPddVersion": "0.1.0",
             "prompt": "prompts/calc_python.prompt",
             "runTimeout": 120,
             "strength": 1,
             "temperature": 0,
             "template": "11aaaa248764255f",
             "time": 0.25,
           },
           "outputs": [
             "{workspaceRoot}/calc.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc.py",
             "{workspaceRoot}/examples/calc_example.py",
             "{workspaceRoot}/.pdd/generated/calc_python/calc_example.py",
           ],
         },
       },
     }
    `);
    expect(p['ui-card'].root).toBe('prompts/ui/card_typescriptreact');
    expect(p['ui-card'].metadata?.pdd).toMatchObject({ code: 'ui/card.tsx', test: 'tests/ui/test_card.tsx' });
  });

  it('applies plugin options: prefix, target name, prompts dir, settings, .pddrc contexts', async () => {
    ws.write({
      '.pddrc': 'contexts:\n  backend:\n    paths: ["specs/api/**"]\n    defaults:\n      generate_output_path: "api/"\n',
      'specs/api/users_python.prompt': 'U',
    });
    const p = await projects({ promptsDir: 'specs', projectNamePrefix: 'pdd-', preprocessTargetName: 'expand', generateTargetName: 'gen', strength: 0.3 });
    expect(Object.keys(p)).toEqual(['pdd-api-users']);
    const users = p['pdd-api-users'];
    expect(users.tags).toEqual(['pdd', 'lang:python', 'pdd-context:backend']);
    expect(Object.keys(users.targets!)).toEqual([
      'expand',
      'auto-deps',
      'gen',
      'update',
      'example',
      'crash',
      'verify',
      'generate-tests',
      'test',
      'fix',
      'sync',
    ]);
    expect(users.targets!.example.dependsOn).toEqual(['gen']);
    expect(users.targets!.gen.options).toMatchObject({ strength: 0.3, temperature: 0, time: 0.25 });
    expect(users.namedInputs!['pdd-prompt']).toEqual(['{workspaceRoot}/specs/api/users_python.prompt', '{workspaceRoot}/.pddrc']);
    expect(users.metadata?.pdd).toMatchObject({ code: 'api/users.py' });
  });

  it("returns each unit's projects in a null-prototype record, which Nx reads with for…in (no hidden class per unit root)", async () => {
    ws.write({ 'prompts/calc_python.prompt': 'C', 'prompts/fmt_python.prompt': 'F' });
    const results = await createNodesFn(prompts(), undefined, context);
    for (const [file, result] of results) {
      expect(Object.getPrototypeOf(result.projects)).toBeNull();
      const roots: string[] = [];
      for (const root in result.projects) roots.push(root);
      expect(roots).toEqual([file.replace(/\.prompt$/, '')]);
    }
  });

  it('operationTargets: false keeps only preprocess and sync', async () => {
    ws.write({ 'prompts/calc_python.prompt': 'C' });
    const p = await projects({ operationTargets: false });
    expect(Object.keys(p.calc.targets!)).toEqual(['preprocess', 'sync']);
  });

  it('registers only the LLM targets a language has', async () => {
    ws.write({ 'prompts/settings_json.prompt': 'S', 'prompts/calc_python.prompt': 'C' });
    const p = await projects();
    expect(Object.keys(p.settings.targets!)).toEqual(['preprocess', 'auto-deps', 'generate', 'update', 'sync']);
    expect(Object.keys(p.calc.targets!)).toEqual([
      'preprocess',
      'auto-deps',
      'generate',
      'update',
      'example',
      'crash',
      'verify',
      'generate-tests',
      'test',
      'fix',
      'sync',
    ]);
    // sync: dependencies first; every working file it may write is also its input (rule edits-kept).
    const sync = p.calc.targets!.sync;
    expect(sync.dependsOn).toEqual([{ dependencies: true, target: 'sync', params: 'forward' }]);
    expect(sync.inputs).toEqual(
      expect.arrayContaining(['pdd-prompt', { dependentTasksOutputFiles: '**/.pdd/interface/*.txt', transitive: false }, 'pdd-llm-config', 'pdd-unit-files']),
    );
    // Every output a person may edit is an input too (a folder output as `folder/**`, the test
    // file through its siblings' glob), through the unit's named inputs; the interface file is
    // written from the code.
    const named = p.calc.namedInputs!;
    const inputs = sync.inputs!.flatMap((i) => (typeof i === 'string' && named[i] ? named[i] : [i])).filter((i) => typeof i === 'string');
    const readBySync = picomatch(inputs as string[], { dot: true });
    for (const output of sync.outputs!)
      if (!output.includes('.pdd/interface/')) expect(readBySync(output.includes('.pdd/generated/') ? `${output}/x` : output)).toBe(true);
    expect(named['pdd-unit-files']).toContain('{workspaceRoot}/tests/test_calc*.py');
    // No output is a glob: Nx walks a glob output's folder for each dependent task it hashes.
    expect(sync.outputs).toEqual([
      '{workspaceRoot}/prompts/calc_python.prompt',
      '{workspaceRoot}/calc.py',
      '{workspaceRoot}/examples/calc_example.py',
      '{workspaceRoot}/tests/test_calc.py',
      '{workspaceRoot}/.pdd/meta/calc_python_run.json',
      '{workspaceRoot}/.pdd/meta/calc_python.json',
      '{workspaceRoot}/.pdd/generated/calc_python',
      '{workspaceRoot}/.pdd/interface/calc_python.txt',
    ]);
    for (const t of ['generate', 'example', 'generate-tests', 'update', 'crash', 'verify', 'fix'])
      for (const output of p.calc.targets![t].outputs!) expect(p.calc.targets![t].inputs).toContain(output);
    // What runs the tests reads every test file, the siblings too; it writes none of the siblings.
    for (const t of ['test', 'fix']) {
      expect(p.calc.targets![t].inputs).toContain('{workspaceRoot}/tests/test_calc*.py');
      expect(p.calc.targets![t].outputs!.some((o) => o.includes('*'))).toBe(false);
    }
    expect(p.calc.targets!['generate-tests'].dependsOn).toEqual(['example']);
  });

  it('keeps a unit with a broken prompt in the graph and records its errors', async () => {
    ws.write({ 'prompts/bad_python.prompt': 'x\n<include>nowhere.md</include>\n' });
    const p = await projects();
    expect(p.bad.metadata?.pdd.errors).toEqual(['prompts/bad_python.prompt:2: include "nowhere.md" not found (looked in: nowhere.md, prompts/nowhere.md)']);
    expect(p.bad.namedInputs!['pdd-prompt']).toContain('{workspaceRoot}/nowhere.md');
    expect(warn).toHaveBeenCalledWith('nx-pdd: prompts/bad_python.prompt:2: include "nowhere.md" not found (looked in: nowhere.md, prompts/nowhere.md)');
  });

  it('warns about prompt files under the prompts dir that are not units, and about .pddrc keys', async () => {
    ws.write({ 'prompts/notes_klingon.prompt': 'x', '.pddrc': 'colour: blue\n' });
    expect(await projects()).toEqual({});
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'nx-pdd: .pddrc: unknown key "colour" ignored (known: version, contexts, checkup, ci)',
      expect.stringContaining('nx-pdd: prompts/notes_klingon.prompt is not a prompt unit: unknown language "klingon"'),
    ]);
  });

  it('names units that no rule tells apart by their prompt paths, and infers every unit', async () => {
    ws.write({ 'prompts/a/b_python.prompt': 'x', 'prompts/a-b_python.prompt': 'y' });
    expect(Object.keys(await projects()).sort()).toEqual([
      expect.stringMatching(/^prompts-a-b_python-[0-9a-f]{6}$/),
      expect.stringMatching(/^prompts-a-b_python-[0-9a-f]{6}$/),
    ]);
  });

  it('a malformed .pddrc is a warning naming its file and line; the units of other roots are inferred', async () => {
    ws.write({
      '.pddrc': 'contexts:\n  default:\n    defaults:\n      strength: [1\n',
      'prompts/calc_python.prompt': 'x',
      'apps/api/.pddrc': 'version: "1.0"\n',
      'apps/api/prompts/x_python.prompt': 'y',
    });
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(Object.keys(await projects())).toEqual(['x']);
    expect(warn.mock.calls.map((c) => c[0])).toContainEqual(
      expect.stringMatching(/^nx-pdd: prompts\/calc_python\.prompt is not a prompt unit: its \.pddrc cannot be read: \.pddrc:\d+: invalid YAML/),
    );
    warn.mockRestore();
  });

  it('marks shell-using targets uncacheable only when shell is allowed', async () => {
    ws.write({ 'prompts/s_python.prompt': '<shell>date</shell>' });
    expect((await projects()).s.targets!.preprocess.cache).toBe(true);
    expect((await projects({ allowShell: true })).s.targets!.preprocess.cache).toBe(false);
  });

  it('reuses cached summaries and notices changed includes, new includes and created optional files', async () => {
    ws.write({ 'prompts/calc_python.prompt': '<include>a.md</include><include path="b.md" optional/>', 'a.md': 'A' });
    const first = await projects();
    expect(first.calc.metadata?.pdd.includes).toEqual(['a.md']);
    expect(existsSync(join(ws.root, '.nx/workspace-data'))).toBe(true);

    ws.write({ 'a.md': 'A <include>c.md</include>', 'c.md': 'C' });
    expect((await projects()).calc.metadata?.pdd.includes).toEqual(['a.md', 'c.md']);

    ws.write({ 'b.md': 'now here' });
    expect((await projects()).calc.metadata?.pdd.includes).toEqual(['a.md', 'b.md', 'c.md']);
  });

  it('returns from its last configurations what it would build without any cache, and rebuilds what an edit changed', async () => {
    ws.write({
      'prompts/calc_python.prompt': 'v1 <include>a.md</include>',
      'prompts/app_python.prompt': 'app <include>calc.py</include>',
      'a.md': 'A',
    });
    const fresh = async () => {
      rmSync(join(ws.root, '.nx/workspace-data'), { recursive: true, force: true });
      return JSON.stringify(await createNodesFn(prompts(), {}, context));
    };
    const warm = async () => JSON.stringify(await createNodesFn(prompts(), {}, context));
    const cold = await fresh();
    expect(readdirSync(join(ws.root, '.nx/workspace-data')).some((f) => f.startsWith('nx-pdd-projects-'))).toBe(true);
    expect(await warm()).toBe(cold);
    ws.write({ 'a.md': 'A <include>b.md</include>', 'b.md': 'B' });
    const edited = await warm();
    expect(edited).not.toBe(cold);
    expect(edited).toBe(await fresh());
    // Each project still gets a record of its own with no prototype (see projectsAt).
    const [, result] = (await createNodesFn(prompts(), {}, context))[0];
    expect(Object.getPrototypeOf(result.projects)).toBeNull();
  });

  it('serves a warm run from the cache without preprocessing again', async () => {
    ws.write({ 'prompts/calc_python.prompt': 'v1 <include>a.md</include>', 'a.md': 'A' });
    await projects();
    // Plant a marker in the cached summary: only a run served from the cache returns it.
    const { cache, save } = inferenceCache();
    const key = Object.keys(cache).find((k) => k.startsWith('sum:'))!;
    cache[key].summary.errors = ['served from cache'];
    save();
    expect((await projects()).calc.metadata?.pdd.errors).toEqual(['served from cache']);
    ws.write({ 'a.md': 'A2' });
    expect((await projects()).calc.metadata?.pdd.errors).toBeUndefined();
  });

  it('hashes file groups by content, seeing edits and created files', () => {
    ws.write({ 'a.md': 'A' });
    const before = new FileGroupHasher(ws.root);
    const [h1, h2] = [before.groupHash(['a.md', 'b.md']), before.groupHash(['a.md'])];
    expect(h1).not.toBe(h2);
    expect(before.groupHash(['b.md', 'a.md'])).toBe(h1);
    ws.write({ 'b.md': 'B' });
    expect(new FileGroupHasher(ws.root).groupHash(['a.md', 'b.md'])).not.toBe(h1);
    ws.write({ 'a.md': 'A!' });
    expect(new FileGroupHasher(ws.root).groupHash(['a.md'])).not.toBe(h2);
  });

  it('takes a hash from the memo only for an unchanged file old enough to trust, and reads any other', () => {
    ws.write({ 'a.md': 'A', 'b.md': 'B' }).link('l.md', 'a.md');
    const store = new Map<string, HashMemoEntry>();
    const memo: HashMemo = { get: (f) => store.get(f), set: (f, e) => void store.set(f, e) };
    const later = () => Date.now() + 60_000; // every file counts as old
    const first = new FileGroupHasher(ws.root, memo, later);
    const real = { a: first.fileHash('a.md'), b: first.fileHash('b.md'), l: first.fileHash('l.md') };
    expect([...store.keys()].sort()).toEqual(['a.md', 'b.md']); // a link is always read
    // Plant a marker: only a hasher that trusts the memo returns it.
    store.set('a.md', { ...store.get('a.md')!, hash: 'from-memo' });
    expect(new FileGroupHasher(ws.root, memo, later).fileHash('a.md')).toBe('from-memo');
    ws.write({ 'a.md': 'A, edited' });
    expect(new FileGroupHasher(ws.root, memo, later).fileHash('a.md')).not.toBe('from-memo');
    expect(new FileGroupHasher(ws.root, memo, later).fileHash('l.md')).not.toBe(real.l);
    // A file changed within RACY_MS of its hash keeps being read: its signature is not kept.
    ws.write({ 'b.md': 'B, edited' });
    const fresh = new FileGroupHasher(ws.root, memo);
    const edited = fresh.fileHash('b.md');
    expect(edited).not.toBe(real.b);
    expect(store.get('b.md')!.hash).toBe(real.b);
  });

  it('reuses the last resolution while every look it took answers the same', async () => {
    ws.write({ 'prompts/calc_python.prompt': 'Calc.' });
    expect((await projects()).calc.metadata?.pdd.code).toBe('calc.py');
    // Plant a marker in the cached resolution: only a run that reuses it returns it.
    const { cache, save } = inferenceCache();
    const key = Object.keys(cache).find((k) => k.startsWith('resolution:'))!;
    cache[key].resolution.resolved.units[0].paths.code = 'planted.py';
    save();
    expect((await projects()).calc.metadata?.pdd.code).toBe('planted.py');
    // A .pddrc above the prompt was looked for and not found: one now found changes the answer.
    ws.write({ '.pddrc': 'contexts:\n  default:\n    defaults:\n      generate_output_path: "src/"\n' });
    expect((await projects()).calc.metadata?.pdd.code).toBe('src/calc.py');
    // So does another prompt list, or other options.
    expect((await projects({ generateOutputPath: 'lib/' } as NxPddPluginOptions)).calc.metadata?.pdd.code).toBe('lib/calc.py');
  });

  describe('createDependencies', () => {
    const depsContext = (p: Record<string, ProjectConfiguration>, files: string[], owned: Record<string, string[]> = {}): CreateDependenciesContext => {
      const data = (f: string): FileData => ({ file: f, hash: `h-${f}` });
      const ownedFiles = new Set(Object.values(owned).flat());
      return {
        externalNodes: {},
        projects: p,
        nxJsonConfiguration: {},
        workspaceRoot: ws.root,
        fileMap: {
          projectFileMap: Object.fromEntries(Object.entries(owned).map(([k, v]) => [k, v.map(data)])),
          nonProjectFiles: files.filter((f) => !ownedFiles.has(f)).map(data),
        },
        filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
      };
    };

    it('with staticEdges, adds include, declared and import edges with their source files', async () => {
      ws.write({
        'prompts/app_python.prompt': 'App <include>examples/calc_example.py</include> <pdd-dependency>web_typescript.prompt</pdd-dependency>',
        'prompts/calc_python.prompt': 'Calc',
        'prompts/web_typescript.prompt': 'Web',
        'prompts/ui_typescript.prompt': 'UI',
        'examples/calc_example.py': 'import calc',
        'app.py': 'import calc\nimport os\n',
        'calc.py': 'X = 1\n',
        'web.ts': 'export const w = 1;\n',
        'ui.ts': "import { w } from './web';\n",
      });
      const p = await projects();
      const files = [
        'prompts/app_python.prompt',
        'prompts/calc_python.prompt',
        'prompts/web_typescript.prompt',
        'prompts/ui_typescript.prompt',
        'examples/calc_example.py',
        'app.py',
        'calc.py',
        'web.ts',
        'ui.ts',
      ];
      const deps = await createDependencies({ staticEdges: true }, depsContext(p, files));
      // One edge per pair: app -> calc is both included and imported; the include is kept.
      expect(deps).toEqual([
        { source: 'app', target: 'calc', type: 'static', sourceFile: 'prompts/app_python.prompt' },
        { source: 'app', target: 'web', type: 'static', sourceFile: 'prompts/app_python.prompt' },
        { source: 'ui', target: 'web', type: 'static', sourceFile: 'ui.ts' },
      ]);
    });

    it('with staticEdges, falls back to an implicit edge when another project owns the source file', async () => {
      ws.write({
        'prompts/app_python.prompt': '<include>examples/calc_example.py</include>',
        'prompts/calc_python.prompt': 'C',
        'examples/calc_example.py': 'x',
      });
      const p = await projects();
      const files = ['prompts/app_python.prompt', 'prompts/calc_python.prompt', 'examples/calc_example.py'];
      const deps = await createDependencies({ staticEdges: true }, depsContext(p, files, { root: ['prompts/app_python.prompt'] }));
      expect(deps).toEqual([{ source: 'app', target: 'calc', type: 'implicit' }]);
    });

    it('emits implicit edges by default and when staticEdges is false', async () => {
      ws.write({
        'prompts/app_python.prompt': '<include>examples/calc_example.py</include>',
        'prompts/calc_python.prompt': 'C',
        'examples/calc_example.py': 'x',
      });
      const p = await projects();
      const files = ['prompts/app_python.prompt', 'prompts/calc_python.prompt', 'examples/calc_example.py'];
      expect(await createDependencies({ staticEdges: false }, depsContext(p, files))).toEqual([{ source: 'app', target: 'calc', type: 'implicit' }]);
      expect(await createDependencies(undefined, depsContext(p, files))).toEqual([{ source: 'app', target: 'calc', type: 'implicit' }]);
    });

    it('reuses the last edges while the units and the Nx hashes of their prompts and code are the same', async () => {
      ws.write({ 'prompts/app_python.prompt': 'A', 'prompts/calc_python.prompt': 'C', 'app.py': 'import calc\n', 'calc.py': 'x = 1\n' });
      const p = await projects();
      const files = ['prompts/app_python.prompt', 'prompts/calc_python.prompt', 'app.py', 'calc.py'];
      expect(await createDependencies(undefined, depsContext(p, files))).toEqual([{ source: 'app', target: 'calc', type: 'implicit' }]);
      // Plant a marker in the cached edges: only a run that reuses them returns it.
      const cacheFile = join(ws.root, '.nx/workspace-data/nx-pdd-edges.json');
      const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
      const [key] = Object.keys(cache);
      cache[key].kept[0].target = 'planted';
      writeFileSync(cacheFile, JSON.stringify(cache));
      expect(await createDependencies(undefined, depsContext(p, files))).toEqual([{ source: 'app', target: 'planted', type: 'implicit' }]);
      // app.py no longer imports calc: Nx hashes it anew, and the edges are computed again.
      ws.write({ 'app.py': 'print(1)\n' });
      const edited = depsContext(p, files);
      edited.fileMap.nonProjectFiles.find((f) => f.file === 'app.py')!.hash = 'h-edited';
      expect(await createDependencies(undefined, edited)).toEqual([]);
      // A tsconfig that Nx does not track (ignored) is read each time: no cache then.
      ws.write({ 'app.py': 'import calc\n', 'tsconfig.base.json': '{}' });
      cache[key].kept[0].target = 'planted';
      writeFileSync(cacheFile, JSON.stringify(cache));
      expect(await createDependencies(undefined, depsContext(p, files))).toEqual([{ source: 'app', target: 'calc', type: 'implicit' }]);
    });

    it('ignores projects that are not units', async () => {
      const deps = await createDependencies(undefined, depsContext({ other: { root: 'libs/other' } }, []));
      expect(deps).toEqual([]);
    });
  });
});
