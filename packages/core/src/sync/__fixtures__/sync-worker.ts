import { pddLayout } from '../../pdd-layout';
// One whole sync of a new unit, for the kill -9 fault-injection test:
//   node -r @swc-node/register sync-worker.ts <workspace>
// The LLM answers from a script; crash, verify and test are stand-ins that record their result.
// With NX_PDD_FAULT_AT_WRITE=N the process kills itself at its Nth atomic write. On a normal end
// it prints {"ok", "state", "writes"} as JSON.
import { atomicWriteCount } from '../../atomic-write';
import { sha256 } from '../../fingerprint';
import { runOperation } from '../../operations/run-operation';
import { writeRunReport } from '../../run-report';
import { resolveUnits } from '../../units';
import { RUN_REPORT_CODE_KEY } from '../observe';
import { OperationImpl, syncUnit } from '../sync-unit';
import { StateStore } from '../state-store';
import { acquireUnitLock } from '../unit-lock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scriptedLlm } from '../../../../../tools/testing/scripted-llm';

const [root] = process.argv.slice(2);
const fenced = (lang: string, body: string) => '```' + lang + '\n' + body + '\n```';
const { llm } = scriptedLlm(join(root, '.pdd/cache/llm'), (call) => {
  const text = call.request.messages.map((m) => m.content).join('\n');
  if (text.includes('usage example')) return fenced('python', 'from calc import add\nprint(add(1, 2))');
  if (text.includes('Write tests/test_calc.py')) return fenced('python', 'from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3');
  return fenced('python', 'def add(a, b):\n    return a + b');
});
const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: root }).units[0];
const opEnv = { workspaceRoot: root, llm };
const viaCore = (op: 'generate' | 'example' | 'generate-tests'): OperationImpl => async (u) => {
  const r = await runOperation(op, u, opEnv);
  return { costUsd: r.costUsd, model: r.model, lines: [] };
};
const test: OperationImpl = async (u) => {
  const code = sha256(readFileSync(join(root, u.paths.code)));
  const tests = sha256(readFileSync(join(root, u.paths.test!)));
  writeRunReport(root, pddLayout(u).runReport, { timestamp: 't', exit_code: 0, tests_passed: 1, tests_failed: 0, coverage: 100, test_hash: tests, [RUN_REPORT_CODE_KEY]: code, nx_pdd_coverage_measured: true });
  return { costUsd: 0, model: null, lines: [] };
};
// As the sync executor does: the unit's lock first. A killed run leaves it, and the next run
// sweeps the temporary files only because it takes the lock over.
const lock = acquireUnitLock(root, unit);
const store = StateStore.open(join(root, '.pdd/state.db'));
syncUnit(
  unit,
  {
    workspaceRoot: root,
    store,
    runId: 'fault',
    version: 'nx-pdd-test',
    interrupted: lock.tookOver !== null,
    log: () => undefined,
    operations: {
      generate: viaCore('generate'),
      example: viaCore('example'),
      'generate-tests': viaCore('generate-tests'),
      crash: async () => ({ costUsd: 0, model: null, lines: [], exampleOk: true }),
      verify: async () => ({ costUsd: 0, model: null, lines: [], verified: true }),
      test,
    },
  },
  { skipVerify: false, skipTests: false, targetCoverage: 90, autoDeps: false, mergeAvailable: true, resolve: null, maxAttempts: 3, maxSteps: 20 },
).then((out) => {
  store.close();
  lock.release();
  process.stdout.write(JSON.stringify({ ok: out.ok, state: out.state, writes: atomicWriteCount() }));
});
