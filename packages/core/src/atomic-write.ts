import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { processAlive } from './process-alive';

let writes = 0;

/**
 * Fault injection for the kill -9 test (packages/core/src/sync/fault-injection.spec.ts): with
 * NX_PDD_FAULT_AT_WRITE=N the process kills itself with SIGKILL at its Nth atomic write, with
 * the new bytes in the temporary file and the target not yet replaced (the worst moment). Unset
 * (always, outside that test) it only counts.
 */
function faultPoint(): void {
  writes++;
  const at = process.env.NX_PDD_FAULT_AT_WRITE;
  if (at && writes === Number(at)) process.kill(process.pid, 'SIGKILL');
}

/** How many atomic writes this process has made (the fault-injection test's count of write points). */
export function atomicWriteCount(): number {
  return writes;
}

/** Temporary files end in this (`calc_python.json.4242.nx-pdd.tmp`): gitignored, and swept when their writer is dead. */
export const TEMP_SUFFIX = '.nx-pdd.tmp';

/**
 * Write a file so that readers see the old content or the new one, never half: the bytes go
 * to a temporary file in the same folder, which is then renamed over the target. A process
 * killed in between leaves `<file>.<pid>.nx-pdd.tmp`, which `sweepStaleTemporaries` removes.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}${TEMP_SUFFIX}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, content);
    faultPoint();
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // its folder could not be made: there is no temporary file
    }
    // Name the file (ENOSPC, EACCES, EROFS say nothing of which write failed); the code stays.
    const err = e as NodeJS.ErrnoException;
    if (err.code && !err.message.includes(path)) err.message = `cannot write ${path}: ${err.message}`;
    throw err;
  }
}

/** Remove the temporary files that writers which are no longer running left in `dirs`; returns them. */
export function sweepStaleTemporaries(dirs: readonly string[]): string[] {
  const removed: string[] = [];
  for (const dir of new Set(dirs)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = /\.(\d+)\.nx-pdd\.tmp$/.exec(name);
      if (!m || processAlive(Number(m[1]))) continue;
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
  }
  return removed;
}
