import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { currentHashes, nextFingerprint, promptHash, promptHashIncludes, readFingerprint, serializeFingerprint, sha256, writeFingerprint } from './fingerprint';
import { pythonFloat, stringifyPythonJson } from './python-json';
import { readRunReport, serializeRunReport } from './run-report';
import { resolveUnits } from './units';

// Exactly what PDD's json.dump(asdict(fingerprint), f, indent=2) writes (no trailing newline).
const PDD_FINGERPRINT = `{
  "pdd_version": "0.0.300",
  "timestamp": "2026-07-19T07:45:35.123456+00:00",
  "command": "test",
  "prompt_hash": "${'a'.repeat(64)}",
  "code_hash": "${'b'.repeat(64)}",
  "example_hash": null,
  "test_hash": "${'c'.repeat(64)}",
  "test_files": {
    "test_calc.py": "${'c'.repeat(64)}"
  },
  "include_deps": {
    "context/style.md": "${'d'.repeat(64)}"
  },
  "cost": 0.0,
  "note": "caf\\u00e9 \\u2014 ok"
}`;

const PDD_RUN_REPORT = `{
  "timestamp": "2026-07-19T07:45:35.123456+00:00",
  "exit_code": 0,
  "tests_passed": 12,
  "tests_failed": 0,
  "coverage": 90.0,
  "test_hash": "${'c'.repeat(64)}"
}`;

const python = (code: string) => execFileSync('python3', ['-c', code], { encoding: 'utf8' });

