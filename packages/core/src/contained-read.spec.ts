import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { ContainedReader, readContainedFile } from './contained-read';
import { preprocessPrompt } from './preprocess';
import { promptHash } from './fingerprint';
import { resolveUnits } from './units';

/** Hostile prompts and includes (issue #12): each is a clear error of its unit, fast, and reads nothing it must not. */
describe("reading on a prompt's behalf", () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = new TempWorkspace();
  });
  afterEach(() => ws.dispose());
  const run = (text: string) => {
    ws.write({ 'prompts/a_python.prompt': text });
    return preprocessPrompt('prompts/a_python.prompt', { workspaceRoot: ws.root, pddRoot: '', mode: 'resolve' });
  };

  it('reads a regular file inside the workspace; null when it does not exist', () => {
    ws.write({ 'a.txt': 'hello' });
    expect(readContainedFile(ws.root, 'a.txt')?.toString()).toBe('hello');
    expect(readContainedFile(ws.root, 'nope.txt')).toBeNull();
  });

  it('refuses a link out of the workspace, a FIFO, a device and a file over the limit, without blocking', () => {
    ws.link('env', '/proc/self/environ').link('zero', '/dev/zero');
    execFileSync('mkfifo', [ws.path('fifo')]);
    ws.write({ 'big.txt': 'x'.repeat(2000) });
    expect(() => readContainedFile(ws.root, 'env')).toThrow(/^env: leads outside the workspace/);
    expect(() => readContainedFile(ws.root, 'zero')).toThrow(/^zero: leads outside the workspace/);
    expect(() => readContainedFile(ws.root, 'fifo')).toThrow(/^fifo: is not a regular file \(a pipe, socket or device\)/);
    expect(() => readContainedFile(ws.root, 'big.txt', 1000)).toThrow(/^big\.txt: is 2000 bytes, over the limit of 1000/);
  }, 60_000);

  it('one reader for many files resolves each folder once and still refuses every link out', () => {
    ws.write({ 'p/a.txt': 'a', 'p/b.txt': 'b', 'q/c.txt': 'c' });
    ws.link('p/env', '/proc/self/environ').link('out', '/etc').link('inside', 'q');
    const reader = new ContainedReader(ws.root);
    expect(reader.read('p/a.txt')?.toString()).toBe('a');
    // A link in a folder already resolved is followed to where it leads, and refused there.
    expect(() => reader.read('p/env')).toThrow(/^p\/env: leads outside the workspace/);
    expect(reader.read('p/b.txt')?.toString()).toBe('b');
    // A folder that is a link: inside the workspace it is read through, outside it is refused.
    expect(reader.read('inside/c.txt')?.toString()).toBe('c');
    expect(() => reader.read('out/hostname')).toThrow(/^out\/hostname: leads outside the workspace/);
    expect(() => reader.read(relative(ws.root, '/etc/hostname'))).toThrow(/leads outside the workspace \(to \/etc\/hostname\)/);
    expect(reader.read('nowhere/x.txt')).toBeNull();
    expect(reader.read('p/a.txt/x')).toBeNull();
    expect(() => reader.read('p')).toThrow(/^p: is a folder/);
    // Names that only start with dots are inside; a path that steps out with .. is not.
    ws.write({ '..notes.md': 'n', 'p/...md': 'm' });
    expect(reader.read('..notes.md')?.toString()).toBe('n');
    expect(reader.read('p/...md')?.toString()).toBe('m');
    expect(reader.stat('..notes.md')).not.toBeNull();
    expect(() => reader.read('p/../../x')).toThrow(/leads outside the workspace/);
    expect(reader.read('p/./a.txt')?.toString()).toBe('a');
  });

  it('a prompt that is a link to /proc/self/environ is refused before a byte is read', () => {
    ws.link('prompts/env_python.prompt', '/proc/self/environ');
    expect(() => preprocessPrompt('prompts/env_python.prompt', { workspaceRoot: ws.root, pddRoot: '', mode: 'resolve' })).toThrow(
      /leads outside the workspace/,
    );
    const unit = resolveUnits(['prompts/env_python.prompt'], { workspaceRoot: ws.root }).units[0];
    expect(() => promptHash(ws.root, unit)).toThrow(/leads outside the workspace/);
  });

  it('an include of a FIFO or of a link to /dev/zero is an error of the unit, at once', () => {
    execFileSync('mkfifo', [ws.path('fifo.md')]);
    ws.link('zero.md', '/dev/zero');
    const value = run('<include>fifo.md</include>\n<include>zero.md</include>\n');
    expect(value.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^prompts\/a_python\.prompt:1: cannot read include "fifo\.md": fifo\.md: is not a regular file/),
      expect.stringMatching(/^prompts\/a_python\.prompt:2: include "zero\.md" resolves through a link to a file outside the workspace/),
    ]);
  }, 60_000);

  it('an include bomb (24 files, each including the next twice) stops with a clear error', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 24; i++) files[`bomb/${i}.md`] = i === 23 ? 'x\n' : `<include>bomb/${i + 1}.md</include>\n<include>bomb/${i + 1}.md</include>\n`;
    ws.write(files);
    const value = run('<include>bomb/0.md</include>\n');
    expect(value.errors.map((e) => e.code)).toContain('INCLUDE_LIMIT');
  }, 60_000);

  it('a 3,000-deep include chain stops at the depth limit, without a stack overflow', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`chain/${i}.md`] = i === 2999 ? 'end\n' : `<include>chain/${i + 1}.md</include>\n`;
    ws.write(files);
    const value = run('<include>chain/0.md</include>\n');
    expect(value.errors.map((e) => e.code)).toEqual(['INCLUDE_DEPTH']);
    expect(value.errors[0].message).toContain('includes nested more than 64 deep');
  }, 60_000);

  it('bytes that are not UTF-8 are a warning naming the file', () => {
    ws.write({ 'latin1.md': '' });
    writeFileSync(ws.path('latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const r = run('<include>latin1.md</include>\n');
    expect(r.warnings.map((w) => w.message)).toContain('latin1.md: is not UTF-8: bytes that are not were read as U+FFFD (save it as UTF-8)');
  });
});
