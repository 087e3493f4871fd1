import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { readFingerprint, sha256 } from '../fingerprint';
import { resolveUnits } from '../units';
import { changeReport, changeReportLines, codeChangeIsCommentOnly, commentOnlyChange, impactOf } from './change-report';

describe('change reports', () => {
  it('tells comment and whitespace changes from real ones by the syntax tree', async () => {
    expect(await commentOnlyChange('python', 'def f(x):\n    return x\n', '# the f\ndef f(x):\n\n    return x  # same\n')).toBe(true);
    expect(await commentOnlyChange('python', 'def f(x):\n    return x\n', 'def f(x):\n    """Doc."""\n    return x\n')).toBe(false);
    expect(await commentOnlyChange('typescript', 'export const a = 1;\n', '/** a */\nexport const a = 1; // one\n')).toBe(true);
    expect(await commentOnlyChange('typescript', 'export const a = 1;\n', 'export const a = 2;\n')).toBe(false);
  });

  it('impact: high for an interface change, medium for other changes, low for comments only', () => {
    const code = { kind: 'code' as const, file: 'c.py', against: 'last sync' as const, status: 'changed' as const };
    expect(impactOf([])).toBe('none');
    expect(impactOf([{ ...code, interfaceChanged: true }])).toBe('high');
    expect(impactOf([{ ...code, interfaceChanged: false, commentOnly: false }])).toBe('medium');
    expect(impactOf([{ ...code, interfaceChanged: false, commentOnly: true }])).toBe('low');
  });

  it('reports against the last sync (its text found by hash) and git HEAD: declarations, interface, lines', async () => {
    const ws = new TempWorkspace().write({
      'prompts/calc_python.prompt': 'Add.\n',
      'calc.py': 'def add(a, b):\n    return a + b\n',
      '.pdd/generated/calc_python/calc.py': 'def add(a, b):\n    return a + b\n',
    });
    try {
      const git = (...args: string[]) =>
        execFileSync('git', args, {
          cwd: ws.root,
          env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
        });
      const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
      // The fingerprint records the committed code's hash.
      ws.write({
        '.pdd/meta/calc_python.json': JSON.stringify({
          pdd_version: 'x',
          timestamp: '',
          command: 'generate',
          prompt_hash: null,
          code_hash: sha256('def add(a, b):\n    return a + b\n'),
        }),
      });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'c');
      writeFileSync(ws.path('calc.py'), 'def add(a, b, c=0):\n    return a + b + c\n\n\ndef sub(a, b):\n    return a - b\n');
      const fp = readFingerprint(ws.root, unit.metaFile).fingerprint;
      const r = await changeReport(ws.root, unit, fp);
      expect(r.impact).toBe('high');
      expect(r.files.map((f) => [f.file, f.against, f.status, f.interfaceChanged, f.declarations])).toEqual([
        ['calc.py', 'last sync', 'changed', true, { added: ['function sub'], removed: [], modified: ['function add'] }],
        ['calc.py', 'git HEAD', 'changed', true, { added: ['function sub'], removed: [], modified: ['function add'] }],
      ]);
      expect(changeReportLines(r)[1]).toBe(
        '    calc.py against last sync: changed; +6 -2 lines; added: function sub; modified: function add; public interface changed',
      );
      writeFileSync(ws.path('calc.py'), '# adds\ndef add(a, b):\n    return a + b  # plain\n');
      expect(await codeChangeIsCommentOnly(ws.root, unit, fp)).toBe(true);
    } finally {
      ws.dispose();
    }
  });

  it('outside git: hashes only, said once', async () => {
    const ws = new TempWorkspace().write({
      'prompts/calc_python.prompt': 'Add.\n',
      'calc.py': 'x = 2\n',
      '.pdd/meta/calc_python.json': JSON.stringify({ pdd_version: 'x', timestamp: '', command: 'generate', prompt_hash: null, code_hash: 'ab' }),
    });
    try {
      const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
      const r = await changeReport(ws.root, unit, readFingerprint(ws.root, unit.metaFile).fingerprint);
      expect(r.files).toEqual([{ kind: 'code', file: 'calc.py', against: 'last sync', status: 'hashes only' }]);
      expect(r.notes).toEqual(['not a git repository: changes are compared with the recorded hashes only']);
      // A repository with no commit yet is named as one.
      execFileSync('git', ['init', '-q'], { cwd: ws.root });
      expect((await changeReport(ws.root, unit, readFingerprint(ws.root, unit.metaFile).fingerprint)).notes).toEqual([
        'the git repository has no commit yet: changes are compared with the recorded hashes only',
      ]);
    } finally {
      ws.dispose();
    }
  });
});
