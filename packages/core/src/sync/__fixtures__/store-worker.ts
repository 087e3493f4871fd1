// A second process for the state store tests: node -r @swc-node/register store-worker.ts <db> <mode> <n> [budget]
import { SharedLedger } from '../shared-ledger';
import { StateStore } from '../state-store';

const [db, mode, n, budget] = process.argv.slice(2);
const store = StateStore.open(db);
const results: string[] = [];
if (mode === 'log') {
  for (let i = 0; i < Number(n); i++) {
    store.logOperation({ run_id: String(process.pid), unit_id: `u${i % 3}`, operation: 'generate', status: 'ok', started_at: new Date().toISOString() });
    store.setState(`u${i % 3}`, 'code_generated', { operation: 'generate', status: 'ok' });
  }
  results.push('ok');
} else {
  const ledger = new SharedLedger(store, { scope: 'run-1', budgetUsd: Number(budget), unitId: `p${process.pid}` });
  for (let i = 0; i < Number(n); i++) {
    try {
      const r = ledger.reserve(1, `call ${i}`);
      // Hold the reservation a moment, as a real call would, then settle below the estimate.
      const until = Date.now() + 5;
      while (Date.now() < until);
      r.settle(0.9);
      results.push('reserved');
    } catch (e) {
      results.push((e as Error).message.startsWith('budget of $') ? 'refused' : `error: ${(e as Error).message}`);
    }
  }
}
store.close();
process.stdout.write(JSON.stringify(results));
