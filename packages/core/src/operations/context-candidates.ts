import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { joinPosix } from '../workspace-paths';
import { readContainedFile } from '../contained-read';

/** A file auto-deps may offer the model, with its local relevance score. */
export interface ContextCandidate {
  /** Workspace-relative posix path. */
  path: string;
  score: number;
  /** Its first lines, shown to the model. */
  preview: string;
}

const MAX_BYTES = 64 * 1024;
const PREVIEW_LINES = 30;
const STOPWORDS = new Set(
  'the and for with that this from into are was were will shall should must not but can you your its use uses using used all any each one two more most some such than then them they their there when where which while who why how what write module function functions return returns value values file files code given make makes new'.split(
    ' ',
  ),
);

/** Words of a text for matching: identifiers split at `_`, `-` and camelCase, lower-cased, 3+ letters, no stopwords. */
export function matchTerms(text: string): string[] {
  const out: string[] = [];
  for (const word of text.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []) {
    for (const part of word.split(/(?<=[a-z0-9])(?=[A-Z])/)) {
      const t = part.toLowerCase();
      if (t.length >= 3 && !STOPWORDS.has(t)) out.push(t);
    }
  }
  return out;
}

/**
 * Text files under `dirs` (workspace-relative; missing ones are skipped), not larger than
 * 64 KiB, not binary, not hidden, not in `exclude`. Sorted.
 */
export function listContextFiles(workspaceRoot: string, dirs: readonly string[], exclude: ReadonlySet<string>): Array<{ path: string; text: string }> {
  const files: Array<{ path: string; text: string }> = [];
  for (const dir of [...new Set(dirs)]) {
    let entries;
    try {
      entries = readdirSync(join(workspaceRoot, dir), { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const rel = joinPosix(
        dir,
        relative(join(workspaceRoot, dir), join(e.parentPath ?? e.path, e.name))
          .split(sep)
          .join('/'),
      );
      if (exclude.has(rel) || rel.split('/').some((seg) => seg.startsWith('.') || seg === 'node_modules')) continue;
      let buffer: Buffer | null;
      try {
        buffer = readContainedFile(workspaceRoot, rel, MAX_BYTES);
      } catch {
        continue; // over the limit, a link out of the workspace: not a candidate
      }
      if (buffer === null) continue;
      if (buffer.includes(0)) continue;
      files.push({ path: rel, text: buffer.toString('utf8') });
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Rank files by how much of the prompt's vocabulary they share, rarer words weighing more
 * (idf over the candidates) and words in the file's path counting three times. Files that
 * share nothing are left out. Deterministic: ties go by path.
 */
export function rankContextFiles(promptText: string, files: ReadonlyArray<{ path: string; text: string }>, limit = 8): ContextCandidate[] {
  const wanted = new Set(matchTerms(promptText));
  const counts = files.map((f) => {
    const tf = new Map<string, number>();
    const add = (t: string, n: number) => wanted.has(t) && tf.set(t, (tf.get(t) ?? 0) + n);
    matchTerms(f.text).forEach((t) => add(t, 1));
    matchTerms(f.path).forEach((t) => add(t, 3));
    return tf;
  });
  const df = new Map<string, number>();
  counts.forEach((tf) => tf.forEach((_, t) => df.set(t, (df.get(t) ?? 0) + 1)));
  const scored = files.map((f, i) => {
    let score = 0;
    counts[i].forEach((n, t) => (score += Math.log(1 + files.length / df.get(t)!) * Math.log(1 + n)));
    return { path: f.path, score: Math.round(score * 1000) / 1000, preview: f.text.split('\n').slice(0, PREVIEW_LINES).join('\n') };
  });
  return scored
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1))
    .slice(0, limit);
}
