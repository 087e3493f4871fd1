import { mergeGeneration } from './merge-file';

/** A small seeded PRNG (mulberry32): the same cases on every run. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface Syntax {
  id: string;
  fn: (name: string, k: number) => string[];
  /** A statement to put inside a body, at the body's indentation. */
  stmt: (tag: string) => string;
}

const PY: Syntax = { id: 'python', fn: (name, k) => [`def ${name}(x):`, `    a = x + ${k}`, `    return a`], stmt: (tag) => `    ${tag} = 1` };
const TS: Syntax = {
  id: 'typescript',
  fn: (name, k) => [`export function ${name}(x: number): number {`, `  const a = x + ${k};`, `  return a;`, `}`],
  stmt: (tag) => `  const ${tag} = 1;`,
};

type Fn = { name: string; lines: string[] };

/** Random edits of one side: lines added inside functions, functions added, deleted and moved. Returns the added lines. */
function edit(fns: Fn[], side: string, rnd: (n: number) => number, s: Syntax): { fns: Fn[]; added: string[] } {
  const out = fns.map((f) => ({ name: f.name, lines: [...f.lines] }));
  const added: string[] = [];
  const edits = 1 + rnd(4);
  for (let i = 0; i < edits; i++) {
    const what = rnd(10);
    if (what < 5 && out.length) {
      const f = out[rnd(out.length)];
      const line = s.stmt(`${side}_${i}_${f.name}`);
      f.lines.splice(1 + rnd(f.lines.length - (s.id === 'python' ? 1 : 2)), 0, line);
      added.push(line);
    } else if (what < 7) {
      const f = { name: `${side}_new_${i}`, lines: s.fn(`${side}_new_${i}`, i) };
      out.splice(rnd(out.length + 1), 0, f);
      added.push(...f.lines);
    } else if (what < 8 && out.length > 1) {
      const [f] = out.splice(rnd(out.length), 1);
      for (const l of f.lines) {
        const j = added.indexOf(l);
        if (j >= 0) added.splice(j, 1);
      }
    } else if (out.length > 1) {
      const [f] = out.splice(rnd(out.length), 1);
      out.push(f);
    }
  }
  return { fns: out, added };
}

const text = (fns: Fn[]) => fns.map((f) => f.lines.join('\n')).join('\n\n\n') + '\n';

describe('merge property: every line a side added survives, or a conflict is reported', () => {
  for (const s of [PY, TS]) {
    it(`${s.id}: 300 generated edit pairs`, async () => {
      const rnd = random(s.id === 'python' ? 7 : 11);
      let clean = 0;
      for (let n = 0; n < 300; n++) {
        const base = Array.from({ length: 2 + rnd(6) }, (_, k) => ({ name: `f${k}`, lines: s.fn(`f${k}`, k) }));
        const ours = edit(base, 'ours', rnd, s);
        const theirs = edit(base, 'theirs', rnd, s);
        const out = await mergeGeneration({ languageId: s.id, base: text(base), ours: text(ours.fns), theirs: text(theirs.fns) });
        const result = new Set(out.text.split('\n'));
        const lost = [...ours.added, ...theirs.added].filter((l) => !result.has(l));
        if (out.clean) {
          clean++;
          expect({ case: n, lost }).toEqual({ case: n, lost: [] });
        } else {
          expect(out.conflicts.length).toBeGreaterThan(0);
          // The proposal holds both sides too.
          expect({ case: n, lost }).toEqual({ case: n, lost: [] });
        }
      }
      // The generator makes mostly mergeable pairs: the property is not met by conflicting always.
      expect(clean).toBeGreaterThan(150);
    });
  }
});
