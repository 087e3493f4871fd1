import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PddError } from '../errors';
import { redactValues, secretValues, untrustedEnvironment } from '../secrets';
import { bubblewrapArgs, SandboxMode, sandboxFor } from './sandbox';

export interface RunRequest {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Bytes of stdout and of stderr kept (the rest is counted, not kept). Default 256 KiB. */
  maxOutputBytes?: number;
  /** Names of environment variables that are secrets besides the usual patterns (the model table's key variables). */
  secretVars?: readonly string[];
  /** Variables passed to the program besides the allowlist (the plugin option `passEnv`). */
  passEnv?: readonly string[];
  /** Run it in a bubblewrap sandbox (docs/security.md); default `off` here, the operations pass the user's choice. */
  sandbox?: SandboxMode;
  /** What the program may write inside the sandbox (the workspace, report folders); its own scratch folder is added. */
  writable?: readonly string[];
  /** Existing files and folders inside `writable` that stay read-only in the sandbox (outside it, the caller restores them). */
  readOnly?: readonly string[];
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** True when output beyond maxOutputBytes was dropped. */
  truncated: boolean;
  /** The sandbox it ran in. */
  sandbox: 'bwrap' | 'none';
}

/** The environment variable every program nx-pdd runs (and all it starts) carries. */
export const RUN_MARKER = 'NX_PDD_RUN';

/** Kill functions of the programs running now, for a signal handler that must stop them all. */
const running = new Set<(signal: NodeJS.Signals) => void>();

/** Stop every program this process is running (its group and every process carrying its marker). */
export function killRunningPrograms(): void {
  for (const kill of running) kill('SIGKILL');
}

/**
 * Kill every process whose environment carries `marker` (Linux: /proc/<pid>/environ). This finds
 * descendants that left the process group or were reparented to init; a program that clears its
 * own environment escapes it (a sandbox is the answer there, docs/security.md).
 */
function killMarked(marker: string, signal: NodeJS.Signals): void {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return; // no /proc: process groups only
  }
  const needle = `${RUN_MARKER}=${marker}\0`;
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) process.kill(Number(pid), signal);
    } catch {
      // gone, or not ours to read
    }
  }
}

/**
 * Run a program as untrusted code: its own process group (a timeout kills the whole group,
 * children included), an allowlisted environment, secret values redacted from its output, output kept up to a cap, exit
 * code, signal and duration recorded. A missing program is an error that names it, never a
 * test failure.
 */
export function runProcess(req: RunRequest): Promise<RunResult> {
  const cap = req.maxOutputBytes ?? 256 * 1024;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Every descendant inherits the marker, also one that leaves the process group (setsid) or
    // is reparented: the end of the run kills them by it.
    const marker = `${process.pid}-${started}-${Math.random().toString(36).slice(2)}`;
    let sandbox: 'bwrap' | 'none';
    try {
      sandbox = sandboxFor(req.sandbox ?? 'off');
    } catch (e) {
      return reject(e);
    }
    const env = { ...untrustedEnvironment(req.env, req.passEnv, req.secretVars), [RUN_MARKER]: marker };
    let command = req.command;
    let args = req.args;
    let scratch: string | null = null;
    if (sandbox === 'bwrap') {
      // The root file system is read-only inside: temporary files and tool caches go to a scratch folder.
      scratch = mkdtempSync(join(tmpdir(), 'nx-pdd-run-'));
      Object.assign(env, { TMPDIR: scratch, npm_config_cache: join(scratch, 'npm'), XDG_CACHE_HOME: join(scratch, 'cache') });
      args = [...bubblewrapArgs(req.cwd, [...(req.writable ?? []), scratch], req.readOnly), command, ...args];
      command = 'bwrap';
    }
    const child = spawn(command, args, { cwd: req.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const removeScratch = () => scratch && rmSync(scratch, { recursive: true, force: true });
    // What the program prints is kept (run reports, fix prompts, logs): never a secret value,
    // even one it read from /proc/<pid>/environ of an ancestor.
    const secrets = secretValues(req.env, req.secretVars);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let kept = [0, 0];
    let truncated = false;
    const collect = (which: 0 | 1, into: Buffer[]) => (chunk: Buffer) => {
      const room = cap - kept[which];
      if (room <= 0) return void (truncated = true);
      if (chunk.length > room) truncated = true;
      const part = chunk.subarray(0, room);
      into.push(part);
      kept = which === 0 ? [kept[0] + part.length, kept[1]] : [kept[0], kept[1] + part.length];
    };
    child.stdout!.on('data', collect(0, out));
    child.stderr!.on('data', collect(1, err));
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
      killMarked(marker, signal);
    };
    running.add(killGroup);
    // nx-pdd's parent (the Nx task runner) gone, killed -9 say: stop the program now rather than
    // let it run on unobserved.
    const parent = process.ppid;
    const watchdog = setInterval(() => {
      if (process.ppid !== parent) killGroup('SIGKILL');
    }, 1000);
    watchdog.unref();
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 2000).unref();
    }, req.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      clearInterval(watchdog);
      running.delete(killGroup);
      removeScratch();
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        reject(new PddError('TOOL_MISSING', `"${req.command}" was not found on PATH: install it to run this unit (${[req.command, ...req.args].join(' ')})`));
      else reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watchdog);
      running.delete(killGroup);
      removeScratch();
      // Whatever the program left running in its group goes too.
      killGroup('SIGKILL');
      const text = (chunks: Buffer[]) => redactValues(Buffer.concat(chunks).toString('utf8'), secrets);
      resolve({ exitCode: code, signal, timedOut, durationMs: Date.now() - started, stdout: text(out), stderr: text(err), truncated, sandbox });
    });
  });
}
