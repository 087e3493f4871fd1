import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { parseModelTable } from './llm/model-table';
import { extractCode } from './llm/code-extraction';
import { defaultLanguages } from './languages';
import { parsePddrc } from './pddrc';
import { readFingerprint } from './fingerprint';
import { readRunReport } from './run-report';
import { planSync } from './sync/sync-unit';
import { workspaceStatus } from './sync/workspace-status';
import { acquireUnitLock } from './sync/unit-lock';
import { recoverJournal } from './sync/transaction';
import { findPromptFiles } from './prompt-files';
import { resolveUnits } from './units';

/*
 * Bad input, table-driven (issue #12): each case lays out files (text, a symlink, a FIFO), runs
 * one way nx-pdd reads them, and expects a clear message naming the file (and line where there
 * is one) and what to do, with no hang, no crash and nothing lost (every file the case wrote is
 * still there as written, unless the case says it is repaired).
 */
type FileSpec = string | { link: string } | { fifo: true } | { dir: true } | { old: string };
type Check = 'units' | 'plan' | 'status' | 'pddrc' | 'fingerprint' | 'run-report' | 'journal' | 'lock' | 'answer' | 'model-table';
interface Case {
  name: string;
  files: Record<string, FileSpec>;
  check: Check;
  /** Substrings of the message, in order of appearance not required. */
  expect: Array<string | RegExp>;
  /** Files the case may change (a lock taken over, a journal consumed). */
  mayChange?: string[];
  /** For `answer`: the model's answer; for `model-table`: the CSV. */
  input?: string;
}

const P = 'prompts/a_python.prompt';
const prompt = (text: string): Record<string, FileSpec> => ({ [P]: text });
const outside = '/proc/self/environ';
const journal = (files: unknown) => JSON.stringify({ unit: 'a_python', operation: 'generate', pid: 1, started: 't', files });
const b64 = (s: string) => Buffer.from(s).toString('base64');

const INCLUDE_FORMS: Array<[string, (p: string) => string]> = [
  ['<include>', (p) => `<include>${p}</include>`],
  ['<include path/>', (p) => `<include path="${p}"/>`],
  ['<include-many>', (p) => `<include-many>${p}</include-many>`],
  ['backtick', (p) => '```<' + p + '>```'],
];

const includeCases: Case[] = INCLUDE_FORMS.flatMap(([form, tag]): Case[] => [
  {
    name: `${form}: a missing file`,
    files: prompt(`Use:\n${tag('context/gone.md')}\n`),
    check: 'plan',
    expect: [`${P}:2: include "context/gone.md" not found (looked in:`, 'fix the prompt'],
  },
  {
    name: `${form}: a FIFO`,
    files: { ...prompt(`Use:\n${tag('pipe.md')}\n`), 'pipe.md': { fifo: true } },
    check: 'plan',
    expect: [`${P}:2: cannot read include "pipe.md"`, 'is not a regular file (a pipe, socket or device)'],
  },
  {
    name: `${form}: a link to /dev/zero`,
    files: { ...prompt(`Use:\n${tag('zero.md')}\n`), 'zero.md': { link: '/dev/zero' } },
    check: 'plan',
    expect: [`${P}:2: include "zero.md" resolves through a link to a file outside the workspace`],
  },
  {
    name: `${form}: a link to /proc/self/environ`,
    files: { ...prompt(`Use:\n${tag('env.md')}\n`), 'env.md': { link: outside } },
    check: 'plan',
    expect: [`${P}:2: include "env.md" resolves through a link to a file outside the workspace`],
  },
  {
    name: `${form}: an absolute path outside`,
    files: prompt(`Use:\n${tag('/etc/passwd')}\n`),
    check: 'plan',
    expect: [`${P}:2: include "/etc/passwd" is outside the workspace`],
  },
  {
    name: `${form}: ../ out of the workspace`,
    files: prompt(`Use:\n${tag('../../../etc/passwd')}\n`),
    check: 'plan',
    expect: [`${P}:2: include "../../../etc/passwd" points outside the workspace`],
  },
  {
    name: `${form}: a folder`,
    files: { ...prompt(`Use:\n${tag('context')}\n`), 'context/x.md': 'x' },
    check: 'plan',
    expect: [`${P}:2: include "context" not found`],
  },
]);

