import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { codeRanges, Range } from './code-spans';
import { readContainedFile } from './contained-read';
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
  /** Where it was looked for, in order (workspace-relative). */
  candidates: string[];
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
  /** What nx-pdd did differently from PDD (a `<web>` tag left as is, `select=` not applied), with file:line. */
  warnings: PddError[];
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
  /**
   * The path PDD knows the prompt by when it lies under a symlinked prompts dir (the unit's
   * `logicalPromptFile`): the prompt's own includes resolve against its folder.
   */
  logicalPromptFile?: string;
  allowShell?: boolean;
  /** Runs a `<shell>` command in `cwd` and returns its stdout; default: `sh -c` with a 60 s limit. */
  runShell?: (command: string, cwd: string) => string;
}

/** How deep includes may nest, how many may be expanded, and how large the expanded prompt may get. */
export const MAX_INCLUDE_DEPTH = 64;
export const MAX_INCLUDES = 5_000;
export const MAX_EXPANDED_CHARS = 16 * 1024 * 1024;

/** UTF-8 text; bytes that are not UTF-8 are a warning naming the file (they are read as U+FFFD). */
function decodeText(bytes: Buffer, file: string, state: State): string {
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) {
    state.warnings.push(new PddError('NOT_UTF8', 'is not UTF-8: bytes that are not were read as U+FFFD (save it as UTF-8)', { file }));
  }
  return text;
}

/** Files whose own tags are expanded when included; any other file is included verbatim. */
const EXPANDABLE = /\.(prompt|md|markdown|mdx|txt)$/i;

/**
 * PDD's tag grammar (pdd/preprocess.py): `<include attrs>path</include>` and
 * `<include attrs/>`, `<include-many attrs>a, b</include-many>`, `<pdd>`, `<shell>`, `<web>`
 * (these four across lines), and the backtick form ```<path>```, as PDD's canonical parser reads them (pdd/sync_core/includes.py,
 * the one its dependency graph uses): an `<include>` whose body holds `<`, `>` or a line break is
 * no include (prose that mentions the tag), and scanning goes on right after it. A tag
 * whose attributes end in `/` is self-closing, as in PDD's canonical parser (sync_core/includes.py);
 * PDD's preprocess regex would run it on to the next `</include>`.
 * `<pdd-dependency>` is nx-pdd's declared edge.
 */
const TAG =
  /<pdd>[\s\S]*?<\/pdd>|<include-many(\s[^>]*)?>([\s\S]*?)<\/include-many>|<include(\s[^>]*?)?(?<!\/)>([^<>\r\n]*)<\/include>|<include(\s[^>]*?)\/>|<shell>([\s\S]*?)<\/shell>|<web>([\s\S]*?)<\/web>|<pdd-dependency>([\s\S]*?)<\/pdd-dependency>|```<([^>\n]*)>```/g;

const ATTRIBUTE = /(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const NARROWING = ['select', 'mode', 'query'];

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
    warnings: [],
    includeCount: 0,
    expandedChars: 0,
  };
  const bytes = readContainedFile(options.workspaceRoot, promptFile);
  if (bytes === null) throw new PddError('PROMPT_MISSING', `${promptFile}: no such file (ENOENT)`, { file: promptFile });
  const expanded = expandText(decodeText(bytes, promptFile, state), promptFile, [], state);
  return {
    text: expanded,
    filesRead: [...state.filesRead].sort(),
    watchFiles: [...state.watchFiles].filter((f) => !state.filesRead.has(f)).sort(),
    includes: state.includes,
    declaredDependencies: state.declaredDependencies,
    shellCommands: state.shellCommands,
    errors: state.errors,
    warnings: state.warnings,
  };
}

/** Preprocess a unit's prompt: its PDD root and the path PDD knows it by come from the unit. */
export function preprocessUnit(
  unit: { promptFile: string; logicalPromptFile?: string; pddRoot: string },
  options: Omit<PreprocessOptions, 'pddRoot' | 'logicalPromptFile'>,
): PreprocessResult {
  return preprocessPrompt(unit.promptFile, { ...options, pddRoot: unit.pddRoot, logicalPromptFile: unit.logicalPromptFile });
}

