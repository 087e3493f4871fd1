import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { PromptUnit } from '../units';

export interface PythonInterpreter {
  /** What to run: an absolute path, or a command looked up on PATH. */
  command: string;
  /** Where it came from, for `--dryRun` and the log. */
  source: string;
}

const VENV_FOLDERS = ['.venv', 'venv'];

/**
 * The Python a unit's example and tests run with, first found of:
 * 1. the `python` setting (`.pddrc` context, plugin option, or PDD_PYTHON): a path with a
 *    slash is taken from the PDD root, a bare name is a command on PATH;
 * 2. the activated virtualenv (`VIRTUAL_ENV`);
 * 3. `.venv/` or `venv/` in the unit's PDD root, then in the workspace root;
 * 4. `python3` on PATH.
 * A project's interpreter is a program of the workspace (untrusted, docs/security.md): it runs
 * in the sandbox like the code it runs.
 */
export function pythonInterpreter(workspaceRoot: string, unit: Pick<PromptUnit, 'pddRoot' | 'settings'>, env: NodeJS.ProcessEnv): PythonInterpreter {
  const setting = unit.settings.python;
  if (setting) {
    const command = setting.includes('/') && !isAbsolute(setting) ? join(workspaceRoot, unit.pddRoot, setting) : setting;
    return { command, source: 'the python setting' };
  }
  if (env.VIRTUAL_ENV) {
    const candidate = join(env.VIRTUAL_ENV, 'bin', 'python');
    if (existsSync(candidate)) return { command: candidate, source: 'VIRTUAL_ENV' };
  }
  const roots = [...new Set([unit.pddRoot, ''])];
  for (const root of roots) {
    for (const folder of VENV_FOLDERS) {
      const candidate = join(workspaceRoot, root, folder, 'bin', 'python');
      if (existsSync(candidate)) return { command: candidate, source: `${join(root, folder)}/` };
    }
  }
  return { command: 'python3', source: 'python3 on PATH' };
}