const bomb: Record<string, FileSpec> = {};
for (let i = 0; i < 24; i++) bomb[`bomb/${i}.md`] = i === 23 ? 'x\n' : `<include>bomb/${i + 1}.md</include>\n<include>bomb/${i + 1}.md</include>\n`;
const chain: Record<string, FileSpec> = {};
for (let i = 0; i < 300; i++) chain[`chain/${i}.md`] = i === 299 ? 'end\n' : `<include>chain/${i + 1}.md</include>\n`;

const promptCases: Case[] = [
  { name: 'an empty prompt', files: prompt(''), check: 'plan', expect: [`${P}: the prompt is empty: write what the module should do`] },
  { name: 'a prompt of blank lines', files: prompt('\n\n   \n'), check: 'plan', expect: ['the prompt is empty'] },
  {
    name: 'a prompt that includes itself',
    files: prompt(`Loop:\n<include>${P}</include>\n`),
    check: 'plan',
    expect: [`${P}:2: include cycle: ${P}:2 -> ${P}`],
  },
  {
    name: 'two files including each other',
    files: {
      ...prompt('<include>context/a.md</include>\n'),
      'context/a.md': '<include>context/b.md</include>',
      'context/b.md': '<include>context/a.md</include>',
    },
    check: 'plan',
    expect: ['include cycle: ', 'context/a.md:1 -> context/b.md:1 -> context/a.md'],
  },
  {
    name: 'an include bomb',
    files: { ...prompt('<include>bomb/0.md</include>\n'), ...bomb },
    check: 'plan',
    expect: ['more than 5000 includes expanded (an include bomb?)'],
  },
  {
    name: 'a 300-deep include chain',
    files: { ...prompt('<include>chain/0.md</include>\n'), ...chain },
    check: 'plan',
    expect: ['includes nested more than 64 deep', 'flatten the chain'],
  },
  {
    name: '<shell> while disabled',
    files: prompt('Now: <shell>date</shell>\n'),
    check: 'plan',
    expect: [`${P}:1: <shell>date</shell> is disabled`, '"allowShell"'],
  },
  {
    name: 'a prompt that is a link to /proc/self/environ',
    files: { [P]: { link: outside } },
    check: 'plan',
    expect: [`${P}: leads outside the workspace (to /proc/`, "nx-pdd reads no file outside it on a prompt's behalf"],
  },
  // A prompt file that is a symlink is not walked into a unit by the status (as Nx lists no link target); the others are planned.
  {
    name: 'status: a prompt linked to /proc is never read, the others are planned',
    files: { [P]: { link: outside }, 'prompts/b_python.prompt': 'Write b().' },
    check: 'status',
    expect: ['b_python to do: no code file yet', /^(?![\s\S]*a_python)/],
  },
  {
    name: "status: a code file that is a FIFO is that unit's error alone",
    files: { [P]: 'Write a().', 'a.py': { fifo: true }, 'prompts/b_python.prompt': 'Write b().' },
    check: 'status',
    expect: ['a_python error: a.py: is not a regular file (a pipe, socket or device)', 'b_python to do: no code file yet'],
  },
  {
    name: 'an include over the size limit',
    files: { ...prompt('<include>big.md</include>\n'), 'big.md': 'x'.repeat(8 * 1024 * 1024 + 1) },
    check: 'plan',
    expect: [`${P}:1: cannot read include "big.md": big.md: is 8388609 bytes, over the limit of 8388608`],
  },
  {
    name: 'an unclosed <include> in prose is no include',
    files: prompt('Tags like <include> pull files in.\nWrite a(x).\n'),
    check: 'plan',
    expect: ['no code file yet'],
  },
  {
    name: 'a code span around an include',
    files: prompt('Write `<include>context/gone.md</include>` literally.\n'),
    check: 'plan',
    expect: ['no code file yet'],
  },
  { name: 'a self-closing include with no path', files: prompt('<include optional/>\nWrite a().\n'), check: 'plan', expect: ['no code file yet'] },
  {
    name: 'an optional missing include',
    files: prompt('<include path="context/later.md" optional/>\nWrite a().\n'),
    check: 'plan',
    expect: ['no code file yet'],
  },
];