interface State {
  options: PreprocessOptions;
  filesRead: Set<string>;
  watchFiles: Set<string>;
  includes: IncludeRecord[];
  declaredDependencies: DeclaredDependency[];
  shellCommands: Array<{ command: string; from: SourceLocation }>;
  errors: PddError[];
  warnings: PddError[];
  includeCount: number;
  /** Characters of included text so far. */
  expandedChars: number;
}

/** One level of the include chain: a file being expanded and the line in it that includes the next. */
interface Frame {
  file: string;
  line: number;
}

function expandText(text: string, file: string, chain: Frame[], state: State): string {
  const code = codeRanges(text);
  const lineAt = lineLocator(text);
  return text.replace(
    TAG,
    (
      whole: string,
      manyAttrs?: string,
      many?: string,
      pairAttrs?: string,
      pairBody?: string,
      selfAttrs?: string,
      shell?: string,
      web?: string,
      dependency?: string,
      backtick?: string,
      offset?: number,
    ) => {
      const at = offset as number;
      // PDD leaves a tag literal when any part of it touches Markdown code (a fence or a
      // code span), and does not look inside what it left: neither do we.
      if (backtick === undefined && intersects(code, at, at + whole.length)) return whole;
      const from: SourceLocation = { file, line: lineAt(at) };
      if (whole.startsWith('<pdd>')) return '';
      if (many !== undefined) {
        const attrs = parseAttributes(manyAttrs ?? '', from, state);
        const paths = many
          .split(/[,\n]/)
          .map((p) => p.trim())
          .filter(Boolean);
        return paths.map((p) => includeFile('include-many', p, attrs.optional, from, chain, state)).join('\n\n');
      }
      if (selfAttrs !== undefined || pairAttrs !== undefined || pairBody !== undefined) {
        const attrs = parseAttributes(selfAttrs ?? pairAttrs ?? '', from, state);
        const path = (attrs.path ?? pairBody ?? '').trim();
        if (!path) return whole; // PDD leaves an include with no path as it is
        return includeFile('include', path, attrs.optional, from, chain, state);
      }
      if (backtick !== undefined) {
        const content = includeFile('backtick', backtick.trim(), false, from, chain, state);
        return '```\n' + content + (content.endsWith('\n') ? '' : '\n') + '```';
      }
      if (shell !== undefined) return runShell(shell.trim(), from, state, whole);
      if (web !== undefined) {
        state.warnings.push(
          new PddError(
            'WEB_UNSUPPORTED',
            `<web>${web.trim()}</web> is left as it is: nx-pdd builds prompts offline and reproducibly (save the page into a file and <include> it to give the model its text)`,
            from,
          ),
        );
        return whole;
      }
      if (dependency !== undefined) {
        state.declaredDependencies.push({ prompt: dependency.trim(), from });
        return whole;
      }
      return whole;
    },
  );
}

function intersects(ranges: Range[], start: number, end: number): boolean {
  return ranges.some((r) => start < r.end && end > r.start);
}

/**
 * Include attributes as PDD parses them (`_parse_attrs` in pdd/sync_core/includes.py): quoted
 * `name="value"` pairs and the bare booleans `optional` and `expand`. `select=`, `mode=` and
 * `query=` narrow or transform what PDD inlines (by selectors, or by asking a model); nx-pdd
 * inlines the whole file instead and says so with a warning. PDD's prompt hash covers the
 * whole file either way.
 */
function parseAttributes(raw: string, from: SourceLocation, state: State): { path?: string; optional: boolean } {
  const values: Record<string, string> = {};
  for (const m of raw.matchAll(ATTRIBUTE)) values[m[1]] = m[2] ?? m[3];
  const bare = raw.replace(ATTRIBUTE, ' ');
  for (const flag of ['optional', 'expand']) if (!(flag in values) && new RegExp(`(^|[^\\w])${flag}([^\\w]|$)`).test(bare)) values[flag] = 'true';
  for (const name of NARROWING) {
    if (values[name] !== undefined) {
      state.warnings.push(
        new PddError('INCLUDE_ATTRIBUTE', `include attribute ${name}="${values[name]}" is not applied by nx-pdd: the whole file is included`, from),
      );
    }
  }
  const optional = values.optional !== undefined && !/^(|0|false|no|off)$/i.test(values.optional.trim());
  return { path: values.path, optional };
}

