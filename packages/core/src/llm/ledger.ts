import { LlmError } from './errors';

/** A charge held against the budget before a call, settled with the real cost after it. */
export interface Reservation {
  /**
   * The call's cost: `chargedUsd` (the provider's report, at most the reserved worst case) and,
   * when the provider claimed more than the worst case, that claim: the scope then stops.
   */
  settle(chargedUsd: number, claimedUsd?: number): void;
  release(): void;
}

/**
 * Where every LLM call is charged before it is made (docs/llm-layer.md, "Spend"): a call is
 * sent only when its worst case fits what is left. The in-process ledger serves one process;
 * the sync engine's shared one (core/sync/shared-ledger) every process of a workspace.
 */
export interface Ledger {
  reserve(worstCaseUsd: number, what: string): Reservation;
  readonly spentUsd: number;
  readonly calls: number;
}

/** A USD figure as it is: up to six decimals, trailing zeros dropped, at least two (`$0.025`, `$1.50`). */
export function formatUsd(usd: number): string {
  const fixed = usd.toFixed(6).replace(/0+$/, '');
  const [whole, fraction = ''] = fixed.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** The refusal when a provider billed beyond a call's worst case earlier in this scope. */
export function overbilledError(what: string, claims: { chargedUsd: number; claimedUsd: number }): LlmError {
  return new LlmError(
    'budget',
    `${what} not sent: a provider reported usage beyond what its request could cost (charged at the worst case ${formatUsd(claims.chargedUsd)}, claimed ${formatUsd(claims.claimedUsd)}), so no further call starts in this run: check the provider's bill and its usage reports`,
  );
}

/** The refusal of a call whose worst case does not fit. */
export function overBudgetError(limit: string, limitUsd: number, what: string, usedUsd: number, worstCaseUsd: number, advice: string): LlmError {
  return new LlmError(
    'budget',
    `${limit} of ${formatUsd(limitUsd)} would be exceeded by ${what} (used or held ${formatUsd(usedUsd)}, worst case of the call ${formatUsd(worstCaseUsd)}): ${advice}`,
  );
}

export class InProcessLedger implements Ledger {
  private spent = 0;
  private held = 0;
  private count = 0;
  private overbilled: { chargedUsd: number; claimedUsd: number } | null = null;

  constructor(readonly budgetUsd: number = Number.POSITIVE_INFINITY) {}

  get spentUsd(): number {
    return this.spent;
  }

  get calls(): number {
    return this.count;
  }

  reserve(worstCaseUsd: number, what: string): Reservation {
    if (this.overbilled) throw overbilledError(what, this.overbilled);
    if (this.spent + this.held + worstCaseUsd > this.budgetUsd + 1e-12) {
      throw overBudgetError('budget', this.budgetUsd, what, this.spent + this.held, worstCaseUsd, 'raise --budget or lower the strength');
    }
    this.held += worstCaseUsd;
    let open = true;
    const close = () => {
      if (!open) return false;
      open = false;
      this.held -= worstCaseUsd;
      return true;
    };
    return {
      settle: (charged, claimed) => {
        if (!close()) return;
        this.spent += charged;
        this.count++;
        if (claimed !== undefined && claimed > charged + 1e-12) this.overbilled = { chargedUsd: charged, claimedUsd: claimed };
      },
      release: () => void close(),
    };
  }
}
