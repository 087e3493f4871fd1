import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { resolveUnits } from '../units';
import { recoverJournal, Transaction } from './transaction';

const JOURNAL = '.pdd/journal/calc_python.json';
const what = { unit: 'calc_python', operation: 'generate' };

describe('transactions (rule atomic)', () => {
  let ws: TempWorkspace;
  const read = (p: string) => (existsSync(ws.path(p)) ? readFileSync(ws.path(p), 'utf8') : null);
  const before = { 'a.txt': 'old a\n', 'b.txt': 'old b\n' }; // c.txt does not exist
  beforeEach(() => (ws = new TempWorkspace().write(before)));
  afterEach(() => ws.dispose());

  // A fault after each write: every prefix of the operation's writes is rolled back whole.
  for (let failAfter = 0; failAfter <= 3; failAfter++) {
    it(`an error after ${failAfter} of 3 writes leaves every file as before`, async () => {
      const writes: Array<[string, string]> = [
        ['a.txt', 'new a\n'],
        ['c.txt', 'new c\n'],
        ['b.txt', 'new b\n'],
      ];
      await expect(
        Transaction.run(ws.root, JOURNAL, what, ['a.txt', 'b.txt', 'c.txt'], async () => {
          writes.slice(0, failAfter).forEach(([p, c]) => writeFileSync(ws.path(p), c));
          throw new Error(`fault after ${failAfter}`);
        }),
      ).rejects.toThrow(`fault after ${failAfter}`);
      expect([read('a.txt'), read('b.txt'), read('c.txt')]).toEqual(['old a\n', 'old b\n', null]);
      expect(read(JOURNAL)).toBeNull();
    });
  }

  it('commits: the new files stay and the journal is gone', async () => {
    await Transaction.run(ws.root, JOURNAL, what, ['a.txt', 'c.txt'], async () => {
      writeFileSync(ws.path('a.txt'), 'new a\n');
      writeFileSync(ws.path('c.txt'), 'new c\n');
    });
    expect([read('a.txt'), read('c.txt'), read(JOURNAL)]).toEqual(['new a\n', 'new c\n', null]);
  });

  it('kill -9 mid-operation: the next run finds the journal, says what it was, and puts the files back', async () => {
    await new Promise<void>((resolve) => {
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', join(__dirname, '__fixtures__', 'tx-worker.ts'), ws.root],
        { cwd: join(__dirname, '../../../..') },
        () => resolve(),
      );
    });
    expect(read('b.txt')).toBe('NEW b, half wr');
    expect(read(JOURNAL)).not.toBeNull();
    expect(() => Transaction.begin(ws.root, JOURNAL, what, ['a.txt'])).toThrow(
      `${JOURNAL} exists: a previous operation of calc_python did not finish; recover it first`,
    );
    const recovery = recoverJournal(ws.root, JOURNAL);
    expect(recovery).toMatchObject({ unit: 'calc_python', operation: 'generate', restored: ['a.txt', 'b.txt', 'c.txt'] });
    expect([read('a.txt'), read('b.txt'), read('c.txt'), read(JOURNAL)]).toEqual(['old a\n', 'old b\n', null, null]);
    expect(recoverJournal(ws.root, JOURNAL)).toBeNull();
  }, 30_000);

  it("a planted journal naming files that are not the unit's (../, another unit, absolute) touches nothing", () => {
    ws.write({ 'prompts/calc_python.prompt': 'x', 'calc.py': 'mine\n', 'other.py': 'keep\n' });
    const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
    for (const path of ['../../outside.txt', '/tmp/x', 'other.py', 'calc/../other.py', '.pdd/journal/x.json']) {
      ws.write({
        [JOURNAL]: JSON.stringify({
          ...what,
          pid: 1,
          started: 't',
          files: [
            { path: 'calc.py', previous: null },
            { path, previous: Buffer.from('pwned').toString('base64') },
          ],
        }),
      });
      expect(() => recoverJournal(ws.root, JOURNAL, unit)).toThrow(`${JOURNAL} names files that are not calc_python's (${path}): nothing was restored`);
      expect([read('calc.py'), read('other.py')]).toEqual(['mine\n', 'keep\n']);
    }
    ws.write({
      [JOURNAL]: JSON.stringify({
        ...what,
        pid: 1,
        started: 't',
        files: [
          { path: 'calc.py', previous: Buffer.from('old\n').toString('base64') },
          { path: '.pdd/meta/calc_python.json', previous: null },
        ],
      }),
    });
    expect(recoverJournal(ws.root, JOURNAL, unit)?.restored).toEqual(['calc.py', '.pdd/meta/calc_python.json']);
    expect(read('calc.py')).toBe('old\n');
  });

  it('a journal that cannot be read is reported, not guessed at', () => {
    ws.write({ [JOURNAL]: '{"unit": "calc' });
    expect(() => recoverJournal(ws.root, JOURNAL)).toThrow(/cannot be read .* check the unit's files by hand \(git diff\), then delete/);
    expect(read('a.txt')).toBe('old a\n');
  });

  it('binary files round-trip through the journal', async () => {
    const bytes = Buffer.from([0, 255, 10, 13, 128]);
    writeFileSync(ws.path('bin.dat'), bytes);
    await expect(
      Transaction.run(ws.root, JOURNAL, what, ['bin.dat'], async () => {
        writeFileSync(ws.path('bin.dat'), 'text');
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    expect(readFileSync(ws.path('bin.dat'))).toEqual(bytes);
  });
});
