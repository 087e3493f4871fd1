import { pddLayout } from '../pdd-layout';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { resolveUnits } from '../units';
import { acquireUnitLock } from './unit-lock';

const run = promisify(execFile);
const worker = join(__dirname, '__fixtures__', 'lock-worker.ts');

describe('unit lock (one writer per unit)', () => {
  let ws: TempWorkspace;
  beforeEach(() => (ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'x' })));
  afterEach(() => ws.dispose());
  const unit = () => resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

  it('is PDD\'s lock file, holding only the PID; a second taker gets "locked by pid N on host H since T"', () => {
    const lock = acquireUnitLock(ws.root, unit());
    expect(lock.path).toBe('.pdd/locks/calc_python.lock');
    expect(readFileSync(ws.path(lock.path), 'utf8')).toBe(String(process.pid));
    expect(() => acquireUnitLock(ws.root, unit())).toThrow(
      new RegExp(`calc_python is locked by pid ${process.pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT`),
    );
    lock.release();
    expect(existsSync(ws.path(lock.path))).toBe(false);
    acquireUnitLock(ws.root, unit()).release();
  });

  it('honours a live PDD lock (PID only, no info file)', async () => {
    const child = spawn('sleep', ['10']);
    try {
      ws.write({ [pddLayout(unit()).lock]: String(child.pid) });
      expect(() => acquireUnitLock(ws.root, unit())).toThrow(`calc_python is locked by pid ${child.pid} (.pdd/locks/calc_python.lock)`);
    } finally {
      child.kill();
    }
  });

  it('takes over a lock whose process is dead, and says whose it was', () => {
    const pid = deadPid();
    ws.write({ [pddLayout(unit()).lock]: String(pid) });
    const lock = acquireUnitLock(ws.root, unit());
    expect(lock.tookOver).toMatchObject({ pid });
    expect(readFileSync(ws.path(lock.path), 'utf8')).toBe(String(process.pid));
    lock.release();
  });

  it('takes over an empty or garbage lock file once it is not being written any more', () => {
    for (const content of ['', 'garbage', '-1', '0']) {
      ws.write({ [pddLayout(unit()).lock]: content });
      const old = new Date(Date.now() - 60_000);
      utimesSync(ws.path(pddLayout(unit()).lock), old, old);
      const lock = acquireUnitLock(ws.root, unit());
      expect(lock.tookOver).toMatchObject({ pid: -1 });
      expect(readFileSync(ws.path(lock.path), 'utf8')).toBe(String(process.pid));
      lock.release();
    }
  });

  it('names the lock as PDD does: no folder for a basename with one', () => {
    ws.write({ 'prompts/core/cloud_python.prompt': 'x' });
    const u = resolveUnits(['prompts/core/cloud_python.prompt'], { workspaceRoot: ws.root }).units[0];
    expect(pddLayout(u).lock).toBe('.pdd/locks/core_cloud_python.lock');
  });

  it('treats a lock from another host as held (its process cannot be checked)', () => {
    ws.write({
      [pddLayout(unit()).lock]: String(deadPid()),
      [`${pddLayout(unit()).lock}.info`]: JSON.stringify({ host: 'build-agent-7', since: '2026-11-24T10:00:00Z' }),
    });
    expect(() => acquireUnitLock(ws.root, unit())).toThrow(/on host build-agent-7 since 2026-11-24T10:00:00Z/);
  });

  it('release leaves a lock that is no longer ours alone', () => {
    const lock = acquireUnitLock(ws.root, unit());
    ws.write({ [lock.path]: '999999' });
    lock.release();
    expect(readFileSync(ws.path(lock.path), 'utf8')).toBe('999999');
  });

  it('four processes racing for a stale lock: exactly one gets it', async () => {
    ws.write({ [pddLayout(unit()).lock]: String(deadPid()) });
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(
        async () => (await run(process.execPath, ['-r', '@swc-node/register', worker, ws.root, '4000'], { cwd: join(__dirname, '../../../..') })).stdout,
      ),
    );
    expect(outcomes.sort()).toEqual(['acquired', 'locked', 'locked', 'locked']);
  }, 60_000);
});
