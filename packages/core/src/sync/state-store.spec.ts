import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { SharedLedger } from './shared-ledger';
import { STATE_SCHEMA_VERSION, StateStore } from './state-store';

const run = promisify(execFile);
const worker = join(__dirname, '__fixtures__', 'store-worker.ts');
const inWorker = async (...args: string[]) =>
  JSON.parse((await run(process.execPath, ['-r', '@swc-node/register', worker, ...args], { cwd: join(__dirname, '../../../..') })).stdout) as string[];

describe('state store (.pdd/state.db)', () => {
  let ws: TempWorkspace;
  let db: string;
  beforeEach(() => {
    ws = new TempWorkspace();
    db = ws.path('.pdd/state.db');
  });
  afterEach(() => ws.dispose());

  it('creates the schema at the current version in WAL mode, and reopens without migrating again', () => {
    const store = StateStore.open(db);
    expect(store.db.pragma('user_version', { simple: true })).toBe(STATE_SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.setState('calc_python', 'code_generated', { operation: 'generate', status: 'ok' });
    store.setState('calc_python', 'example_created');
    store.close();
    const again = StateStore.open(db);
    expect(again.getState('calc_python')).toMatchObject({ state: 'example_created', last_operation: 'generate', last_status: 'ok' });
    expect(again.warning).toBeNull();
    again.close();
  });

  it('peeks at a state without creating or changing anything (for --dry-run)', () => {
    expect(StateStore.peekState(db, 'calc_python')).toBeNull();
    expect(existsSync(db)).toBe(false);
    const store = StateStore.open(db);
    store.setState('calc_python', 'verified');
    store.close();
    expect(StateStore.peekState(db, 'calc_python')).toBe('verified');
  });

  it('refuses a schema newer than it knows, saying what to do', () => {
    StateStore.open(db).close();
    const Database = require('better-sqlite3');
    const raw = new Database(db);
    raw.pragma(`user_version = ${STATE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => StateStore.open(db)).toThrow(/newer than this nx-pdd knows .* delete .pdd\/state.db/);
  });

  it('a state.db another program keeps locked: a clear error naming the file and what to do, nothing set aside', () => {
    StateStore.open(db).close();
    const Database = require('better-sqlite3');
    for (const lock of ['BEGIN EXCLUSIVE', 'BEGIN IMMEDIATE']) {
      const raw = new Database(db);
      raw.exec(lock);
      expect(() => StateStore.open(db, { busyTimeoutMs: 100 })).toThrow(
        new RegExp(
          `${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is locked by another program \\(database is locked\\) and stayed locked for 0\\.\\d s: close whatever holds it`,
        ),
      );
      raw.close();
    }
    expect(readdirSync(ws.path('.pdd')).filter((f) => f.includes('corrupt'))).toEqual([]);
    StateStore.open(db).close();
  });

  it('several processes creating the same new state.db at once all open it (SQLite refuses one of two at once; it is asked again)', () => {
    // Each process loads, then waits for the same moment to open: they collide on purpose.
    const opener = `const { StateStore } = require(${JSON.stringify(join(__dirname, 'state-store.ts'))}); const at = Number(process.argv[2]); while (Date.now() < at); const s = StateStore.open(process.argv[1]); s.setState('u' + process.pid, 'verified'); s.close();`;
    const at = String(Date.now() + 8000);
    const children = Array.from({ length: 8 }, () =>
      spawn(process.execPath, ['-r', '@swc-node/register', '-e', opener, db, at], { stdio: ['ignore', 'ignore', 'pipe'] }),
    );
    return Promise.all(
      children.map(
        (c) =>
          new Promise<string>((resolve) => {
            let err = '';
            c.stderr.on('data', (d) => (err += d));
            c.on('close', (code) => resolve(`${code}${err ? ` ${err}` : ''}`));
          }),
      ),
    ).then((codes) => expect(codes).toEqual(Array(8).fill('0')));
  }, 120_000);

  it('sets a corrupt file aside and starts anew with a warning', () => {
    ws.write({ '.pdd/state.db': 'this is not a database, it is a text file that is long enough '.repeat(100) });
    const store = StateStore.open(db);
    expect(store.warning).toMatch(/state.db was corrupt .* moved to .*state.db.corrupt-\d+ and the state is rebuilt from the committed files/);
    expect(store.getState('x')).toBeNull();
    store.close();
    expect(readdirSync(ws.path('.pdd')).some((f) => f.startsWith('state.db.corrupt-'))).toBe(true);
  });

  it('logs operations newest first', () => {
    const store = StateStore.open(db);
    store.logOperation({ run_id: 'r', unit_id: 'u', operation: 'generate', status: 'ok', cost_usd: 0.01, started_at: 't1' });
    store.logOperation({ run_id: 'r', unit_id: 'u', operation: 'example', status: 'failed', error: 'bad answer', started_at: 't2' });
    expect(store.operations('u').map((o) => [o.operation, o.status, o.error])).toEqual([
      ['example', 'failed', 'bad answer'],
      ['generate', 'ok', null],
    ]);
    store.close();
  });

  it('takes concurrent writers from two processes without losing a row', async () => {
    StateStore.open(db).close();
    const results = await Promise.all([inWorker(db, 'log', '150'), inWorker(db, 'log', '150')]);
    expect(results).toEqual([['ok'], ['ok']]);
    const store = StateStore.open(db);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM operation_log').get() as { n: number }).n).toBe(300);
    expect(store.getState('u0')?.state).toBe('code_generated');
    store.close();
  }, 60_000);

  it('shared ledger: parallel reservations from four processes never pass the budget', async () => {
    StateStore.open(db).close();
    const all = (await Promise.all([1, 2, 3, 4].map(() => inWorker(db, 'ledger', '5', '7.5')))).flat();
    expect(all.filter((r) => r.startsWith('error'))).toEqual([]);
    // Each call reserves $1 and settles $0.90. One after the other, 8 fit ($0.90 x 7 + $1 <= $7.50);
    // when they overlap, a held reservation counts its full $1, so 7 or 8: never more.
    const reserved = all.filter((r) => r === 'reserved').length;
    expect([7, 8]).toContain(reserved);
    const store = StateStore.open(db);
    const ledger = new SharedLedger(store, { scope: 'run-1', budgetUsd: 7.5, unitId: 'check' });
    expect(ledger.spentUsd).toBeLessThanOrEqual(7.5);
    expect(ledger.calls).toBe(reserved);
    expect(all.filter((r) => r === 'refused').length).toBe(20 - reserved);
    store.close();
  }, 60_000);

  it('shared ledger: a released reservation frees its budget; another scope is not charged; the daily ceiling holds', () => {
    const store = StateStore.open(db);
    const a = new SharedLedger(store, { scope: 'a', budgetUsd: 1, unitId: 'u' });
    const r = a.reserve(0.8, 'first');
    expect(() => a.reserve(0.5, 'second')).toThrow('budget of $1.00 would be exceeded by second (used or held $0.80, worst case of the call $0.50)');
    r.release();
    a.reserve(0.5, 'second').settle(0.25);
    expect(a.spentUsd).toBe(0.25);
    const b = new SharedLedger(store, { scope: 'b', budgetUsd: 1, unitId: 'u', dailyCeilingUsd: 0.5 });
    expect(() => b.reserve(0.3, 'third')).toThrow(
      "the workspace's daily ceiling of $0.50 would be exceeded by third (used or held $0.25, worst case of the call $0.30)",
    );
    b.reserve(0.2, 'fourth').settle(0.2);
    expect(b.spentUsd).toBe(0.2);
    store.close();
    expect(existsSync(db)).toBe(true);
  });

  it('shared ledger: a reservation of a process that is gone is released when the ledger is next read; figures are exact', () => {
    const store = StateStore.open(db);
    const ceiling = { scope: 'k', budgetUsd: 1, unitId: 'u', dailyCeilingUsd: 0.025 };
    new SharedLedger(store, ceiling).reserve(0.0177, 'killed run');
    // As a run killed with SIGKILL leaves it: a held reservation of a pid that no longer runs.
    const dead = 2 ** 22 + 12345;
    store.db.prepare(`UPDATE ledger SET pid = ? WHERE what = 'killed run'`).run(dead);
    // Counted, the dead row would leave $0.0073: a $0.01 call fits only because it is released.
    const next = new SharedLedger(store, ceiling);
    next.reserve(0.01, 'next').settle(0.0012);
    const held = new SharedLedger(store, ceiling).reserve(0.02, 'live run');
    expect(() => new SharedLedger(store, ceiling).reserve(0.0062, 'one more')).toThrow(
      "the workspace's daily ceiling of $0.025 would be exceeded by one more (used or held $0.0212, worst case of the call $0.0062)",
    );
    held.release();
    expect(store.db.prepare(`SELECT status FROM ledger WHERE what = 'killed run'`).get()).toEqual({ status: 'released' });
    expect(next.ownSpentUsd).toBeCloseTo(0.0012, 10);
    store.close();
  });

  it('shared ledger: a provider that claims more than the worst case is charged the worst case, and no further call starts in that scope', () => {
    const store = StateStore.open(db);
    const a = new SharedLedger(store, { scope: 'over', budgetUsd: 0.1, unitId: 'u' });
    a.reserve(0.02, 'first').settle(0.02, 6.0002);
    expect(a.spentUsd).toBe(0.02);
    expect(() => a.reserve(0.001, 'second')).toThrow(
      'second not sent: a provider reported usage beyond what its request could cost (charged at the worst case $0.02, claimed $6.0002), so no further call starts in this run',
    );
    new SharedLedger(store, { scope: 'other', budgetUsd: 0.1, unitId: 'u' }).reserve(0.001, 'elsewhere').settle(0.001);
    store.close();
  });

  it('shared ledger: a calls-per-minute limit across scopes refuses with the wait', () => {
    const store = StateStore.open(db);
    const a = new SharedLedger(store, { scope: 'a', budgetUsd: 10, unitId: 'u', callsPerMinute: 2 });
    const b = new SharedLedger(store, { scope: 'b', budgetUsd: 10, unitId: 'v', callsPerMinute: 2 });
    a.reserve(0.1, 'one').settle(0.1);
    b.reserve(0.1, 'two').release();
    let error: any;
    try {
      a.reserve(0.1, 'three');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: 'rate-limit', message: "the workspace's limit of 2 LLM calls per minute is reached" });
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    store.close();
  });
});