const nameCases: Case[] = [
  {
    name: 'a prompt without a language suffix',
    files: { 'prompts/notes.prompt': 'x' },
    check: 'units',
    expect: ['prompts/notes.prompt', 'expected <basename>_<language>.prompt, found no "_<language>"'],
  },
  {
    name: 'an unknown language',
    files: { 'prompts/a_klingon.prompt': 'x' },
    check: 'units',
    expect: ['unknown language "klingon"', 'plugin option "languages"'],
  },
  { name: 'a suffix with punctuation', files: { 'prompts/a_c++.prompt': 'x' }, check: 'units', expect: ['unknown language "c++"'] },
  { name: 'an empty basename', files: { 'prompts/_python.prompt': 'x' }, check: 'units', expect: ['found no "_<language>"'] },
  {
    name: 'a prompt outside every prompts dir',
    files: { 'docs/a_python.prompt': 'x' },
    check: 'units',
    expect: ['docs/a_python.prompt: not under a prompts dir (prompts)'],
  },
];

const pddrcCases: Case[] = [
  {
    name: '.pddrc: invalid YAML',
    files: { '.pddrc': 'contexts: [\n', [P]: 'x' },
    check: 'units',
    expect: [/its \.pddrc cannot be read: \.pddrc:\d+: invalid YAML/],
  },
  { name: '.pddrc: a list at the top', files: { '.pddrc': '- a\n- b\n', [P]: 'x' }, check: 'units', expect: ['.pddrc:1: expected a mapping at the top level'] },
  {
    name: '.pddrc: contexts not a mapping',
    files: { '.pddrc': 'contexts: 3\n', [P]: 'x' },
    check: 'units',
    expect: ['"contexts" must be a mapping of context names'],
  },
  {
    name: '.pddrc: a context not a mapping',
    files: { '.pddrc': 'contexts:\n  x: 3\n', [P]: 'x' },
    check: 'units',
    expect: ['context "x" must be a mapping with "paths" and "defaults"'],
  },
  {
    name: '.pddrc: paths not a list',
    files: { '.pddrc': 'contexts:\n  x:\n    paths: 3\n', [P]: 'x' },
    check: 'units',
    expect: ['context "x": "paths" must be a list of glob strings'],
  },
  {
    name: '.pddrc: defaults not a mapping',
    files: { '.pddrc': 'contexts:\n  x:\n    defaults: [1]\n', [P]: 'x' },
    check: 'units',
    expect: ['context "x": "defaults" must be a mapping'],
  },
  {
    name: '.pddrc: a string setting given a number',
    files: { '.pddrc': 'contexts:\n  default:\n    defaults:\n      generate_output_path: 5\n', [P]: 'x' },
    check: 'units',
    expect: ['"generate_output_path" must be a string, got 5'],
  },
  {
    name: '.pddrc: a number setting given a word',
    files: { '.pddrc': 'contexts:\n  default:\n    defaults:\n      strength: high\n', [P]: 'x' },
    check: 'units',
    expect: ['"strength" must be a number, got "high"'],
  },
  {
    name: '.pddrc: outputs not a mapping',
    files: { '.pddrc': 'contexts:\n  default:\n    defaults:\n      outputs: 3\n', [P]: 'x' },
    check: 'units',
    expect: ['"outputs" must be a mapping'],
  },
  {
    name: '.pddrc: an output template not a string',
    files: { '.pddrc': 'contexts:\n  default:\n    defaults:\n      outputs:\n        code: {path: 3}\n', [P]: 'x' },
    check: 'units',
    expect: ['"outputs.code.path" must be a string template'],
  },
  {
    name: '.pddrc: an unknown placeholder',
    files: { '.pddrc': 'contexts:\n  default:\n    defaults:\n      outputs:\n        code: {path: "src/{nom}.py"}\n', [P]: 'x' },
    check: 'units',
    expect: ['unknown placeholder {nom} in output template "src/{nom}.py"'],
  },
  ...(['generate_output_path', 'example_output_path', 'test_output_path'] as const).flatMap((key): Case[] => [
    {
      name: `.pddrc: ${key} climbing out`,
      files: { '.pddrc': `contexts:\n  default:\n    defaults:\n      ${key}: ../../../escape/\n`, [P]: 'x' },
      check: 'units',
      expect: [`${key} "../../../escape/" leads outside the workspace`],
    },
    {
      name: `.pddrc: ${key} absolute`,
      files: { '.pddrc': `contexts:\n  default:\n    defaults:\n      ${key}: /tmp/x/\n`, [P]: 'x' },
      check: 'units',
      expect: [`${key} "/tmp/x/" leads outside the workspace`],
    },
  ]),
  ...(['code', 'example', 'test'] as const).map((kind): Case => ({
    name: `.pddrc: outputs.${kind}.path climbing out`,
    files: { '.pddrc': `contexts:\n  default:\n    defaults:\n      outputs:\n        ${kind}: {path: "../../../../tmp/{name}.py"}\n`, [P]: 'x' },
    check: 'units',
    expect: [`outputs.${kind}.path "../../../../tmp/{name}.py" leads outside the workspace`],
  })),
  { name: '.pddrc: a folder', files: { '.pddrc/x': 'x', [P]: 'x' }, check: 'units', expect: ['its .pddrc cannot be read: .pddrc: is a folder, not a file'] },
  {
    name: '.pddrc: a FIFO',
    files: { '.pddrc': { fifo: true }, [P]: 'x' },
    check: 'units',
    expect: ['its .pddrc cannot be read: .pddrc: is not a regular file'],
  },
  {
    name: '.pddrc: a link outside',
    files: { '.pddrc': { link: outside }, [P]: 'x' },
    check: 'units',
    expect: ['its .pddrc cannot be read: .pddrc: leads outside the workspace'],
  },
  {
    name: '.pddrc: an unknown top-level key',
    files: { '.pddrc': 'colour: red\n', [P]: 'x' },
    check: 'pddrc',
    expect: ['.pddrc: unknown key "colour" ignored (known: version, contexts, checkup, ci)'],
  },
  {
    name: '.pddrc: an unknown default',
    files: { '.pddrc': 'contexts:\n  default:\n    defaults:\n      flavour: 1\n', [P]: 'x' },
    check: 'pddrc',
    expect: ['context "default": unknown default "flavour" ignored'],
  },
  {
    name: 'architecture.json: not JSON',
    files: { 'architecture.json': '{ nope', [P]: 'x' },
    check: 'units',
    expect: [/architecture\.json: not valid JSON .*: ignored, paths come from \.pddrc/],
  },
  {
    name: 'architecture.json: not a list',
    files: { 'architecture.json': '{"a": 1}', [P]: 'x' },
    check: 'units',
    expect: ['architecture.json: expected a list of modules: ignored'],
  },
];

