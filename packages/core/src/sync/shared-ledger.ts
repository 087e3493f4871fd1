import { LlmError } from '../llm/errors';
import { Ledger, Reservation } from '../llm/ledger';
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

/**
 * The cost ledger shared by every process of a workspace (a table of `.pdd/state.db`): a
 * reservation is checked and written in one IMMEDIATE transaction, so parallel Nx tasks of
 * one invocation together never pass its budget, whatever their timing.
 */
export class SharedLedger implements Ledger {
  constructor(
    private readonly store: StateStore,
    private readonly options: SharedLedgerOptions,
  ) {}

  get spentUsd(): number {
    const row = this.store.db.prepare(`SELECT COALESCE(SUM(actual_usd), 0) AS s FROM ledger WHERE scope = ? AND status = 'settled'`).get(this.options.scope) as { s: number };
    return row.s;
  }

  get calls(): number {
    return (this.store.db.prepare(`SELECT COUNT(*) AS n FROM ledger WHERE scope = ? AND status = 'settled'`).get(this.options.scope) as { n: number }).n;
  }

  reserve(estimateUsd: number, what: string): Reservation {
    const { db } = this.store;
    const { scope, budgetUsd, unitId, dailyCeilingUsd, callsPerMinute } = this.options;
    const id = db
      .transaction(() => {
        if (callsPerMinute !== undefined) {
          const since = new Date(Date.now() - 60_000).toISOString();
          const recent = db.prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM ledger WHERE created_at > ?`).get(since) as { n: number; oldest: string | null };
          if (recent.n >= callsPerMinute) {
            const waitMs = Math.max(50, Date.parse(recent.oldest!) + 60_000 - Date.now());
            throw new LlmError('rate-limit', `the workspace's limit of ${callsPerMinute} LLM calls per minute is reached`, waitMs);
          }
        }
        const used = db
          .prepare(`SELECT COALESCE(SUM(CASE status WHEN 'settled' THEN actual_usd ELSE reserved_usd END), 0) AS u FROM ledger WHERE scope = ? AND status != 'released'`)
          .get(scope) as { u: number };
        if (used.u + estimateUsd > budgetUsd + 1e-12) {
          throw new LlmError('budget', `budget of $${budgetUsd.toFixed(2)} would be exceeded by ${what} (used or held $${used.u.toFixed(4)} in this run, estimate $${estimateUsd.toFixed(4)}): raise --budget or lower the strength`);
        }
        if (dailyCeilingUsd !== undefined) {
          const today = new Date().toISOString().slice(0, 10);
          const day = db
            .prepare(`SELECT COALESCE(SUM(CASE status WHEN 'settled' THEN actual_usd ELSE reserved_usd END), 0) AS u FROM ledger WHERE status != 'released' AND substr(created_at, 1, 10) = ?`)
            .get(today) as { u: number };
          if (day.u + estimateUsd > dailyCeilingUsd + 1e-12) {
            throw new LlmError('budget', `the workspace's daily ceiling of $${dailyCeilingUsd.toFixed(2)} would be exceeded by ${what} (used or held today $${day.u.toFixed(4)})`);
          }
        }
        return db.prepare(`INSERT INTO ledger (scope, unit_id, what, reserved_usd, status, created_at) VALUES (?, ?, ?, ?, 'reserved', ?)`).run(scope, unitId, what, estimateUsd, new Date().toISOString()).lastInsertRowid;
      })
      .immediate();
    let open = true;
    const close = (status: 'settled' | 'released', actual: number | null) => {
      if (!open) return;
      open = false;
      db.prepare(`UPDATE ledger SET status = ?, actual_usd = ? WHERE id = ?`).run(status, actual, id);
    };
    return { settle: (actual) => close('settled', actual), release: () => close('released', null) };
  }
}
