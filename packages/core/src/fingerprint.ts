import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { readContainedBytes } from './contained-read';
import { PddError } from './errors';
import { parsePythonJson, stringifyPythonJson } from './python-json';
import { PromptUnit } from './units';
import { dirnamePosix, joinPosix, normalizePosix } from './workspace-paths';

/**
 * PDD's fingerprint of a unit (`.pdd/meta/<basename with / as _>_<language>.json`): what the
 * files were when an operation last finished. Field names are PDD's; hashes are SHA-256 hex.
 */
export interface Fingerprint {
  pdd_version: string;
  /** UTC ISO time. */
  timestamp: string;
  /** The operation that wrote it; free-form in PDD (`generate`, `skip:test`, ...). */
  command: string;
  prompt_hash: string | null;
  code_hash: string | null;
  example_hash: string | null;
  test_hash: string | null;
  /** By file NAME. Absent in older files. */
  test_files?: Record<string, string>;
  /** By include path as declared. Absent in older files. */
  include_deps?: Record<string, string>;
  /** Keys we do not know, kept as they were (in their place) when the file is rewritten. */
  [other: string]: unknown;
}

/** The hashes of a unit's files as they are now (null: the file does not exist). */
export interface FileHashes {
  prompt_hash: string | null;
  code_hash: string | null;
  example_hash: string | null;
  test_hash: string | null;
  test_files: Record<string, string>;
  include_deps: Record<string, string>;
}

export type FingerprintRead = { fingerprint: Fingerprint; warning?: undefined } | { fingerprint: null; warning?: string };

const PDD_KEYS = ['pdd_version', 'timestamp', 'command', 'prompt_hash', 'code_hash', 'example_hash', 'test_hash', 'test_files', 'include_deps'];

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A unit file's bytes for hashing, read as untrusted content; a folder is no file. */
const readBytes = readContainedBytes;

/**
 * Read a fingerprint. Missing: null. Malformed (not JSON, not an object, no `command`): null
 * with a warning naming the file, never an exception. Nulls and missing hash keys are fine.
 */