const metaCases: Case[] = [
  {
    name: 'fingerprint: not JSON',
    files: { '.pdd/meta/a_python.json': '{ nope' },
    check: 'fingerprint',
    expect: ['.pdd/meta/a_python.json is not valid JSON', 'it is ignored and will be rewritten'],
  },
  {
    name: 'fingerprint: a JSON list',
    files: { '.pdd/meta/a_python.json': '[1]' },
    check: 'fingerprint',
    expect: ['.pdd/meta/a_python.json is not a JSON object; it is ignored and will be rewritten'],
  },
  { name: 'fingerprint: a JSON string', files: { '.pdd/meta/a_python.json': '"x"' }, check: 'fingerprint', expect: ['is not a JSON object'] },
  { name: 'fingerprint: empty', files: { '.pdd/meta/a_python.json': '' }, check: 'fingerprint', expect: ['is not valid JSON'] },
  { name: 'run report: not JSON', files: { '.pdd/meta/a_python_run.json': '{' }, check: 'run-report', expect: ['.pdd/meta/a_python_run.json'] },
  { name: 'run report: a list', files: { '.pdd/meta/a_python_run.json': '[]' }, check: 'run-report', expect: ['.pdd/meta/a_python_run.json'] },
];

const journalCases: Case[] = [
  ...['../../outside.txt', '/tmp/x', 'other.py', 'a/../other.py', '.pdd/journal/x.json', 'prompts/../../x'].map((path): Case => ({
    name: `journal: names ${path}`,
    files: {
      [P]: 'x',
      'a.py': 'mine\n',
      'other.py': 'keep\n',
      '.pdd/journal/a_python.json': journal([
        { path: 'a.py', previous: null },
        { path, previous: b64('pwned') },
      ]),
    },
    check: 'journal',
    expect: [`.pdd/journal/a_python.json names files that are not a_python's (${path}): nothing was restored; check it and delete it`],
  })),
  {
    name: 'journal: a committed symlink leads its folder out of the workspace',
    files: {
      [P]: 'x',
      '.pdd/generated': { link: '/tmp' },
      '.pdd/journal/a_python.json': journal([{ path: '.pdd/generated/a_python/a.py', previous: b64('pwned') }]),
    },
    check: 'journal',
    expect: ['.pdd/generated/a_python/a.py: leads outside the workspace (its folder is /tmp)', 'replace the symlink with a folder'],
  },
  {
    name: 'journal: not JSON',
    files: { [P]: 'x', '.pdd/journal/a_python.json': '{' },
    check: 'journal',
    expect: ['.pdd/journal/a_python.json cannot be read', "check the unit's files by hand (git diff), then delete"],
  },
  {
    name: 'journal: files not a list',
    files: { [P]: 'x', '.pdd/journal/a_python.json': journal('x') },
    check: 'journal',
    expect: ['cannot be read (no valid file list)'],
  },
  {
    name: 'journal: a file without a path',
    files: { [P]: 'x', '.pdd/journal/a_python.json': journal([{ previous: null }]) },
    check: 'journal',
    expect: ['cannot be read (no valid file list)'],
  },
  {
    name: 'journal: previous not text',
    files: { [P]: 'x', '.pdd/journal/a_python.json': journal([{ path: 'a.py', previous: 5 }]) },
    check: 'journal',
    expect: ['cannot be read (no valid file list)'],
  },
];

