import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { codeRanges, isInside } from './code-spans';
import { formatLocation, PddError, SourceLocation } from './errors';
import { lineLocator } from './text-lines';
import { dirnamePosix, joinPosix, normalizePosix, toPosix, workspaceRelative } from './workspace-paths';

/** How an include was written, which decides PDD's prompt_hash (only `include` and `backtick` count there). */
export type IncludeKind = 'include' | 'include-many' | 'backtick';

export interface IncludeRecord {
  kind: IncludeKind;
  /** The file (workspace-relative) and line the tag is on. */
  from: SourceLocation;
  /** The path as written. */
  declared: string;
  /** Workspace-relative resolved path, or null when not found / not allowed. */
  resolved: string | null;
  optional: boolean;
}

export interface DeclaredDependency {
  /** As written in `<pdd-dependency>`: a prompt file name such as `calc_python.prompt`. */
  prompt: string;
  from: SourceLocation;
}

export interface PreprocessResult {
  /** The expanded prompt text. */
  text: string;
  /** Every file read (workspace-relative, sorted, unique), the prompt itself included. */
  filesRead: string[];
  /**
   * Paths that do not exist but would change the result if created: missing optional
   * includes and candidates that would shadow a resolved include. Targets hash them too.
   */
  watchFiles: string[];
  includes: IncludeRecord[];
  declaredDependencies: DeclaredDependency[];
  /** `<shell>` commands found (run only in `expand` mode with `allowShell`). */
  shellCommands: Array<{ command: string; from: SourceLocation }>;
  errors: PddError[];
}

export interface PreprocessOptions {
  workspaceRoot: string;
  /** Folder of the unit's `.pddrc` (PDD's working directory), workspace-relative. */
  pddRoot: string;
  /**
   * `resolve`: follow includes and collect files, run nothing (graph inference).
   * `expand`: also run `<shell>` when `allowShell` is set (an executor, on the user's request).
   */
  mode: 'resolve' | 'expand';
  allowShell?: boolean;
  /** Runs a `<shell>` command in `cwd` and returns its stdout; default: `sh -c` with a 60 s limit. */
  runShell?: (command: string, cwd: string) => string;
}

/** Files whose own tags are expanded when included; any other file is included verbatim. */
const EXPANDABLE = /\.(prompt|md|markdown|mdx|txt)$/i;

const TAG =
  /<pdd>[\s\S]*?<\/pdd>|<include-many>([\s\S]*?)<\/include-many>|<include((?:\s+[^>]*?)?)\s*\/>|<include((?:\s+[^>]*?)?)>([\s\S]*?)<\/include>|<shell>([\s\S]*?)<\/shell>|<web>([\s\S]*?)<\/web>|<pdd-dependency>([\s\S]*?)<\/pdd-dependency>|^[ \t]*```<([^>\n]+)>```[ \t]*$/gm;

const ATTRIBUTE = /([A-Za-z_][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+)))?/g;
const NOT_YET_SUPPORTED = new Set(['select', 'mode', 'query']);

/**
 * Expand a prompt's tags. Never throws for a problem in the prompt: problems are returned
 * in `errors` (each with file and line) while everything else is still resolved, so the
 * caller can list the inputs of a broken prompt. Throws only if the prompt itself is unreadable.
 */
export function preprocessPrompt(promptFile: string, options: PreprocessOptions): PreprocessResult {
  const state: State = {
    options,
    filesRead: new Set([promptFile]),
    watchFiles: new Set(),
    includes: [],
    declaredDependencies: [],
    shellCommands: [],
    errors: [],
  };
  const text = readFileSync(join(options.workspaceRoot, promptFile), 'utf8');
  const expanded = expandText(text, promptFile, [], state);
  return {
    text: expanded,
    filesRead: [...state.filesRead].sort(),
    watchFiles: [...state.watchFiles].filter((f) => !state.filesRead.has(f)).sort(),
    includes: state.includes,
    declaredDependencies: state.declaredDependencies,
    shellCommands: state.shellCommands,
    errors: state.errors,
  };
}

