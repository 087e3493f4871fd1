import { LlmError } from './errors';

/** A charge held against the budget before a call, settled with the real cost after it. */
export interface Reservation {
  settle(actualUsd: number): void;
  release(): void;
}

/**
 * Where every LLM call is charged before it is made (DESIGN invariant 5). This in-process
 * ledger serves one process; the sync engine issue adds the cross-process one behind the
 * same interface.
 */
export interface Ledger {
  reserve(estimateUsd: number, what: string): Reservation;
  readonly spentUsd: number;
  readonly calls: number;
}

export class InProcessLedger implements Ledger {
  private spent = 0;
  private held = 0;
  private count = 0;

  constructor(readonly budgetUsd: number = Number.POSITIVE_INFINITY) {}

  get spentUsd(): number {
    return this.spent;
  }

  get calls(): number {
    return this.count;
  }

  reserve(estimateUsd: number, what: string): Reservation {
    if (this.spent + this.held + estimateUsd > this.budgetUsd) {
      throw new LlmError(
        'budget',
        `budget of $${this.budgetUsd.toFixed(2)} would be exceeded by ${what} (spent $${this.spent.toFixed(4)}, estimate $${estimateUsd.toFixed(4)}): raise --budget or lower the strength`,
      );
    }
    this.held += estimateUsd;
    let open = true;
    const close = () => {
      if (!open) return false;
      open = false;
      this.held -= estimateUsd;
      return true;
    };
    return {
      settle: (actual) => {
        if (close()) {
          this.spent += actual;
          this.count++;
        }
      },
      release: () => void close(),
    };
  }
}
