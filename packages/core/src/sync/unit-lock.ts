import { pddLayout } from '../pdd-layout';
import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PddError } from '../errors';
import { PromptUnit } from '../units';
import { processAlive } from '../process-alive';
import { readContainedFile } from '../contained-read';

export interface LockHolder {
  /** -1 when the lock file holds no process id (empty, garbage): such a lock is stale. */
  pid: number;
  host: string | null;
  since: string | null;
}

/** A held lock; `release()` removes it (only if it is still ours). */
export interface UnitLock {
  readonly path: string;
  /** Set when a lock left by a dead process was taken over. */
  readonly tookOver: LockHolder | null;
  release(): void;
}

const TAKEOVER_STALE_MS = 30_000;
/** How long a lock file without a process id may be a lock being written. */
const EMPTY_LOCK_GRACE_MS = 2_000;

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readHolder(file: string): LockHolder | null {
  let text: string;
  try {
    // A lock file can be planted (a FIFO would hang every sync): read it as untrusted content.
    text = readContainedFile(dirname(file), basename(file), 4096)?.toString('utf8') ?? '';
  } catch {
    return null;
  }
  const pid = /^\d+$/.test(text.trim()) ? Number.parseInt(text.trim(), 10) : -1;
  let info: { host?: string; since?: string } = {};
  try {
    info = JSON.parse(readFileSync(`${file}.info`, 'utf8'));
  } catch {
    // PDD's own lock has no info file: only the PID.
  }
  return { pid: Number.isSafeInteger(pid) && pid > 0 ? pid : -1, host: info.host ?? null, since: info.since ?? null };
}

/**
 * One writer per unit (rule one-writer). The lock file holds only the PID, as PDD's SyncLock
 * writes and reads it, so PDD's `pdd sync` sees a live nx-pdd sync and refuses, and nx-pdd
 * refuses a live PDD one. Host and start time go in `<lock>.info` for the message. A lock
 * whose process is dead (same host) is taken over, by one process only (a `mkdir` mutex).
 */
export function acquireUnitLock(workspaceRoot: string, unit: PromptUnit): UnitLock {
  const rel = pddLayout(unit).lock;
  const file = join(workspaceRoot, rel);
  mkdirSync(dirname(file), { recursive: true });
  const me = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  let tookOver: LockHolder | null = null;
  for (let attempt = 0; attempt < 40; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(file);
      if (!holder) continue; // released meanwhile: try again
      if (holder.pid === -1) {
        // Empty or garbage: a lock being written this instant, or one left broken. Give a writer
        // a moment; after that it is stale whatever it says.
        if (ageMs(file) < EMPTY_LOCK_GRACE_MS) {
          sleepSync(50);
          continue;
        }
        if (takeOver(file, holder)) tookOver = holder;
        continue;
      }
      const sameHost = holder.host === null || holder.host === me.host;
      if (holder.pid === me.pid || !sameHost || processAlive(holder.pid)) {
        const where = holder.host ? ` on host ${holder.host}` : '';
        const since = holder.since ? ` since ${holder.since}` : '';
        throw new PddError(
          'LOCKED',
          `${unit.id} is locked by pid ${holder.pid}${where}${since} (${rel}); another sync of this unit is running. Wait for it, or if no such process exists, delete ${rel}`,
        );
      }
      if (takeOver(file, holder)) tookOver = holder;
      else sleepSync(25); // another process is taking it over: see who wins
      continue;
    }
    try {
      writeSync(fd, String(me.pid));
    } finally {
      closeSync(fd);
    }
    writeFileSync(`${file}.info`, JSON.stringify({ host: me.host, since: me.since }));
    return {
      path: rel,
      tookOver,
      release() {
        const holder = readHolder(file);
        if (holder?.pid !== me.pid) return;
        rmSync(`${file}.info`, { force: true });
        rmSync(file, { force: true });
      },
    };
  }
  throw new PddError('LOCKED', `${unit.id}: could not take the lock ${rel} (it kept changing hands)`);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Remove a dead holder's lock, unless another process is taking it over at the same moment. */
function takeOver(file: string, dead: LockHolder): boolean {
  const mutex = `${file}.takeover`;
  try {
    mkdirSync(mutex);
  } catch {
    try {
      if (Date.now() - statSync(mutex).mtimeMs > TAKEOVER_STALE_MS) rmdirSync(mutex);
    } catch {
      // gone meanwhile
    }
    return false;
  }
  try {
    const now = readHolder(file);
    if (now?.pid !== dead.pid) return false;
    rmSync(`${file}.info`, { force: true });
    rmSync(file, { force: true });
    return true;
  } finally {
    rmdirSync(mutex);
  }
}
