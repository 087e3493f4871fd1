import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { PddError } from '../errors';
import { SyncState } from './decision';

/**
 * Schema migrations, in order; `PRAGMA user_version` is the number applied. Never edit one that
 * shipped: add the next.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE unit_state (
     unit_id TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     last_operation TEXT,
     last_status TEXT,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE operation_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     run_id TEXT NOT NULL,
     unit_id TEXT NOT NULL,
     operation TEXT NOT NULL,
     status TEXT NOT NULL,
     attempt INTEGER NOT NULL DEFAULT 1,
     cost_usd REAL NOT NULL DEFAULT 0,
     input_tokens INTEGER,
     output_tokens INTEGER,
     model TEXT,
     duration_ms INTEGER,
     error TEXT,
     started_at TEXT NOT NULL,
     ended_at TEXT
   );
   CREATE INDEX operation_log_unit ON operation_log (unit_id, id);
   CREATE TABLE ledger (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     scope TEXT NOT NULL,
     unit_id TEXT NOT NULL,
     what TEXT NOT NULL,
     reserved_usd REAL NOT NULL,
     actual_usd REAL,
     status TEXT NOT NULL CHECK (status IN ('reserved', 'settled', 'released')),
     created_at TEXT NOT NULL
   );
   CREATE INDEX ledger_scope ON ledger (scope, status);`,
  // 2: who holds a reservation (released when that process is gone), and what a provider
  // claimed beyond a call's worst case (charged at the worst case; the scope then stops).
  `ALTER TABLE ledger ADD COLUMN pid INTEGER;
   ALTER TABLE ledger ADD COLUMN host TEXT;
   ALTER TABLE ledger ADD COLUMN claimed_usd REAL;`,
];

export const STATE_SCHEMA_VERSION = MIGRATIONS.length;

export interface UnitStateRow {
  unit_id: string;
  state: SyncState;
  last_operation: string | null;
  last_status: string | null;
  updated_at: string;
}

export interface OperationLogEntry {
  run_id: string;
  unit_id: string;
  operation: string;
  status: 'ok' | 'failed' | 'skipped' | 'interrupted';
  attempt?: number;
  cost_usd?: number;
  input_tokens?: number | null;
  output_tokens?: number | null;
  model?: string | null;
  duration_ms?: number | null;
  error?: string | null;
  started_at: string;
  ended_at?: string | null;
}

let driver: typeof BetterSqlite3 | undefined;

/** Load better-sqlite3 on first use (never during graph inference), with a clear error when its native part is missing. */
function loadDriver(): typeof BetterSqlite3 {
  if (!driver) {
    try {
      driver = require('better-sqlite3') as typeof BetterSqlite3;
      new driver(':memory:').close();
    } catch (e) {
      driver = undefined;
      throw new PddError(
        'STATE_DRIVER',
        `nx-pdd's state store needs better-sqlite3's native module, which is not built (${(e as Error).message.split('\n')[0]}). ` +
          'npm 11 skips install scripts it was not told to allow: add "allowScripts": { "better-sqlite3": true } to your package.json ' +
          '(nx g nx-pdd:init does it) or run "npm install-scripts approve better-sqlite3", then "npm rebuild better-sqlite3".',
      );
    }
  }
  return driver;
}

/**
 * The local state of a workspace's units (`.pdd/state.db`, never committed): the state machine
 * row per unit, the operation log and the cost ledger, shared by every process (WAL, busy
 * timeout). Everything in it can be lost: a missing or corrupt file is set aside and started
 * anew from the committed files (`.pdd/meta`), with a warning.
 */
export class StateStore {
  readonly db: BetterSqlite3.Database;
  /** Set when the store had to be rebuilt. */
  readonly warning: string | null;

  private constructor(db: BetterSqlite3.Database, warning: string | null) {
    this.db = db;
    this.warning = warning;
  }