const lockCases: Case[] = ['', 'garbage', '-1', '0', '99999999999999999999', '12abc'].map((content): Case => ({
  name: `lock file holding ${JSON.stringify(content)}`,
  files: { [P]: 'x', '.pdd/locks/a_python.lock': { old: content } },
  check: 'lock',
  expect: ['took over: held no process id'],
  mayChange: ['.pdd/locks/a_python.lock'],
}));

const answerCases: Case[] = [
  { name: 'answer: empty', files: {}, check: 'answer', input: '   ', expect: ['u: the model returned an empty answer'] },
  {
    name: 'answer: prose only',
    files: {},
    check: 'answer',
    input: 'Sure! Here is how you could do it.',
    expect: ['the answer has no fenced code block (it starts "Sure! Here is how you could do it.")', 'nothing was written'],
  },
  {
    name: 'answer: javascript for a python unit',
    files: {},
    check: 'answer',
    input: '```javascript\nconsole.log(1)\n```',
    expect: ["the answer's code is javascript, not Python"],
  },
  {
    name: 'answer: typescript for a python unit',
    files: {},
    check: 'answer',
    input: '```ts\nexport const a = 1;\n```',
    expect: ["the answer's code is ts, not Python"],
  },
  {
    name: 'answer: an unclosed fence',
    files: {},
    check: 'answer',
    input: '```python\ndef f():\n    return 1\n',
    expect: ['the answer has no fenced code block'],
  },
  { name: 'answer: an empty block', files: {}, check: 'answer', input: '```python\n\n```', expect: ['the answer has no fenced code block'] },
];

const modelCases: Case[] = [
  {
    name: 'model table: missing columns',
    files: {},
    check: 'model-table',
    input: 'provider,model\nOpenAI,gpt\n',
    expect: ['t.csv lacks column(s)', "(PDD's llm_model.csv format)"],
  },
  {
    name: 'model table: a price that is a word',
    files: {},
    check: 'model-table',
    input: 'provider,model,input,output\nOpenAI,gpt,cheap,2\n',
    expect: ['t.csv:2: a row needs provider, model and numeric input/output prices'],
  },
  {
    name: 'model table: a row without a model',
    files: {},
    check: 'model-table',
    input: 'provider,model,input,output\nOpenAI,,1,2\n',
    expect: ['t.csv:2: a row needs provider, model'],
  },
];

