import { pddPath } from '../pdd-layout';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { assertWritableInside } from '../contained-write';
import { PddError } from '../errors';
import { PromptUnit } from '../units';
import { joinPosix, normalizePosix } from '../workspace-paths';
import { readContainedBytes } from '../contained-read';

/** The journal of an open transaction: every file an operation may write, as it was before. */
interface Journal {
  unit: string;
  operation: string;
  pid: number;
  started: string;
  /** previous: base64 of the bytes, or null when the file did not exist. */
  files: Array<{ path: string; previous: string | null }>;
}

export interface Recovery {
  unit: string;
  operation: string;
  pid: number;
  started: string;
  /** Files put back as they were (workspace-relative). */
  restored: string[];
}

/** Bytes of a journal or of a file it covers, read as untrusted content (never a FIFO, never outside). */
function readBytes(path: string): Buffer | null {
  return readContainedBytes(dirname(path), basename(path), 64 * 1024 * 1024);
}

/**
 * Whether `path` (as a journal names it) is one of the files a sync of `unit` writes: its
 * prompt, code, example, test files, or a file under its PDD root's `.pdd/` other than journals.
 */
export function isUnitFile(unit: PromptUnit, path: string): boolean {
  if (path.startsWith('/') || path.split('/').includes('..') || path !== normalizePosix(path)) return false;
  const own = [unit.promptFile, unit.paths.code, unit.paths.example, unit.paths.test].filter(Boolean);
  if (own.includes(path)) return true;
  const s = unit.paths.testSiblings;
  if (s && path.startsWith(joinPosix(s.dir, s.prefix)) && !path.slice(s.dir.length + 1).includes('/')) return true;
  const pdd = pddPath(unit.pddRoot) + '/';
  return path.startsWith(pdd) && !path.startsWith(pdd + 'journal/');
}

function restore(workspaceRoot: string, journal: Journal): string[] {
  // Every path is checked before any is touched: a symlinked folder refuses the whole restore.
  for (const f of journal.files) assertWritableInside(workspaceRoot, f.path);
  for (const f of journal.files) {
    const abs = join(workspaceRoot, f.path);
    if (f.previous === null) rmSync(abs, { force: true });
    else writeFileAtomic(abs, Buffer.from(f.previous, 'base64'));
  }
  return journal.files.map((f) => f.path);
}

/**
 * A journaled transaction over the files one operation may write (rule atomic). `begin`
 * records each file's bytes (or absence) in the journal, written atomically before anything
 * else is touched; the operation then writes its files atomically; `commit` deletes the
 * journal; `rollback` puts every file back. A process killed in between leaves the journal,
 * and `recover` puts the files back on the next run.
 */
export class Transaction {
  private open = true;

  private constructor(
    private readonly workspaceRoot: string,
    private readonly journalFile: string,
    private readonly journal: Journal,
  ) {}

  static begin(workspaceRoot: string, journalFile: string, what: { unit: string; operation: string }, files: readonly string[]): Transaction {
    const abs = join(workspaceRoot, journalFile);
    if (readBytes(abs) !== null)
      throw new PddError('JOURNAL_OPEN', `${journalFile} exists: a previous operation of ${what.unit} did not finish; recover it first`);
    const journal: Journal = {
      ...what,
      pid: process.pid,
      started: new Date().toISOString(),
      files: [...new Set(files)].map((path) => {
        const bytes = readBytes(join(workspaceRoot, path));
        return { path, previous: bytes === null ? null : bytes.toString('base64') };
      }),
    };
    writeFileAtomic(abs, JSON.stringify(journal));
    return new Transaction(workspaceRoot, journalFile, journal);
  }

  commit(): void {
    if (!this.open) return;
    this.open = false;
    rmSync(join(this.workspaceRoot, this.journalFile), { force: true });
  }

  rollback(): string[] {
    if (!this.open) return [];
    this.open = false;
    const restored = restore(this.workspaceRoot, this.journal);
    rmSync(join(this.workspaceRoot, this.journalFile), { force: true });
    return restored;
  }

  /** Run `body`; commit when it returns, roll back when it throws (and rethrow). */
  static async run<T>(
    workspaceRoot: string,
    journalFile: string,
    what: { unit: string; operation: string },
    files: readonly string[],
    body: () => Promise<T>,
  ): Promise<T> {
    const tx = Transaction.begin(workspaceRoot, journalFile, what, files);
    try {
      const result = await body();
      tx.commit();
      return result;
    } catch (e) {
      tx.rollback();
      throw e;
    }
  }
}

/**
 * Finish what a dead run left: an open journal puts its files back as they were before the
 * operation and is removed. A journal that cannot be read is set aside, never guessed at.
 */
export function recoverJournal(workspaceRoot: string, journalFile: string, unit?: PromptUnit): Recovery | null {
  const abs = join(workspaceRoot, journalFile);
  const bytes = readBytes(abs);
  if (bytes === null) return null;
  let journal: Journal;
  try {
    journal = JSON.parse(bytes.toString('utf8'));
    if (!Array.isArray(journal.files) || journal.files.some((f) => typeof f?.path !== 'string' || (f.previous !== null && typeof f.previous !== 'string')))
      throw new Error('no valid file list');
  } catch (e) {
    throw new PddError(
      'JOURNAL_CORRUPT',
      `${journalFile} cannot be read (${(e as Error).message}): check the unit's files by hand (git diff), then delete ${journalFile}`,
    );
  }
  // A journal can be planted (a pull request can force-add an ignored file): it may name only
  // files of its own unit, inside the workspace, or nothing is touched.
  const foreign = unit ? journal.files.map((f) => f.path).filter((p) => !isUnitFile(unit, p)) : [];
  if (foreign.length) {
    throw new PddError(
      'JOURNAL_FOREIGN',
      `${journalFile} names files that are not ${unit!.id}'s (${foreign.slice(0, 3).join(', ')}): nothing was restored; check it and delete it`,
    );
  }
  const restored = restore(workspaceRoot, journal);
  rmSync(abs, { force: true });
  return { unit: journal.unit, operation: journal.operation, pid: journal.pid, started: journal.started, restored };
}