  static open(file: string, options: { busyTimeoutMs?: number } = {}): StateStore {
    const Database = loadDriver();
    mkdirSync(dirname(file), { recursive: true });
    const existed = existsSync(file);
    const waitMs = options.busyTimeoutMs ?? 10_000;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return new StateStore(StateStore.prepare(new Database(file), options), null);
      } catch (e) {
        if (isBusy(e)) {
          // Two syncs opening a new state.db at once: SQLite refuses one of them at once (a
          // deadlock between two readers that both want to write is not waited on), so the
          // busy timeout does not help; try again shortly, within the same time.
          if (Date.now() - started < waitMs) {
            sleepSync(Math.min(50 * attempt, 500) + Math.floor(Math.random() * 50));
            continue;
          }
          throw new PddError(
            'STATE_LOCKED',
            `${file} is locked by another program (${(e as Error).message}) and stayed locked for ${((Date.now() - started) / 1000).toFixed(1)} s: close whatever holds it (an sqlite3 shell, a backup, a stuck nx-pdd: \`fuser ${file}\` names it) and run again; nothing was changed`,
          );
        }
        if (!existed || !isCorruption(e)) throw e;
        const aside = `${file}.corrupt-${Date.now()}`;
        renameSync(file, aside);
        for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
        const warning = `${file} was corrupt (${(e as Error).message}); it was moved to ${aside} and the state is rebuilt from the committed files`;
        return new StateStore(StateStore.prepare(new Database(file), options), warning);
      }
    }
  }

  private static prepare(db: BetterSqlite3.Database, options: { busyTimeoutMs?: number }): BetterSqlite3.Database {
    try {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      // Switching to WAL takes an exclusive lock: only when it is not WAL yet.
      if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > MIGRATIONS.length) {
        throw new PddError(
          'STATE_VERSION',
          `state.db has schema version ${version}, newer than this nx-pdd knows (${MIGRATIONS.length}): upgrade nx-pdd, or delete .pdd/state.db (it is rebuilt from the committed files)`,
        );
      }
      db.transaction(() => {
        const current = db.pragma('user_version', { simple: true }) as number;
        for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
        if (current < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
      }).immediate();
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }

  /** A unit's state read without writing anything (no file created, no migration): for --dry-run. Null when there is none to read. */
  static peekState(file: string, unitId: string): SyncState | null {
    if (!existsSync(file)) return null;
    try {
      const db = new (loadDriver())(file, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT state FROM unit_state WHERE unit_id = ?').get(unitId) as { state: SyncState } | undefined)?.state ?? null;
      } finally {
        db.close();
      }
    } catch {
      return null;
    }
  }

  getState(unitId: string): UnitStateRow | null {
    return (this.db.prepare('SELECT * FROM unit_state WHERE unit_id = ?').get(unitId) as UnitStateRow | undefined) ?? null;
  }

  setState(unitId: string, state: SyncState, last?: { operation: string; status: string }): void {
    this.db
      .prepare(
        `INSERT INTO unit_state (unit_id, state, last_operation, last_status, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (unit_id) DO UPDATE SET state = excluded.state,
           last_operation = COALESCE(excluded.last_operation, unit_state.last_operation),
           last_status = COALESCE(excluded.last_status, unit_state.last_status),
           updated_at = excluded.updated_at`,
      )
      .run(unitId, state, last?.operation ?? null, last?.status ?? null, new Date().toISOString());
  }

  logOperation(entry: OperationLogEntry): number {
    const e = { attempt: 1, cost_usd: 0, input_tokens: null, output_tokens: null, model: null, duration_ms: null, error: null, ended_at: null, ...entry };
    const r = this.db
      .prepare(
        `INSERT INTO operation_log (run_id, unit_id, operation, status, attempt, cost_usd, input_tokens, output_tokens, model, duration_ms, error, started_at, ended_at)
         VALUES (@run_id, @unit_id, @operation, @status, @attempt, @cost_usd, @input_tokens, @output_tokens, @model, @duration_ms, @error, @started_at, @ended_at)`,
      )
      .run(e);
    return Number(r.lastInsertRowid);
  }

  operations(unitId: string, limit = 50): Array<OperationLogEntry & { id: number }> {
    return this.db.prepare('SELECT * FROM operation_log WHERE unit_id = ? ORDER BY id DESC LIMIT ?').all(unitId, limit) as Array<
      OperationLogEntry & { id: number }
    >;
  }
}

function isCorruption(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || /file is not a database|malformed/i.test((e as Error).message);
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** Blocks this thread for `ms` (opening the store is synchronous, as better-sqlite3 is). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
