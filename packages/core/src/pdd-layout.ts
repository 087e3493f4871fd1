import { TEMP_SUFFIX } from './atomic-write';
import { joinPosix } from './workspace-paths';

/**
 * Every path nx-pdd and PDD keep under a PDD root's `.pdd/` folder, in one place. Paths are
 * workspace-relative (posix). What is committed and what is local state is said here too: the
 * init generator's gitignore lines come from `LOCAL_STATE`.
 */

/** What the layout needs of a unit (a `PromptUnit` has it all). */
export interface LayoutUnit {
  id: string;
  basename: string;
  pddRoot: string;
  language: { id: string };
  metaFile: string;
  promptFile: string;
  paths: { code: string; example: string | null; test: string | null };
}

export type LayoutArtifact = 'code' | 'example' | 'test';

export const PDD_DIR = '.pdd';

/** `.pdd/<parts>` under a PDD root. */
export function pddPath(pddRoot: string, ...parts: string[]): string {
  return joinPosix(pddRoot, PDD_DIR, ...parts);
}

/** A unit's id as one path component (`core/cloud_python` -> `core_cloud_python`). */
const flat = (unit: Pick<LayoutUnit, 'id'>) => unit.id.replace(/\//g, '_');

/** PDD's fingerprint file: `.pdd/meta/<basename with / as _>_<language suffix as written, lower-cased>.json`. */
export function metaFilePath(pddRoot: string, basename: string, languageToken: string): string {
  return pddPath(pddRoot, 'meta', `${basename.replace(/\//g, '_')}_${languageToken.toLowerCase()}.json`);
}

/** Every `.pdd` path of one unit. */
export interface PddLayout {
  /** PDD's fingerprint (committed). */
  meta: string;
  /** PDD's run report beside it, `<meta>_run.json` (committed). */
  runReport: string;
  /** The pristine store: the last generation of each file (committed; the base of merges). */
  generatedDir: string;
  pristine(kind: LayoutArtifact): string;
  /** The prompt as it was before `update` rewrote it (committed, beside the generations). */
  promptBackup: string;
  /** The public interface dependents' sync tasks hash (committed). */
  interface: string;
  /** The open transaction of a step (local). */
  journal: string;
  /** PDD's lock file (local; PDD's name: every character outside [A-Za-z0-9._-] as `_`). */
  lock: string;
  /** An open merge conflict (local). */
  conflicts: string;
  /** The expanded prompt the preprocess target writes (local). */
  preprocessed: string;
  /** The response cache of the LLM client (local). */
  llmCache: string;
  /** The state machine, operation log and cost ledger (local). */
  stateDb: string;
  /** One JSON report per sync run (local). */
  runs: string;
  /** A temporary file for a syntax check of generated code (local, removed after use). */
  syntaxCheck(pid: number, extension: string): string;
}

const layouts = new WeakMap<LayoutUnit, PddLayout>();

/** The unit's layout, computed once per unit object (inference asks for it per target). */
export function pddLayout(unit: LayoutUnit): PddLayout {
  let layout = layouts.get(unit);
  if (!layout) layouts.set(unit, (layout = computeLayout(unit)));
  return layout;
}

function computeLayout(unit: LayoutUnit): PddLayout {
  const root = unit.pddRoot;
  const generatedDir = pddPath(root, 'generated', flat(unit));
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const pristines = new Map<LayoutArtifact, string>();
  return {
    meta: unit.metaFile,
    runReport: unit.metaFile.replace(/\.json$/, '_run.json'),
    generatedDir,
    pristine(kind) {
      // Asked once per operation and kind when the plugin builds a unit's targets.
      let path = pristines.get(kind);
      if (path === undefined) {
        const working = unit.paths[kind];
        if (!working) throw new Error(`${unit.id} has no ${kind} file`);
        pristines.set(kind, (path = joinPosix(generatedDir, baseName(working))));
      }
      return path;
    },
    promptBackup: joinPosix(generatedDir, `${baseName(unit.promptFile)}.before-update`),
    interface: pddPath(root, 'interface', `${flat(unit)}.txt`),
    journal: pddPath(root, 'journal', `${flat(unit)}.json`),
    lock: pddPath(root, 'locks', `${safe(unit.basename)}_${safe(unit.language.id)}.lock`),
    conflicts: pddPath(root, 'conflicts', flat(unit)),
    preprocessed: pddPath(root, 'preprocessed', `${flat(unit)}.prompt`),
    llmCache: pddPath(root, 'cache', 'llm'),
    stateDb: pddPath(root, 'state.db'),
    runs: pddPath(root, 'runs'),
    syntaxCheck: (pid, extension) => pddPath(root, `syntax-check-${pid}${extension}`),
  };
}

/** Where interface documents are memoised by their inputs' hash (at the workspace root; local). */
export const INTERFACE_MEMO_DIR = `${PDD_DIR}/cache/interfaces`;

/** Folders of a PDD root whose files other units' runs must not change (the sandbox binds them read-only). */
export const SHARED_COMMITTED_DIRS = ['meta', 'generated'].map((d) => `${PDD_DIR}/${d}`);

/** The glob of every unit's interface file (what a dependent's sync task takes of its dependencies). */
export const INTERFACE_FILES_GLOB = `**/${PDD_DIR}/interface/*.txt`;

/** The workspace's own model table (PDD's `.pdd/llm_model.csv`), under a PDD root. */
export const modelTablePath = (pddRoot: string) => pddPath(pddRoot, 'llm_model.csv');

/** Where one invocation's summary lives (`.pdd/runs/last-invocation.*`, `.pdd/runs/invocations/<id>/`). */
export const INVOCATION_REPORTS = {
  dir: `${PDD_DIR}/runs`,
  records: `${PDD_DIR}/runs/invocations`,
  json: `${PDD_DIR}/runs/last-invocation.json`,
  junit: `${PDD_DIR}/runs/last-invocation.junit.xml`,
};

/** The folder where the sync tasks of one invocation leave their records for its summary. */
export function invocationRecordsDir(invocation: string): string {
  return `${INVOCATION_REPORTS.records}/${invocation.replace(/[^\w.-]/g, '_')}`;
}

/**
 * What under `.pdd/` is local to a machine and never committed, as gitignore patterns relative
 * to a PDD root (`.pdd/meta/`, `.pdd/generated/` and `.pdd/interface/` stay committed). Plus the
 * temporaries of atomic writes, anywhere.
 */
export const LOCAL_STATE = ['state.db*', 'cache/', 'locks/', 'preprocessed/', 'journal/', 'runs/', 'conflicts/'].map((p) => `${PDD_DIR}/${p}`);
export const TEMPORARY_FILE_PATTERN = `*${TEMP_SUFFIX}`;