interface State {
  options: PreprocessOptions;
  filesRead: Set<string>;
  watchFiles: Set<string>;
  includes: IncludeRecord[];
  declaredDependencies: DeclaredDependency[];
  shellCommands: Array<{ command: string; from: SourceLocation }>;
  errors: PddError[];
}

/** One level of the include chain: a file being expanded and the line in it that includes the next. */
interface Frame {
  file: string;
  line: number;
}

function expandText(text: string, file: string, chain: Frame[], state: State): string {
  const code = codeRanges(text);
  const lineAt = lineLocator(text);
  return text.replace(TAG, (whole: string, many?: string, selfAttrs?: string, pairAttrs?: string, pairBody?: string, shell?: string, web?: string, dependency?: string, backtick?: string, offset?: number) => {
    const at = offset as number;
    if (isInside(code, at)) return whole;
    const from: SourceLocation = { file, line: lineAt(at) };
    if (whole.startsWith('<pdd>')) return '';
    if (many !== undefined) {
      const paths = many.split(/[,\n]/).map((p) => p.trim()).filter(Boolean);
      return paths.map((p) => includeFile('include-many', p, false, from, chain, state)).join('\n\n');
    }
    if (selfAttrs !== undefined || pairAttrs !== undefined) {
      const attrs = parseAttributes(selfAttrs ?? pairAttrs ?? '', from, state);
      if (!attrs) return whole;
      const path = attrs.path ?? (pairBody ?? '').trim();
      if (!path) {
        state.errors.push(new PddError('INCLUDE_EMPTY', 'include with no path', from));
        return whole;
      }
      return includeFile('include', path, attrs.optional, from, chain, state);
    }
    if (backtick !== undefined) {
      const content = includeFile('backtick', backtick.trim(), false, from, chain, state);
      return '```\n' + content + (content.endsWith('\n') ? '' : '\n') + '```';
    }
    if (shell !== undefined) return runShell(shell.trim(), from, state, whole);
    if (web !== undefined) {
      state.errors.push(
        new PddError('WEB_UNSUPPORTED', `<web>${web.trim()}</web> is not supported: nx-pdd builds prompts offline and reproducibly; save the page into a file and <include> it`, from),
      );
      return whole;
    }
    if (dependency !== undefined) {
      state.declaredDependencies.push({ prompt: dependency.trim(), from });
      return whole;
    }
    return whole;
  });
}

function parseAttributes(raw: string, from: SourceLocation, state: State): { path?: string; optional: boolean } | null {
  const out: { path?: string; optional: boolean } = { optional: false };
  for (const m of raw.matchAll(ATTRIBUTE)) {
    const name = m[1];
    const value = m[2] ?? m[3] ?? m[4];
    if (name === 'path') out.path = value;
    else if (name === 'optional') out.optional = value === undefined || !/^(false|0|no)$/i.test(value);
    else if (NOT_YET_SUPPORTED.has(name)) {
      state.errors.push(new PddError('INCLUDE_ATTRIBUTE', `include attribute "${name}" is not supported by nx-pdd yet; include the whole file or split it`, from));
      return null;
    } else {
      state.errors.push(new PddError('INCLUDE_ATTRIBUTE', `unknown include attribute "${name}" (known: path, optional)`, from));
      return null;
    }
  }
  return out;
}

