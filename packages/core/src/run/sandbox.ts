import { spawnSync } from 'node:child_process';
import { PddError } from '../errors';

/** `auto`: bubblewrap when it works here, else none (said); `require`: bubblewrap or an error; `off`: none. */
export type SandboxMode = 'auto' | 'require' | 'off';
export const SANDBOX_MODES: readonly SandboxMode[] = ['auto', 'require', 'off'];

let usable: boolean | undefined;

/** Whether bubblewrap runs here (installed, and allowed to make its namespaces): probed once per process. */
export function bubblewrapUsable(): boolean {
  if (usable === undefined) {
    const r = spawnSync(
      'bwrap',
      ['--die-with-parent', '--unshare-pid', '--unshare-net', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--', 'true'],
      { stdio: 'ignore', timeout: 30_000 },
    );
    usable = r.status === 0;
  }
  return usable;
}

/** Which sandbox a mode gives on this machine: `bwrap` or `none`; `require` without bubblewrap is an error saying what to do. */
export function sandboxFor(mode: SandboxMode = 'auto'): 'bwrap' | 'none' {
  if (mode === 'off') return 'none';
  if (bubblewrapUsable()) return 'bwrap';
  if (mode === 'require') {
    throw new PddError(
      'SANDBOX',
      '--sandbox=require: bubblewrap (bwrap) is not usable here: install it (Debian/Ubuntu: apt-get install bubblewrap) and allow unprivileged user namespaces, or use --sandbox=auto|off',
    );
  }
  return 'none';
}

/**
 * The bwrap command line around a program: its own PID namespace (a private /proc: no other
 * process's environment to read, and every descendant dies with it), no network, the whole
 * file system read-only but `writable` (the workspace and the run's scratch folder) less
 * `readOnly` (the files the run must leave alone), and it dies with its parent.
 */
export function bubblewrapArgs(cwd: string, writable: readonly string[], readOnly: readonly string[] = []): string[] {
  const binds = [...new Set(writable)].flatMap((dir) => ['--bind', dir, dir]);
  // Later mounts win: files inside a writable folder that the run must not change are bound read-only over it.
  const readOnlyBinds = [...new Set(readOnly)].flatMap((path) => ['--ro-bind', path, path]);
  return [
    '--die-with-parent',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-ipc',
    '--new-session',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    ...binds,
    ...readOnlyBinds,
    '--chdir',
    cwd,
    '--',
  ];
}