const CASES: Case[] = [
  ...includeCases,
  ...promptCases,
  ...nameCases,
  ...pddrcCases,
  ...metaCases,
  ...journalCases,
  ...lockCases,
  ...answerCases,
  ...modelCases,
];

async function messageOf(ws: TempWorkspace, c: Case): Promise<string> {
  const unit = () => resolveUnits([P], { workspaceRoot: ws.root }).units[0];
  switch (c.check) {
    case 'units': {
      const r = resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root });
      return [...r.skipped.map((s) => `${s.file}: ${s.reason}`), ...r.warnings].join('\n');
    }
    case 'plan': {
      const plan = await planSync(
        ws.root,
        unit(),
        null,
        { skipVerify: false, skipTests: false, targetCoverage: 90, autoDeps: false, mergeAvailable: true, resolve: null, maxAttempts: 3, maxSteps: 20 },
        () => 0,
      );
      return [...plan.steps.map((s) => s.decision.reason), ...plan.warnings].join('\n');
    }
    case 'status': {
      const rows = await workspaceStatus(ws.root, resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root }).units, { env: {} });
      return rows.map((r) => `${r.unit} ${r.standing}: ${r.reason}`).join('\n');
    }
    case 'pddrc':
      return parsePddrc(readFileSync(ws.path('.pddrc'), 'utf8'), '.pddrc').warnings.join('\n');
    case 'fingerprint':
      return readFingerprint(ws.root, '.pdd/meta/a_python.json').warning ?? '(no warning)';
    case 'run-report':
      return readRunReport(ws.root, '.pdd/meta/a_python_run.json').warning ?? '(no warning)';
    case 'journal':
      recoverJournal(ws.root, '.pdd/journal/a_python.json', unit());
      return '(recovered)';
    case 'lock': {
      const lock = acquireUnitLock(ws.root, unit());
      lock.release();
      return lock.tookOver?.pid === -1 ? 'took over: held no process id' : `(took over ${JSON.stringify(lock.tookOver)})`;
    }
    case 'answer':
      extractCode(c.input!, defaultLanguages.get('python')!, 'u');
      return '(accepted)';
    case 'model-table':
      parseModelTable(c.input!, 't.csv');
      return '(parsed)';
  }
}

describe('bad input corpus: a clear message, no hang, nothing lost', () => {
  it('has at least 100 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const ws = new TempWorkspace();
      try {
        const written: Record<string, string> = {};
        for (const [path, spec] of Object.entries(c.files)) {
          const abs = ws.path(path);
          mkdirSync(dirname(abs), { recursive: true });
          if (typeof spec === 'string') {
            writeFileSync(abs, spec);
            written[path] = spec;
          } else if ('link' in spec) ws.link(path, spec.link);
          else if ('fifo' in spec) execFileSync('mkfifo', [abs]);
          else if ('dir' in spec) mkdirSync(abs, { recursive: true });
          else {
            // A file left long ago (its writer cannot be writing it now).
            writeFileSync(abs, spec.old);
            const then = new Date(Date.now() - 3_600_000);
            utimesSync(abs, then, then);
          }
        }
        let message: string;
        try {
          message = await messageOf(ws, c);
        } catch (e) {
          message = (e as Error).message;
        }
        for (const part of c.expect) {
          if (typeof part === 'string') expect(message).toContain(part);
          else expect(message).toMatch(part);
        }
        // Nothing lost: every file the case wrote is still as it was.
        for (const [path, content] of Object.entries(written)) {
          if (c.mayChange?.includes(path)) continue;
          expect({ path, content: existsSync(ws.path(path)) ? readFileSync(ws.path(path), 'utf8') : null }).toEqual({ path, content });
        }
      } finally {
        ws.dispose();
      }
    },
    60_000,
  );
});
