#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findPromptFiles, PROFILES, resolveUnits, statusLines, SyncProfile, workspaceStatus } from '@nx-pdd/core';
import { pluginOptionsFromNxJson } from '../plugins/options';
import { assignProjectNames } from '../plugins/project-names';

const HELP = `nx-pdd status [--json] [--profile=standard] [--cwd=<workspace>]

Every prompt unit of the workspace: whether it is in sync, the next step its sync would take,
why, and what the steps would cost at the most (the plan of "nx run <unit>:sync --dryRun"),
computed in one process: no Nx task per unit, no LLM call, nothing written.

  --json        print the rows as JSON (unit, project, prompt, standing, next, reason, steps,
                estimatedUsd, warnings) instead of the table
  --profile     quick | standard | thorough | safe (as for sync; default standard)
  --cwd         the workspace root (default: the nearest folder upward with nx.json)

Exit code: 0 when every unit is in sync or has work to do, 1 when a unit is in conflict or
has an error (a prompt that cannot be expanded), 2 for a usage error.`;

function workspaceRootFrom(start: string): string {
  for (let dir = resolve(start); ; dir = resolve(dir, '..')) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (resolve(dir, '..') === dir) return resolve(start);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (const arg of rest) {
    const m = /^--([a-zA-Z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      console.error(`nx-pdd: unexpected argument "${arg}"\n\n${HELP}`);
      return 2;
    }
    flags.set(m[1], m[2] ?? true);
  }
  if (!command || command === 'help' || command === '--help' || flags.has('help')) {
    console.log(HELP);
    return command ? 0 : 2;
  }
  if (command !== 'status') {
    console.error(`nx-pdd: unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  const profile = (typeof flags.get('profile') === 'string' ? flags.get('profile') : 'standard') as SyncProfile;
  if (!(profile in PROFILES)) {
    console.error(`nx-pdd: unknown --profile "${profile}" (use one of ${Object.keys(PROFILES).join(', ')})`);
    return 2;
  }
  const root = workspaceRootFrom(typeof flags.get('cwd') === 'string' ? (flags.get('cwd') as string) : process.cwd());
  let nxJson = null;
  try {
    nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
  } catch {
    // no nx.json: the plugin's defaults
  }
  const options = pluginOptionsFromNxJson(nxJson);
  const resolved = resolveUnits(findPromptFiles(root), {
    workspaceRoot: root,
    pluginSettings: options.settings,
    env: process.env,
    languages: options.languageTable,
  });
  const names = assignProjectNames(
    resolved.units.map((u) => ({ promptFile: u.promptFile, basename: u.basename, languageId: u.language.id, pddRoot: u.pddRoot })),
    options.projectNamePrefix,
  );
  const rows = await workspaceStatus(root, resolved.units, {
    env: process.env,
    profile,
    projectNames: new Map(resolved.units.map((u) => [u.id, names.get(u.promptFile)!])),
  });
  if (flags.has('json')) console.log(JSON.stringify(rows, null, 2));
  else statusLines(rows).forEach((line) => console.log(line));
  return rows.some((r) => r.standing === 'error' || r.standing === 'conflict') ? 1 : 0;
}

// exitCode, not exit(): a large --json on a pipe must be written out before the process ends.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`nx-pdd: ${e.message}`);
    process.exitCode = 1;
  },
);
