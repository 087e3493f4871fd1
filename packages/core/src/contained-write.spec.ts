import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { writeContainedFile } from './contained-write';

describe('writing a workspace file', () => {
  let ws: TempWorkspace;
  let outside: string;
  beforeEach(() => {
    ws = new TempWorkspace();
    outside = mkdtempSync(join(tmpdir(), 'nx-pdd-outside-'));
  });
  afterEach(() => {
    ws.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('writes inside, creating folders, also through a symlink that stays inside', () => {
    writeContainedFile(ws.root, 'src/deep/calc.py', 'x = 1\n');
    expect(readFileSync(ws.path('src/deep/calc.py'), 'utf8')).toBe('x = 1\n');
    symlinkSync('src', ws.path('lib'));
    writeContainedFile(ws.root, 'lib/deep/other.py', 'y\n');
    expect(readFileSync(ws.path('src/deep/other.py'), 'utf8')).toBe('y\n');
  });

  it('refuses a folder that a committed symlink leads outside, also below folders not made yet', () => {
    symlinkSync(outside, ws.path('src'));
    expect(() => writeContainedFile(ws.root, 'src/calc.py', 'x')).toThrow(`src/calc.py: leads outside the workspace (its folder is ${outside})`);
    expect(() => writeContainedFile(ws.root, 'src/new/deeper/calc.py', 'x')).toThrow('leads outside the workspace');
    mkdirSync(ws.path('.pdd'));
    symlinkSync(outside, ws.path('.pdd/meta'));
    expect(() => writeContainedFile(ws.root, '.pdd/meta/calc_python.json', '{}')).toThrow('replace the symlink with a folder');
    expect(existsSync(join(outside, 'calc.py'))).toBe(false);
    expect(existsSync(join(outside, 'calc_python.json'))).toBe(false);
  });
});
