import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';

/*
 * kill -9 at every write point of a sync (rule atomic, issue #12): a new unit is synced in a
 * child process (generate, example, crash, verify, generate-tests, test, each journaled); the
 * process kills itself with SIGKILL at its Nth atomic write, for every N the sync has. The next
 * sync of the same workspace must recover and end in sync with the same files as an undisturbed
 * sync, leaving no journal and no temporary file behind.
 */
const REPO = join(__dirname, '../../../..');
const WORKER = join(__dirname, '__fixtures__', 'sync-worker.ts');

function sync(root: string, faultAt?: number) {
  const env = { ...process.env };
  delete env.NX_PDD_FAULT_AT_WRITE;
  if (faultAt !== undefined) env.NX_PDD_FAULT_AT_WRITE = String(faultAt);
  return spawnSync(process.execPath, ['-r', '@swc-node/register', WORKER, root], { cwd: REPO, env, encoding: 'utf8', timeout: 120_000 });
}

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else out.push(relative(root, join(dir, e.name)));
    }
  };
  walk(root);
  return out.sort();
}

/** What an undisturbed sync leaves: the unit's files and the fingerprint's hashes. */
function outcome(root: string) {
  const read = (p: string) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : null);
  const fp = JSON.parse(read('.pdd/meta/calc_python.json') ?? '{}');
  return {
    code: read('calc.py'),
    example: read('examples/calc_example.py'),
    tests: read('tests/test_calc.py'),
    hashes: [fp.prompt_hash, fp.code_hash, fp.example_hash, fp.test_hash],
  };
}

describe('kill -9 at every write point of a sync', () => {
  it('every interrupted sync recovers on the next run and ends as an undisturbed one', () => {
    const fresh = () => new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Write add(a, b) returning a + b.\n' });
    const baseline = fresh();
    let writes: number;
    let expected: ReturnType<typeof outcome>;
    try {
      const r = sync(baseline.root);
      expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ ok: true, state: 'completed' });
      writes = result.writes;
      expected = outcome(baseline.root);
    } finally {
      baseline.dispose();
    }
    expect(writes).toBeGreaterThan(5);

    const failures: string[] = [];
    let clean = 0;
    for (let n = 1; n <= writes; n++) {
      const ws = fresh();
      try {
        const killed = sync(ws.root, n);
        if (killed.signal !== 'SIGKILL') failures.push(`write ${n}: the process was not killed (${killed.status} ${killed.stderr.slice(0, 200)})`);
        const again = sync(ws.root);
        const result = again.status === 0 ? JSON.parse(again.stdout) : null;
        const leftovers = files(ws.root).filter((f) => f.endsWith('.nx-pdd.tmp') || f.includes('.pdd/journal/'));
        const same = JSON.stringify(outcome(ws.root)) === JSON.stringify(expected);
        if (result?.ok && result.state === 'completed' && same && !leftovers.length) clean++;
        else failures.push(`write ${n}: ${JSON.stringify({ result, same, leftovers, stderr: again.stderr.slice(0, 300) })}`);
      } finally {
        ws.dispose();
      }
    }
    // Figures for the issue note: trials and clean recoveries.
    process.stdout.write(`fault injection: ${writes} trials, ${clean} clean recoveries\n`);
    expect(failures).toEqual([]);
    expect(clean).toBe(writes);
  }, 900_000);
});