export function readFingerprint(workspaceRoot: string, metaFile: string): FingerprintRead {
  const bytes = readBytes(workspaceRoot, metaFile);
  if (bytes === null) return { fingerprint: null };
  let value: unknown;
  try {
    value = parsePythonJson(bytes.toString('utf8'));
  } catch (e) {
    return { fingerprint: null, warning: `${metaFile} is not valid JSON (${(e as Error).message}); it is ignored and will be rewritten` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { fingerprint: null, warning: `${metaFile} is not a JSON object; it is ignored and will be rewritten` };
  const v = value as Record<string, unknown>;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : null);
  const map = (k: string) => (v[k] && typeof v[k] === 'object' && !Array.isArray(v[k]) ? (v[k] as Record<string, string>) : undefined);
  return {
    fingerprint: {
      ...v,
      pdd_version: str('pdd_version') ?? '',
      timestamp: str('timestamp') ?? '',
      command: str('command') ?? '',
      prompt_hash: str('prompt_hash'),
      code_hash: str('code_hash'),
      example_hash: str('example_hash'),
      test_hash: str('test_hash'),
      ...(map('test_files') ? { test_files: map('test_files') } : {}),
      ...(map('include_deps') ? { include_deps: map('include_deps') } : {}),
    },
  };
}

/** The file text PDD would write for a fingerprint: PDD's keys in PDD's order, then the others. */
export function serializeFingerprint(fp: Fingerprint): string {
  const ordered: Record<string, unknown> = {};
  for (const k of PDD_KEYS) if (k in fp && fp[k] !== undefined) ordered[k] = fp[k];
  for (const [k, v] of Object.entries(fp)) if (!(k in ordered) && v !== undefined) ordered[k] = v;
  return stringifyPythonJson(ordered);
}

export function writeFingerprint(workspaceRoot: string, metaFile: string, fp: Fingerprint): void {
  writeFileAtomic(join(workspaceRoot, metaFile), serializeFingerprint(fp));
}

/**
 * The include references PDD's v1 `prompt_hash` covers (`_legacy_include_references` in
 * pdd/sync_determine_operation.py): `<include ...>path</include>` on one line, any
 * attributes, and the backtick form; code spans are not skipped. Python's `.` stops only at
 * `\n`, hence `[^\n]`.
 */
const HASHED_INCLUDE = /<include\b[^>]*>([^\n]*?)<\/include>|```<([^>]*?)>```/g;

/** The include paths PDD's v1 `prompt_hash` covers, as declared (trimmed), unique, sorted. */
export function promptHashIncludes(promptText: string): string[] {
  const found = [...promptText.matchAll(HASHED_INCLUDE)].map((m) => (m[1] ?? m[2]).trim());
  return [...new Set(found)].sort();
}

/**
 * An include path resolved as PDD's hash does (`_safe_report_include`): against the prompt's
 * folder (the path PDD knows it by, through a symlinked prompts dir), then the PDD root;
 * the first regular file that exists, inside the PDD root.
 */
function resolveForHash(workspaceRoot: string, unit: PromptUnit, declared: string): { path: string; bytes: Buffer } | null {
  if (declared.startsWith('/')) return null;
  for (const candidate of [joinPosix(dirnamePosix(unit.logicalPromptFile ?? unit.promptFile), declared), joinPosix(unit.pddRoot, declared)]) {
    const path = normalizePosix(candidate);
    if (path.startsWith('..') || (unit.pddRoot && !path.startsWith(unit.pddRoot + '/'))) continue;
    let bytes: Buffer | null;
    try {
      bytes = readBytes(workspaceRoot, path);
    } catch (e) {
      // PDD refuses an include it may not read (outside the project, not a regular file); the
      // preprocessing of the prompt reports it as an error of the unit.
      if (e instanceof PddError) continue;
      throw e;
    }
    if (bytes !== null) return { path, bytes };
  }
  return null;
}

/**
 * PDD v1's `prompt_hash`: SHA-256 over the prompt's bytes, then each included file's bytes
 * (de-duplicated, sorted by the declared path, missing ones skipped). With no include tags,
 * the previous fingerprint's `include_deps` paths (relative to the PDD root) are hashed
 * instead, as PDD does. `include_deps` is keyed by the resolved path relative to the PDD root.
 */
export function promptHash(
  workspaceRoot: string,
  unit: PromptUnit,
  previousIncludeDeps?: Record<string, string>,
): { hash: string | null; includeDeps: Record<string, string> } {
  const prompt = readBytes(workspaceRoot, unit.promptFile);
  if (prompt === null) return { hash: null, includeDeps: {} };
  const declared = promptHashIncludes(prompt.toString('utf8'));
  const hash = createHash('sha256').update(prompt);
  const includeDeps: Record<string, string> = {};
  const fromRoot = (path: string) => (unit.pddRoot ? path.slice(unit.pddRoot.length + 1) : path);
  if (declared.length) {
    for (const d of declared) {
      const found = resolveForHash(workspaceRoot, unit, d);
      if (!found) continue;
      hash.update(found.bytes);
      includeDeps[fromRoot(found.path)] = sha256(found.bytes);
    }
  } else {
    for (const stored of Object.keys(previousIncludeDeps ?? {})
      .map((d) => d.trim())
      .sort()) {
      const path = normalizePosix(joinPosix(unit.pddRoot, stored));
      if (stored.startsWith('/') || path.startsWith('..')) continue;
      const bytes = readBytes(workspaceRoot, path);
      if (bytes === null) continue;
      hash.update(bytes);
      includeDeps[stored] = sha256(bytes);
    }
  }
  return { hash: hash.digest('hex'), includeDeps };
}

/** The test file and its siblings `test_<name>*<ext>` in the same folder, by file name. */
export function unitTestFiles(workspaceRoot: string, unit: PromptUnit): string[] {
  const s = unit.paths.testSiblings;
  if (!s) return [];
  let names: string[];
  try {
    names = readdirSync(join(workspaceRoot, s.dir || '.'));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(s.prefix) && n.endsWith(s.extension))
    .sort()
    .map((n) => joinPosix(s.dir, n));
}

/** Hash a unit's files as they are now. */
export function currentHashes(workspaceRoot: string, unit: PromptUnit, previous?: Fingerprint | null): FileHashes {
  const hashOf = (path: string | null) => {
    if (!path) return null;
    const bytes = readBytes(workspaceRoot, path);
    return bytes === null ? null : sha256(bytes);
  };
  const { hash, includeDeps } = promptHash(workspaceRoot, unit, previous?.include_deps);
  const testFiles: Record<string, string> = {};
  for (const file of unitTestFiles(workspaceRoot, unit)) {
    const h = hashOf(file);
    if (h) testFiles[file.slice(file.lastIndexOf('/') + 1)] = h;
  }
  return {
    prompt_hash: hash,
    code_hash: hashOf(unit.paths.code),
    example_hash: hashOf(unit.paths.example),
    test_hash: hashOf(unit.paths.test),
    test_files: testFiles,
    include_deps: includeDeps,
  };
}

/** A new fingerprint after `command`, keeping the unknown keys of the previous one. */
export function nextFingerprint(previous: Fingerprint | null, hashes: FileHashes, command: string, version: string, now: Date = new Date()): Fingerprint {
  const rest = Object.fromEntries(Object.entries(previous ?? {}).filter(([k]) => !PDD_KEYS.includes(k)));
  return {
    pdd_version: version,
    timestamp: now
      .toISOString()
      .replace(/\.\d{3}Z$/, '+00:00')
      .replace(/Z$/, '+00:00'),
    command,
    prompt_hash: hashes.prompt_hash,
    code_hash: hashes.code_hash,
    example_hash: hashes.example_hash,
    test_hash: hashes.test_hash,
    test_files: hashes.test_files,
    include_deps: hashes.include_deps,
    ...rest,
  };
}