function includeFile(kind: IncludeKind, declared: string, optional: boolean, from: SourceLocation, chain: Frame[], state: State): string {
  const record: IncludeRecord = { kind, from, declared, resolved: null, optional };
  state.includes.push(record);
  const resolution = resolveIncludePath(declared, from.file, state.options);
  if ('error' in resolution) {
    state.errors.push(new PddError('INCLUDE_OUTSIDE', resolution.error, from));
    return '';
  }
  const { found, candidates } = resolution;
  if (!found) {
    if (optional) {
      candidates.forEach((c) => state.watchFiles.add(c));
      return '';
    }
    candidates.forEach((c) => state.watchFiles.add(c));
    state.errors.push(new PddError('INCLUDE_MISSING', `include "${declared}" not found (looked in: ${candidates.join(', ')})`, from));
    return `[File not found: ${declared}]`;
  }
  for (const c of candidates) {
    if (c === found) break;
    state.watchFiles.add(c);
  }
  record.resolved = found;
  // The files being expanded right now, each with the line that leads on to the next one.
  const path: Frame[] = [...chain, { file: from.file, line: from.line ?? 0 }];
  const cycleStart = path.findIndex((f) => f.file === found);
  if (cycleStart >= 0) {
    const steps = path.slice(cycleStart).map((f) => formatLocation(f));
    state.errors.push(new PddError('INCLUDE_CYCLE', `include cycle: ${[...steps, found].join(' -> ')}`, from));
    return '';
  }
  state.filesRead.add(found);
  let content: string;
  try {
    content = readFileSync(join(state.options.workspaceRoot, found), 'utf8');
  } catch (e) {
    state.errors.push(new PddError('INCLUDE_UNREADABLE', `cannot read include "${declared}": ${(e as Error).message}`, from));
    return '';
  }
  return EXPANDABLE.test(found) ? expandText(content, found, path, state) : content;
}

type Resolution = { found: string | null; candidates: string[] } | { error: string };

/**
 * Where an include path points: tried against the PDD root (PDD's working directory), the
 * workspace root (PDD's repo root), then the including file's folder; the first existing file
 * wins. Candidates outside the workspace are dropped; if none is left, it is an error.
 */
export function resolveIncludePath(declared: string, includingFile: string, options: Pick<PreprocessOptions, 'workspaceRoot' | 'pddRoot'>): Resolution {
  const { workspaceRoot, pddRoot } = options;
  let candidates: string[];
  if (isAbsolute(declared)) {
    const rel = workspaceRelative(workspaceRoot, declared);
    if (rel === null) return { error: `include "${declared}" is outside the workspace` };
    candidates = [rel];
  } else {
    const posix = toPosix(declared);
    const all = [joinPosix(pddRoot, posix), normalizePosix(posix), joinPosix(dirnamePosix(includingFile), posix)];
    candidates = [...new Set(all)].filter((c) => c !== '' && !c.startsWith('..') && !c.startsWith('/'));
    if (!candidates.length) return { error: `include "${declared}" points outside the workspace` };
  }
  for (const candidate of candidates) {
    const abs = join(workspaceRoot, candidate);
    let isFile = false;
    try {
      isFile = statSync(abs).isFile();
    } catch {
      continue;
    }
    if (!isFile) continue;
    if (workspaceRelative(workspaceRoot, abs) === null) return { error: `include "${declared}" resolves through a link to a file outside the workspace` };
    return { found: candidate, candidates };
  }
  return { found: null, candidates };
}

function runShell(command: string, from: SourceLocation, state: State, whole: string): string {
  state.shellCommands.push({ command, from });
  const { options } = state;
  if (!options.allowShell) {
    state.errors.push(
      new PddError('SHELL_DISABLED', `<shell>${command}</shell> is disabled: prompts run no commands unless the nx-pdd plugin option "allowShell" is true (never enable it where prompts come from untrusted pull requests)`, from),
    );
    return whole;
  }
  if (options.mode === 'resolve') return whole;
  const cwd = join(options.workspaceRoot, options.pddRoot);
  try {
    const run = options.runShell ?? ((cmd: string, dir: string) => execFileSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }));
    return run(command, cwd);
  } catch (e) {
    state.errors.push(new PddError('SHELL_FAILED', `<shell>${command}</shell> failed: ${(e as Error).message.split('\n')[0]}`, from));
    return whole;
  }
}
