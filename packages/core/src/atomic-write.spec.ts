import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { sweepStaleTemporaries, writeFileAtomic } from './atomic-write';

describe('atomic writes and what a killed writer leaves', () => {
  it('writes whole files and leaves no temporary file', () => {
    const ws = new TempWorkspace();
    try {
      writeFileAtomic(ws.path('.pdd/meta/a.json'), '{}');
      expect(readdirSync(ws.path('.pdd/meta'))).toEqual(['a.json']);
    } finally {
      ws.dispose();
    }
  });

  it("sweeps the temporary files of writers that are gone, and keeps a live one's", () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8', timeout: 30_000 }).stdout;
    const ws = new TempWorkspace().write({
      [`.pdd/meta/a.json.${dead}.nx-pdd.tmp`]: 'half',
      [`.pdd/meta/b.json.${process.pid}.nx-pdd.tmp`]: 'being written',
      '.pdd/meta/c.json': '{}',
    });
    try {
      expect(sweepStaleTemporaries([ws.path('.pdd/meta'), ws.path('missing')])).toEqual([ws.path(`.pdd/meta/a.json.${dead}.nx-pdd.tmp`)]);
      expect(existsSync(ws.path(`.pdd/meta/b.json.${process.pid}.nx-pdd.tmp`))).toBe(true);
      expect(existsSync(ws.path('.pdd/meta/c.json'))).toBe(true);
    } finally {
      ws.dispose();
    }
  }, 60_000);

  it('a write that fails names the file, keeps the error code, and leaves no temporary file', () => {
    const ws = new TempWorkspace().write({ 'ro/keep.txt': 'old' });
    try {
      // A folder that cannot be made (its parent is a file): a failure like a full disk, from the writer's side.
      const target = ws.path('ro/keep.txt/x.json');
      expect(() => writeFileAtomic(target, '{}')).toThrow(`cannot write ${target}: `);
      expect(readdirSync(ws.path('ro'))).toEqual(['keep.txt']);
    } finally {
      ws.dispose();
    }
  });
});
