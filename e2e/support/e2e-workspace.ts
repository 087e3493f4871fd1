import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempWorkspace } from '../../tools/testing/temp-workspace';
import { NX_NATIVE_FILE_CACHE, pluginInstallDir } from './plugin-install';

/** How long one nx command may take in the e2e suite: room for a machine at a load of 20 on 2 cores. */
export const NX_COMMAND_TIMEOUT_MS = 480_000;

/** What every nx command of the e2e suite runs with: no daemon, no cloud, no TUI, no questions, no colour. */
export const NX_NON_INTERACTIVE = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false', CI: 'true', FORCE_COLOR: '0' };

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A real Nx workspace in a temp folder: git repo, nx.json with the nx-pdd plugin, and the
 * node_modules of the e2e install (nx + nx-pdd packed from this repo) linked in.
 */
export class E2EWorkspace extends TempWorkspace {
  readonly installDir = pluginInstallDir();
  /** Extra environment for every nx command (e.g. a fake API key). */
  env: NodeJS.ProcessEnv = {};

  /** A new workspace; with `cloneOf`, a `git clone` of that one instead (a second machine: its own .nx cache, no untracked files). */
  constructor(files: Record<string, string>, nxJson: object = { plugins: ['nx-pdd'] }, cloneOf?: E2EWorkspace) {
    super('nx-pdd-e2e-');
    if (cloneOf) {
      this.git('clone', '-q', cloneOf.root, '.');
      this.link('node_modules', join(this.installDir, 'node_modules'));
      return;
    }
    this.link('node_modules', join(this.installDir, 'node_modules'));
    this.write({
      'package.json': JSON.stringify({ name: 'e2e-workspace', private: true }, null, 2),
      'nx.json': JSON.stringify({ analytics: false, ...nxJson }, null, 2),
      '.gitignore': 'node_modules\n.nx\n.pdd/preprocessed/\ngraph.json\n',
      ...files,
    });
    this.git('init', '-q', '-b', 'main');
    this.commit('initial');
  }

  git(...args: string[]): string {
    const r = spawnSync('git', args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  commit(message: string): void {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
  }

  /**
   * Runs the real nx CLI of the install (no daemon, no cloud, no TUI, no prompts). A command
   * still running after NX_COMMAND_TIMEOUT_MS is killed and the test fails saying so: the kill is
   * a SIGTERM, which Nx turns into "stopped" tasks and exit 130, easily misread as a failure of
   * the command itself (the intermittent "exit 130" on a loaded machine was this, at 120 s).
   */
  nx(...args: string[]): RunResult {
    const r = spawnSync(process.execPath, [nxBin(this.installDir), ...args], {
      cwd: this.root,
      encoding: 'utf8',
      env: this.childEnv(),
      timeout: NX_COMMAND_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error || r.signal)
      throw new Error(
        `nx ${args.join(' ')} did not finish: ${r.error?.message ?? `killed by ${r.signal}`} (the e2e limit per command is ${NX_COMMAND_TIMEOUT_MS / 1000} s)\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
      );
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs nx without blocking this process (for commands that must run at the same time). */
  nxAsync(...args: string[]): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [nxBin(this.installDir), ...args], { cwd: this.root, env: this.childEnv() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  /**
   * Each workspace keeps its own Nx cache, as a separate machine would: Nx 24 shares one cache
   * per user between checkouts of a repository (`~/.nx/<id>/cache`, the id from the git remote
   * or first commit), so two clones here, or two workspaces whose first commits are alike,
   * would see each other's entries as "[local cache]".
   */
  private childEnv(): NodeJS.ProcessEnv {
    return withoutUndefined({
      ...process.env,
      ...NX_NON_INTERACTIVE,
      NX_NATIVE_COMMAND_RUNNER: 'false',
      NX_CACHE_DIRECTORY: join(this.root, '.nx', 'cache'),
      NX_NATIVE_FILE_CACHE_DIRECTORY: join(this.installDir, NX_NATIVE_FILE_CACHE),
      ...this.env,
    });
  }

  /** Runs nx and fails the test with its output when it exits non-zero. */
  nxOk(...args: string[]): string {
    const r = this.nx(...args);
    if (r.code !== 0) throw new Error(`nx ${args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    return r.stdout;
  }

  nxJson<T = unknown>(...args: string[]): T {
    const out = this.nxOk(...args);
    return JSON.parse(out.slice(out.search(/[[{]/)));
  }
}

/** The nx CLI script, as nx's package.json names it (it moved between major versions). */
function nxBin(installDir: string): string {
  const dir = join(installDir, 'node_modules', 'nx');
  const bin = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).bin;
  return join(dir, typeof bin === 'string' ? bin : bin.nx);
}

/** `env: { KEY: undefined }` removes KEY from the child's environment. */
function withoutUndefined(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}
