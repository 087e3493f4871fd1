import { hostname } from 'node:os';
import { LlmError } from '../llm/errors';
import { Ledger, overBudgetError, overbilledError, Reservation } from '../llm/ledger';
import { processAlive } from '../process-alive';
import { StateStore } from './state-store';

export interface SharedLedgerOptions {
  /** What shares one budget: one `nx run-many`/`affected` invocation, or one sync run. */
  scope: string;
  budgetUsd: number;
  unitId: string;
  /** USD all scopes of the workspace may spend per UTC day (optional). */
  dailyCeilingUsd?: number;
  /** LLM calls all processes of the workspace may start per minute (optional). */
  callsPerMinute?: number;
}

/** What a row counts against a limit: the charge once settled, the worst case while held. */
const USED = `COALESCE(SUM(CASE status WHEN 'settled' THEN actual_usd ELSE reserved_usd END), 0)`;

/**
 * The cost ledger shared by every process of a workspace (a table of `.pdd/state.db`): a
 * reservation of a call's worst case is checked and written in one IMMEDIATE transaction, so
 * parallel Nx tasks of one invocation together never pass its budget, whatever their timing.
 * Reservations of processes of this host that are gone (killed runs) are released first.
 */
export class SharedLedger implements Ledger {
  /** The rows this ledger object reserved (one sync run of one unit). */
  private readonly own: number[] = [];

  constructor(
    private readonly store: StateStore,
    private readonly options: SharedLedgerOptions,
  ) {}

  get spentUsd(): number {
    return (
      this.store.db.prepare(`SELECT COALESCE(SUM(actual_usd), 0) AS s FROM ledger WHERE scope = ? AND status = 'settled'`).get(this.options.scope) as {
        s: number;
      }
    ).s;
  }

  get calls(): number {
    return (this.store.db.prepare(`SELECT COUNT(*) AS n FROM ledger WHERE scope = ? AND status = 'settled'`).get(this.options.scope) as { n: number }).n;
  }

  /** What this ledger object's calls were charged, as the ledger holds it (rejected answers included). */
  get ownSpentUsd(): number {
    if (!this.own.length) return 0;
    return (
      this.store.db
        .prepare(`SELECT COALESCE(SUM(actual_usd), 0) AS s FROM ledger WHERE status = 'settled' AND id IN (${this.own.map(() => '?').join(',')})`)
        .get(...this.own) as { s: number }
    ).s;
  }

  /** Release the reservations held by processes of this host that no longer run; returns how many. */
  releaseDead(): number {
    const { db } = this.store;
    const held = db.prepare(`SELECT id, pid FROM ledger WHERE status = 'reserved' AND host = ? AND pid IS NOT NULL`).all(hostname()) as Array<{
      id: number;
      pid: number;
    }>;
    const dead = held.filter((r) => r.pid !== process.pid && !processAlive(r.pid));
    const release = db.prepare(`UPDATE ledger SET status = 'released' WHERE id = ? AND status = 'reserved'`);
    for (const r of dead) release.run(r.id);
    return dead.length;
  }

  reserve(worstCaseUsd: number, what: string): Reservation {
    const { db } = this.store;
    const { scope, budgetUsd, unitId, dailyCeilingUsd, callsPerMinute } = this.options;
    const id = db
      .transaction(() => {
        this.releaseDead();
        const overbilled = db
          .prepare(`SELECT actual_usd AS chargedUsd, claimed_usd AS claimedUsd FROM ledger WHERE scope = ? AND claimed_usd IS NOT NULL LIMIT 1`)
          .get(scope) as { chargedUsd: number; claimedUsd: number } | undefined;
        if (overbilled) throw overbilledError(what, overbilled);
        if (callsPerMinute !== undefined) {
          const since = new Date(Date.now() - 60_000).toISOString();
          const recent = db.prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM ledger WHERE created_at > ?`).get(since) as {
            n: number;
            oldest: string | null;
          };
          if (recent.n >= callsPerMinute) {
            const waitMs = Math.max(50, Date.parse(recent.oldest!) + 60_000 - Date.now());
            throw new LlmError('rate-limit', `the workspace's limit of ${callsPerMinute} LLM calls per minute is reached`, waitMs);
          }
        }
        const used = (db.prepare(`SELECT ${USED} AS u FROM ledger WHERE scope = ? AND status != 'released'`).get(scope) as { u: number }).u;
        if (used + worstCaseUsd > budgetUsd + 1e-12)
          throw overBudgetError('budget', budgetUsd, what, used, worstCaseUsd, 'raise --budget or lower the strength');
        if (dailyCeilingUsd !== undefined) {
          const today = new Date().toISOString().slice(0, 10);
          const day = (db.prepare(`SELECT ${USED} AS u FROM ledger WHERE status != 'released' AND substr(created_at, 1, 10) = ?`).get(today) as { u: number })
            .u;
          if (day + worstCaseUsd > dailyCeilingUsd + 1e-12)
            throw overBudgetError(
              "the workspace's daily ceiling",
              dailyCeilingUsd,
              what,
              day,
              worstCaseUsd,
              'raise --dailyCeiling or wait for the next UTC day',
            );
        }
        return db
          .prepare(`INSERT INTO ledger (scope, unit_id, what, reserved_usd, status, created_at, pid, host) VALUES (?, ?, ?, ?, 'reserved', ?, ?, ?)`)
          .run(scope, unitId, what, worstCaseUsd, new Date().toISOString(), process.pid, hostname()).lastInsertRowid;
      })
      .immediate();
    this.own.push(Number(id));
    let open = true;
    const close = (status: 'settled' | 'released', charged: number | null, claimed: number | null) => {
      if (!open) return;
      open = false;
      db.prepare(`UPDATE ledger SET status = ?, actual_usd = ?, claimed_usd = ? WHERE id = ?`).run(status, charged, claimed, id);
    };
    return {
      settle: (charged, claimed) => close('settled', charged, claimed !== undefined && claimed > charged + 1e-12 ? claimed : null),
      release: () => close('released', null, null),
    };
  }
}
