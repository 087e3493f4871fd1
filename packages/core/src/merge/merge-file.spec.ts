import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { mergeGeneration } from './merge-file';

const FIXTURES = join(__dirname, '__fixtures__');
const LANGUAGE: Record<string, string> = { py: 'python', ts: 'typescript' };

describe('merge corpus (base / ours / theirs / expected)', () => {
  for (const name of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, name);
    const ext = name.split('-')[0];
    const read = (f: string) => readFileSync(join(dir, `${f}.${ext}`), 'utf8');
    it(name, async () => {
      const out = await mergeGeneration({ languageId: LANGUAGE[ext], base: read('base'), ours: read('ours'), theirs: read('theirs') });
      const conflictFile = join(dir, 'expected.conflict');
      if (existsSync(conflictFile)) {
        expect(out.clean).toBe(false);
        const where = readFileSync(conflictFile, 'utf8').trim().split(': ')[1];
        if (where) expect(out.conflicts.map((c) => c.where)).toContain(where);
        // Neither side is lost: every line ours or theirs added to base is in the proposal.
        const proposal = new Set(out.text.split(/\r?\n/));
        const base = new Set(read('base').split('\n'));
        for (const line of [...read('ours').split('\n'), ...read('theirs').split('\n')]) if (!base.has(line)) expect(proposal).toContain(line);
      } else {
        expect({ clean: out.clean, notes: out.notes }).toEqual({ clean: true, notes: [] });
        expect(out.text).toBe(read('expected'));
      }
    });
  }
});
