import { execFileSync } from 'node:child_process';

/**
 * The time written into fingerprints and run reports (PDD's `timestamp` fields). Committed and
 * cached files must be the same bytes on every machine that syncs the same commit, so it is
 * the commit's time (`git log -1 --format=%cI`), or NX_PDD_TIMESTAMP when set; outside git,
 * the current time.
 */
export function recordTime(workspaceRoot: string, env: NodeJS.ProcessEnv): Date {
  const given = env.NX_PDD_TIMESTAMP ? new Date(env.NX_PDD_TIMESTAMP) : null;
  if (given && !Number.isNaN(given.getTime())) return given;
  try {
    const out = execFileSync('git', ['log', '-1', '--format=%cI'], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    const commit = new Date(out);
    if (out && !Number.isNaN(commit.getTime())) return commit;
  } catch {
    // not a git repository, or no commit yet
  }
  return new Date();
}
