// Merge a 10,000-line file: base, ours (user edits spread through it) and theirs (a new
// generation changing other functions), through @nx-pdd/core's mergeGeneration, as sync does.
// Prints the time of a clean line merge and of a merge that needs the declaration pass.
// Usage: npm run build && node tools/bench/merge.mjs [lines=10000] [language=python|typescript]
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { mergeGeneration } = require('../../packages/core/dist/merge/merge-file.js');

const lines = Number(process.argv[2] ?? 10000);
const language = process.argv[3] ?? 'python';
const fn =
  language === 'python'
    ? (k, body) => [`def f${k}(x):`, ...body.map((b) => `    ${b}`), `    return x`, '', '']
    : (k, body) => [`export function f${k}(x: number): number {`, ...body.map((b) => `  ${b};`), `  return x;`, `}`, ''];
const stmt = (k, i) => (language === 'python' ? `x = x + ${k} * ${i}` : `x = x + ${k} * ${i}`);

const functions = Math.ceil(lines / fn(0, [0, 1, 2, 3, 4]).length);
function file(edit) {
  const out = [];
  for (let k = 0; k < functions; k++)
    out.push(
      ...fn(
        k,
        edit(
          k,
          [0, 1, 2, 3, 4].map((i) => stmt(k, i)),
        ),
      ),
    );
  return out.join('\n') + '\n';
}
const base = file((k, body) => body);
// ours: an edit in every 7th function; theirs: an edit in every 11th (apart from ours' ones).
const ours = file((k, body) => (k % 7 === 0 ? [...body.slice(0, 2), `y = ${k}`, ...body.slice(2)] : body));
const theirs = file((k, body) => (k % 11 === 0 && k % 7 !== 0 ? body.map((b, i) => (i === 4 ? b.replace('* 4', '* 44') : b)) : body));
// A move: ours moves the first function to the end while theirs changes it -> the line merge conflicts.
const moved = (() => {
  const l = ours.split('\n');
  const first = l.splice(0, fn(0, [0, 1, 2, 3, 4]).length + 1);
  return l.join('\n') + first.join('\n') + '\n';
})();
const theirsMoved = theirs.replace(stmt(0, 4), stmt(0, 4).replace('* 4', '* 444'));

async function time(label, input) {
  await mergeGeneration(input); // warm: the grammar loads once per process
  const runs = [];
  let out;
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    out = await mergeGeneration(input);
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${label}: median ${runs[2].toFixed(1)} ms (min ${runs[0].toFixed(1)}, max ${runs[4].toFixed(1)}), method ${out.method}, clean ${out.clean}, ${out.text.split('\n').length - 1} lines`,
  );
}

const cold = process.hrtime.bigint();
await mergeGeneration({ languageId: language, base: 'x = 1\n', ours: 'x = 2\n', theirs: 'x = 1\n' });
console.log(`grammar load (once per process): ${(Number(process.hrtime.bigint() - cold) / 1e6).toFixed(1)} ms`);
console.log(`${language}, ${base.split('\n').length - 1} lines; target: under 200 ms`);
await time('line merge (edits in different functions)', { languageId: language, base, ours, theirs });
await time('declaration merge (a moved function changed by both)', { languageId: language, base, ours: moved, theirs: theirsMoved });
