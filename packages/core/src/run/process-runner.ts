import { spawn } from 'node:child_process';
import { PddError } from '../errors';

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
}

const SECRET = /(_API_KEY|_TOKEN|_SECRET|SECRET_|PASSWORD|_ACCESS_KEY|_PRIVATE_KEY)$|^(OPENAI|ANTHROPIC|GEMINI|GOOGLE|AZURE|AWS|MISTRAL|GROQ|OPENROUTER|DEEPSEEK|XAI|HF|HUGGINGFACE)_/i;

/** The environment without LLM keys and other secrets: generated code is untrusted code. */
export function scrubEnvironment(env: NodeJS.ProcessEnv, secretVars: readonly string[] = []): NodeJS.ProcessEnv {
  const extra = new Set(secretVars);
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && !extra.has(k) && !SECRET.test(k) && !k.startsWith('NX_PDD_')));
}

/**
 * Run a program as untrusted code: its own process group (a timeout kills the whole group,
 * children included), secrets removed from its environment, output kept up to a cap, exit
 * code, signal and duration recorded. A missing program is an error that names it, never a
 * test failure.
 */
export function runProcess(req: RunRequest): Promise<RunResult> {
  const cap = req.maxOutputBytes ?? 256 * 1024;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(req.command, req.args, { cwd: req.cwd, env: scrubEnvironment(req.env, req.secretVars), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 2000).unref();
    }, req.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') reject(new PddError('TOOL_MISSING', `"${req.command}" was not found on PATH: install it to run this unit (${[req.command, ...req.args].join(' ')})`));
      else reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever the program left running in its group goes too.
      killGroup('SIGKILL');
      resolve({ exitCode: code, signal, timedOut, durationMs: Date.now() - started, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), truncated });
    });
  });
}
