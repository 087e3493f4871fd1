// A process killed mid-transaction: node -r @swc-node/register tx-worker.ts <workspace>
// It begins a transaction over a.txt, b.txt, c.txt, writes a.txt and b.txt, then kills itself with SIGKILL.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transaction } from '../transaction';

const [root] = process.argv.slice(2);
Transaction.begin(root, '.pdd/journal/calc_python.json', { unit: 'calc_python', operation: 'generate' }, ['a.txt', 'b.txt', 'c.txt']);
writeFileSync(join(root, 'a.txt'), 'NEW a\n');
writeFileSync(join(root, 'b.txt'), 'NEW b, half wr');
process.kill(process.pid, 'SIGKILL');