function includeFile(kind: IncludeKind, declared: string, optional: boolean, from: SourceLocation, chain: Frame[], state: State): string {
  const record: IncludeRecord = { kind, from, declared, resolved: null, optional, candidates: [] };
  state.includes.push(record);
  if (declared.includes('\n') || declared.length > 1024) {
    const shown = declared.length > 60 ? `${declared.slice(0, 60).replace(/\n/g, '\\n')}...` : declared.replace(/\n/g, '\\n');
    state.errors.push(
      new PddError(
        'INCLUDE_MALFORMED',
        `include "${shown}" is not a file path (${declared.split('\n').length} lines): an unclosed <include> in prose? Put tags you only mention in backticks`,
        from,
      ),
    );
    return '';
  }
  const includingFile = chain.length === 0 && state.options.logicalPromptFile ? state.options.logicalPromptFile : from.file;
  const resolution = resolveIncludePath(declared, includingFile, state.options);
  if ('error' in resolution) {
    state.errors.push(new PddError('INCLUDE_OUTSIDE', resolution.error, from));
    return '';
  }
  const { found, candidates } = resolution;
  record.candidates = candidates;
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
  if (path.length > MAX_INCLUDE_DEPTH) {
    state.errors.push(new PddError('INCLUDE_DEPTH', `includes nested more than ${MAX_INCLUDE_DEPTH} deep (here: "${declared}"): flatten the chain`, from));
    return '';
  }
  if (++state.includeCount > MAX_INCLUDES) {
    if (state.includeCount === MAX_INCLUDES + 1)
      state.errors.push(new PddError('INCLUDE_LIMIT', `more than ${MAX_INCLUDES} includes expanded (an include bomb?): stopped at "${declared}"`, from));
    return '';
  }
  state.filesRead.add(found);
  let content: string;
  try {
    const bytes = readContainedFile(state.options.workspaceRoot, found);
    if (bytes === null) throw new PddError('INCLUDE_UNREADABLE', `"${found}" disappeared while reading`);
    content = decodeText(bytes, found, state);
  } catch (e) {
    state.errors.push(new PddError('INCLUDE_UNREADABLE', `cannot read include "${declared}": ${(e as Error).message}`, from));
    return '';
  }
  state.expandedChars += content.length;
  if (state.expandedChars > MAX_EXPANDED_CHARS) {
    if (!state.errors.some((e) => e.code === 'INCLUDE_TOO_LARGE')) {
      state.errors.push(
        new PddError(
          'INCLUDE_TOO_LARGE',
          `the expanded prompt passes ${MAX_EXPANDED_CHARS} characters at "${declared}" (an include bomb, or files too large to send to a model)`,
          from,
        ),
      );
    }
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
    let isDirectory = false;
    try {
      isDirectory = statSync(abs).isDirectory();
    } catch {
      continue;
    }
    // A pipe or a device is "found": reading it is refused with a clear error, not skipped.
    if (isDirectory) continue;
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
      new PddError(
        'SHELL_DISABLED',
        `<shell>${command}</shell> is disabled: prompts run no commands unless the nx-pdd plugin option "allowShell" is true (never enable it where prompts come from untrusted pull requests)`,
        from,
      ),
    );
    return whole;
  }
  if (options.mode === 'resolve') return whole;
  const cwd = join(options.workspaceRoot, options.pddRoot);
  try {
    const run =
      options.runShell ??
      ((cmd: string, dir: string) => execFileSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }));
    return run(command, cwd);
  } catch (e) {
    state.errors.push(new PddError('SHELL_FAILED', `<shell>${command}</shell> failed: ${(e as Error).message.split('\n')[0]}`, from));
    return whole;
  }
}
