// A second process for the lock tests: node -r @swc-node/register lock-worker.ts <workspace> <hold ms>
import { resolveUnits } from '../../units';
import { acquireUnitLock } from '../unit-lock';

const [root, hold] = process.argv.slice(2);
const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: root }).units[0];
try {
  const lock = acquireUnitLock(root, unit);
  const until = Date.now() + Number(hold);
  while (Date.now() < until);
  lock.release();
  process.stdout.write('acquired');
} catch (e) {
  process.stdout.write((e as Error).message.includes('is locked by pid') ? 'locked' : `error: ${(e as Error).message}`);
}
