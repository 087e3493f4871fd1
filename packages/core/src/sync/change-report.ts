import { pddLayout } from '../pdd-layout';
import { execFileSync } from 'node:child_process';
import { publicInterface } from '../code-interface';
import { Fingerprint, promptHash, sha256 } from '../fingerprint';
import { readIfExists } from '../operations/artifact-store';
import { chunkFile } from '../merge/declarations';
import { lineChanges } from '../merge/line-merge';
import { withSyntaxTree, SyntaxNode } from '../merge/syntax';
import { PromptUnit } from '../units';

/** What changed in one file of a unit, against one earlier version of it. */
export interface FileChange {
  kind: 'prompt' | 'code' | 'example' | 'test';
  file: string;
  /** What it is compared with: the version the fingerprint recorded, or git HEAD's. */
  against: 'last sync' | 'git HEAD';
  /** `hashes only`: changed, but the recorded version's text is nowhere to compare with. */
  status: 'added' | 'removed' | 'changed' | 'hashes only';
  lines?: { added: number; removed: number };
  declarations?: { added: string[]; removed: string[]; modified: string[] };
  /** Code: its public interface (code-interface.ts) changed. */
  interfaceChanged?: boolean;
  /** Only comments and whitespace changed (by the syntax tree); false when unknown. */
  commentOnly?: boolean;
}

export interface ChangeReport {
  unit: string;
  files: FileChange[];
  impact: 'none' | 'low' | 'medium' | 'high';
  notes: string[];
}

/**
 * The impact rule (docs/multi-unit.md): high when the code's public interface changed or it lost
 * declarations, or the prompt changed by more than 20 lines; medium for any other change of the
 * prompt, code, example or tests that is not comments or whitespace only; low when only comments
 * or whitespace changed; none when nothing did.
 */
export function impactOf(files: FileChange[]): ChangeReport['impact'] {
  if (!files.length) return 'none';
  const big = (f: FileChange) => (f.lines ? f.lines.added + f.lines.removed : 0) > 20;
  if (files.some((f) => f.interfaceChanged || (f.kind === 'code' && f.declarations?.removed.length) || (f.kind === 'prompt' && big(f)))) return 'high';
  if (files.some((f) => !f.commentOnly)) return 'medium';
  return 'low';
}