describe('PDD fingerprints and run reports', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = new TempWorkspace().write({
      'prompts/calc_python.prompt':
        'Add.\n<include>context/style.md</include>\n```<context/api.md>```\n<include>context/style.md</include>\n<include>missing.md</include>\n',
      'context/style.md': 'Be terse.\n',
      'context/api.md': 'API: add(a, b)\n',
      'calc.py': 'def add(a, b): return a + b\n',
      'tests/test_calc.py': 'def test_add(): pass\n',
      'tests/test_calc_extra.py': 'def test_more(): pass\n',
      'tests/test_other.py': 'x = 1\n',
    });
  });
  afterEach(() => ws.dispose());
  const unit = () => resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];

  it('reads a PDD fingerprint and writes it back byte for byte', () => {
    ws.write({ '.pdd/meta/calc_python.json': PDD_FINGERPRINT });
    const { fingerprint } = readFingerprint(ws.root, '.pdd/meta/calc_python.json');
    expect(fingerprint).toMatchObject({ command: 'test', example_hash: null, test_files: { 'test_calc.py': 'c'.repeat(64) } });
    expect(serializeFingerprint(fingerprint!)).toBe(PDD_FINGERPRINT);
    writeFingerprint(ws.root, '.pdd/meta/calc_python.json', fingerprint!);
    expect(readFileSync(ws.path('.pdd/meta/calc_python.json'), 'utf8')).toBe(PDD_FINGERPRINT);
  });

  it('writes what Python json.dump(indent=2) writes', () => {
    const value = { pdd_version: '0.0.1', note: 'café — ✓ \u007f', n: pythonFloat(0.00001), m: pythonFloat(3), list: [], obj: {} };
    const expected = python(
      `import json,sys; sys.stdout.write(json.dumps({"pdd_version": "0.0.1", "note": "café — ✓ \\x7f", "n": 0.00001, "m": 3.0, "list": [], "obj": {}}, indent=2))`,
    );
    expect(stringifyPythonJson(value)).toBe(expected);
    for (const x of [1, 0.0123, 1e-5, 1e16, 123.456, 0.1 + 0.2, 1e-4, 2.5e-7, 12345.0]) {
      expect(pythonFloat(x).toString()).toBe(python(`import sys; sys.stdout.write(repr(${x.toExponential()}))`));
    }
  });

  it('tolerates older and odd fingerprints: missing keys, nulls, unknown commands', () => {
    ws.write({ '.pdd/meta/calc_python.json': '{"pdd_version": "0.0.41", "timestamp": "t", "command": "skip:verify", "prompt_hash": null}' });
    const { fingerprint } = readFingerprint(ws.root, '.pdd/meta/calc_python.json');
    expect(fingerprint).toMatchObject({ command: 'skip:verify', prompt_hash: null, code_hash: null, test_hash: null });
    expect(fingerprint!.test_files).toBeUndefined();
  });

  it('reports a corrupt fingerprint as a warning, never a crash', () => {
    ws.write({ '.pdd/meta/calc_python.json': '{"pdd_version": ' });
    expect(readFingerprint(ws.root, '.pdd/meta/calc_python.json')).toEqual({
      fingerprint: null,
      warning: expect.stringContaining('.pdd/meta/calc_python.json is not valid JSON'),
    });
    ws.write({ '.pdd/meta/calc_python.json': '[1, 2]' });
    expect(readFingerprint(ws.root, '.pdd/meta/calc_python.json').warning).toContain('is not a JSON object');
    expect(readFingerprint(ws.root, '.pdd/meta/none.json')).toEqual({ fingerprint: null });
  });

  it('computes prompt_hash as PDD v1 does (checked against Python hashlib)', () => {
    expect(promptHashIncludes(readFileSync(ws.path('prompts/calc_python.prompt'), 'utf8'))).toEqual(['context/api.md', 'context/style.md', 'missing.md']);
    const expected = python(
      `import hashlib,sys; h=hashlib.sha256(); [h.update(open(p,'rb').read()) for p in ['${ws.path('prompts/calc_python.prompt')}','${ws.path('context/api.md')}','${ws.path('context/style.md')}']]; sys.stdout.write(h.hexdigest())`,
    );
    const { hash, includeDeps } = promptHash(ws.root, unit());
    expect(hash).toBe(expected);
    expect(includeDeps).toEqual({ 'context/api.md': sha256('API: add(a, b)\n'), 'context/style.md': sha256('Be terse.\n') });
  });

  it("finds the references PDD v1 hashes with Python's own regex engine: attributes, one line only, code spans not skipped", () => {
    const tricky = [
      'Intro `<include>` tags are mentioned here and closed much later.',
      '<include select="def:add" mode="full">context/api.md</include>',
      '<include path="context/style.md"/> self-closing: not hashed by v1',
      '<include-many>context/a.md, context/b.md</include-many>',
      'inline ```<context/style.md>``` backtick form',
      '<include>multi',
      'line</include>',
      '`<include>context/b.md</include>` in a code span',
      'closing </include> alone',
    ].join('\n');
    writeFileSync(ws.path('prompts/calc_python.prompt'), tricky);
    ws.write({ 'context/a.md': 'A\n', 'context/b.md': 'B\n' });
    const pdd = python(
      [
        'import re,sys,json',
        `c=open(${JSON.stringify(ws.path('prompts/calc_python.prompt'))},encoding="utf-8").read()`,
        'refs=re.findall(r"<include\\b[^>]*>(.*?)</include>", c)+re.findall(r"```<([^>]*?)>```", c)',
        'sys.stdout.write(json.dumps(sorted(set(r.strip() for r in refs))))',
      ].join('\n'),
    );
    expect(promptHashIncludes(tricky)).toEqual(JSON.parse(pdd));
    expect(promptHashIncludes(tricky)).toContain('context/api.md');
  });

  it('hashes the previous include_deps when the prompt has no include tags', () => {
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'Add.\n');
    const plain = promptHash(ws.root, unit()).hash;
    expect(plain).toBe(sha256('Add.\n'));
    const withDeps = promptHash(ws.root, unit(), { 'context/style.md': 'x' });
    expect(withDeps.hash).toBe(python(`import hashlib,sys; sys.stdout.write(hashlib.sha256(b'Add.\\nBe terse.\\n').hexdigest())`));
  });

  it('hashes the files now: test siblings by name, missing files null', () => {
    const h = currentHashes(ws.root, unit());
    expect(h.code_hash).toBe(sha256('def add(a, b): return a + b\n'));
    expect(h.example_hash).toBeNull();
    expect(h.test_hash).toBe(sha256('def test_add(): pass\n'));
    expect(Object.keys(h.test_files)).toEqual(['test_calc.py', 'test_calc_extra.py']);
    const fp = nextFingerprint({ ...readFingerprintFixture(), command: 'old' }, h, 'generate', '0.1.0', new Date('2026-11-24T10:00:00.000Z'));
    expect(fp).toMatchObject({ command: 'generate', timestamp: '2026-11-24T10:00:00+00:00', note: 'café — ok', pdd_version: '0.1.0' });
    expect(Object.keys(JSON.parse(serializeFingerprint(fp))).slice(0, 9)).toEqual([
      'pdd_version',
      'timestamp',
      'command',
      'prompt_hash',
      'code_hash',
      'example_hash',
      'test_hash',
      'test_files',
      'include_deps',
    ]);
  });

  it('reads a PDD run report and writes it back byte for byte', () => {
    ws.write({ '.pdd/meta/calc_python_run.json': PDD_RUN_REPORT });
    const { report } = readRunReport(ws.root, '.pdd/meta/calc_python_run.json');
    expect(report).toMatchObject({ exit_code: 0, tests_passed: 12, coverage: 90 });
    expect(serializeRunReport(report!)).toBe(PDD_RUN_REPORT);
    ws.write({ '.pdd/meta/calc_python_run.json': '{"timestamp": "t"}' });
    expect(readRunReport(ws.root, '.pdd/meta/calc_python_run.json').warning).toContain('not a valid run report');
  });
});

function readFingerprintFixture() {
  const ws = new TempWorkspace().write({ 'f.json': PDD_FINGERPRINT });
  try {
    return readFingerprint(ws.root, 'f.json').fingerprint!;
  } finally {
    ws.dispose();
  }
}