function gitShow(workspaceRoot: string, file: string): string | null | undefined {
  try {
    return execFileSync('git', ['show', `HEAD:./${file}`], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    try {
      execFileSync('git', ['rev-parse', '--verify', 'HEAD'], { cwd: workspaceRoot, stdio: 'ignore' });
      return null; // a repository, but HEAD has no such file
    } catch {
      return undefined; // not a repository (or no commit)
    }
  }
}

function insideGitRepository(workspaceRoot: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: workspaceRoot, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The tokens of a text without its comments: equal for two texts that differ in comments and whitespace only. */
async function tokensWithoutComments(languageId: string, text: string): Promise<string[] | null> {
  return withSyntaxTree(languageId, text, (root, hasError) => {
    if (hasError) return null;
    const out: string[] = [];
    const walk = (n: SyntaxNode) => {
      if (/comment/.test(n.type)) return;
      if (n.childCount === 0) out.push(n.text);
      for (const c of n.children) if (c) walk(c);
    };
    walk(root);
    return out;
  });
}

/** Whether `after` differs from `before` in comments and whitespace only (false when it cannot be told). */
export async function commentOnlyChange(languageId: string, before: string, after: string): Promise<boolean> {
  const [a, b] = await Promise.all([tokensWithoutComments(languageId, before), tokensWithoutComments(languageId, after)]);
  return !!a && !!b && a.length === b.length && a.every((t, i) => t === b[i]);
}

async function describeChange(
  unit: PromptUnit,
  kind: FileChange['kind'],
  file: string,
  against: FileChange['against'],
  before: string | null,
  after: string | null,
): Promise<FileChange> {
  if (before === null) return { kind, file, against, status: 'added' };
  if (after === null) return { kind, file, against, status: 'removed' };
  const change: FileChange = { kind, file, against, status: 'changed', lines: lineChanges(before.split('\n'), after.split('\n')) };
  if (kind === 'prompt') return change;
  const lang = unit.language.id;
  change.commentOnly = await commentOnlyChange(lang, before, after);
  const [b, a] = await Promise.all([chunkFile(lang, before), chunkFile(lang, after)]);
  if (a && b) {
    const names = (chunks: typeof a) =>
      new Map(
        chunks
          .filter((c) => c.name && c.kind !== 'import')
          .map((c) => [`${c.kind.replace(/_(definition|declaration)$/, '')} ${c.name}`, c.lines.join('\n').trim()]),
      );
    const [x, y] = [names(b), names(a)];
    change.declarations = {
      added: [...y.keys()].filter((k) => !x.has(k)),
      removed: [...x.keys()].filter((k) => !y.has(k)),
      modified: [...y.keys()].filter((k) => x.has(k) && x.get(k) !== y.get(k)),
    };
  }
  if (kind === 'code') {
    const [ib, ia] = await Promise.all([publicInterface(lang, before), publicInterface(lang, after)]);
    change.interfaceChanged = ib === null || ia === null ? !change.commentOnly : JSON.stringify(ib) !== JSON.stringify(ia);
  }
  return change;
}

/**
 * For each file of the unit that changed: against the version the fingerprint recorded (its
 * text found in the pristine store or in git HEAD by its hash) and against git HEAD. Outside
 * git, against the recorded hashes only (said once, in notes).
 */
export async function changeReport(workspaceRoot: string, unit: PromptUnit, fingerprint: Fingerprint | null): Promise<ChangeReport> {
  const files: FileChange[] = [];
  const notes: string[] = [];
  let inGit = true;
  const entries: [FileChange['kind'], string | null, string | null | undefined][] = [
    ['prompt', unit.promptFile, fingerprint?.prompt_hash],
    ['code', unit.paths.code, fingerprint?.code_hash],
    ['example', unit.paths.example, fingerprint?.example_hash],
    ['test', unit.paths.test, fingerprint?.test_hash],
  ];
  // The prompt's recorded hash covers its includes too (PDD's prompt_hash): compare it the way
  // the decision does, and name the included files that changed.
  const prompt = promptHash(workspaceRoot, unit, fingerprint?.include_deps);
  const changedIncludes = Object.entries(prompt.includeDeps)
    .filter(([path, hash]) => fingerprint?.include_deps?.[path] !== undefined && fingerprint.include_deps[path] !== hash)
    .map(([path]) => path);
  for (const [kind, file, recorded] of entries) {
    if (!file) continue;
    const now = readIfExists(workspaceRoot, file);
    const head = gitShow(workspaceRoot, file);
    if (head === undefined) inGit = false;
    const nowHash = kind === 'prompt' ? prompt.hash : now === null ? null : sha256(now);
    if (kind === 'prompt' && recorded && nowHash !== recorded && changedIncludes.length) {
      notes.push(`included file${changedIncludes.length === 1 ? '' : 's'} changed since the last sync: ${changedIncludes.join(', ')}`);
    }
    // Against the last sync: the recorded version's text, found by its hash.
    if (recorded && (now === null || nowHash !== recorded)) {
      const kindOfArtifact = kind === 'prompt' ? null : kind;
      const candidates = [kindOfArtifact ? readIfExists(workspaceRoot, pddLayout(unit).pristine(kindOfArtifact)) : null, head ?? null];
      const before = candidates.find((c) => c !== null && sha256(c) === recorded) ?? null;
      files.push(
        before === null
          ? { kind, file, against: 'last sync', status: now === null ? 'removed' : 'hashes only' }
          : await describeChange(unit, kind, file, 'last sync', before, now),
      );
    }
    if (head !== undefined && head !== now && !(head === null && now === null)) files.push(await describeChange(unit, kind, file, 'git HEAD', head, now));
  }
  if (!inGit)
    notes.push(
      `${insideGitRepository(workspaceRoot) ? 'the git repository has no commit yet' : 'not a git repository'}: changes are compared with the recorded hashes only`,
    );
  return { unit: unit.id, files, impact: impactOf(files.filter((f) => f.against === 'last sync')), notes };
}

/** The report as lines for the dry run. */
export function changeReportLines(r: ChangeReport): string[] {
  if (!r.files.length) return [`  changes: none${r.notes.length ? ` (${r.notes.join('; ')})` : ''}`];
  return [
    `  changes (impact ${r.impact}):`,
    ...r.files.map((f) => {
      const parts = [f.status === 'changed' ? (f.commentOnly ? 'comments/whitespace only' : 'changed') : f.status];
      if (f.lines) parts.push(`+${f.lines.added} -${f.lines.removed} lines`);
      const d = f.declarations;
      if (d)
        for (const [label, list] of [
          ['added', d.added],
          ['removed', d.removed],
          ['modified', d.modified],
        ] as const)
          if (list.length) parts.push(`${label}: ${list.join(', ')}`);
      if (f.interfaceChanged !== undefined) parts.push(f.interfaceChanged ? 'public interface changed' : 'public interface unchanged');
      return `    ${f.file} against ${f.against}: ${parts.join('; ')}`;
    }),
    ...r.notes.map((n) => `    (${n})`),
  ];
}

/** Whether the code differs from the version the fingerprint recorded in comments and whitespace only. */
export async function codeChangeIsCommentOnly(workspaceRoot: string, unit: PromptUnit, fingerprint: Fingerprint | null): Promise<boolean> {
  const recorded = fingerprint?.code_hash;
  const now = readIfExists(workspaceRoot, unit.paths.code);
  if (!recorded || now === null || sha256(now) === recorded) return false;
  const pristine = readIfExists(workspaceRoot, pddLayout(unit).pristine('code'));
  const before =
    pristine !== null && sha256(pristine) === recorded
      ? pristine
      : (() => {
          const head = gitShow(workspaceRoot, unit.paths.code);
          return head && sha256(head) === recorded ? head : null;
        })();
  return before !== null && (await commentOnlyChange(unit.language.id, before, now));
}
