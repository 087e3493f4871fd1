import { PromptUnit } from '../units';
import { LlmError } from '../llm/errors';
import { formatUsd } from '../llm/ledger';
import { LlmMessage, LlmResult } from '../llm/types';
import { OperationName, OPERATIONS } from './catalogue';
import { LlmCaller, OperationEnvironment, OperationReport } from './operation';

/** How many times a rejected answer is asked again with the reason, per operation run. */
export const MAX_FOLLOW_UPS = 2;

/**
 * Run one operation of a unit by name. When it rejects an answer (bad shape, does not parse,
 * drops an include...), the model is asked again, never with the identical request (at
 * temperature 0 it would answer the same): the first request, the rejected answer as the
 * assistant's turn, and a user turn saying what was wrong (docs/llm-layer.md). The rejected
 * answer stays in the response cache: run again, the whole exchange replays for free. At most
 * MAX_FOLLOW_UPS times; the rejected answers' cost is part of the report (or of the error, `paidUsd`), and the follow-ups are noted.
 */
export async function runOperation(operation: OperationName, unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  const corrections: LlmMessage[] = [];
  let paidUsd = 0;
  for (let followUps = 0; ; followUps++) {
    const answers: LlmResult[] = [];
    const llm: LlmCaller = {
      complete: async (messages, ctx) => {
        const r = await env.llm.complete(answers.length === 0 ? [...messages, ...corrections] : messages, ctx);
        answers.push(r);
        return r;
      },
      forget: (r) => env.llm.forget(r),
    };
    try {
      const report = await OPERATIONS[operation].run(unit, { ...env, llm });
      if (!followUps) return report;
      return {
        ...report,
        costUsd: report.costUsd + paidUsd,
        notes: [
          ...report.notes,
          `${followUps} rejected answer${followUps > 1 ? 's' : ''} asked again with the reason (${formatUsd(paidUsd)} of this step's cost)`,
        ],
      };
    } catch (e) {
      if (!(e instanceof LlmError && e.kind === 'bad-answer')) throw e;
      // The operation's rejected answers, or one the client rejected unread (too long): both were paid.
      paidUsd += answers.reduce((n, r) => n + r.costUsd, 0) + e.paidUsd;
      if (answers.length !== 1 || followUps >= MAX_FOLLOW_UPS) {
        const error = new LlmError(
          'bad-answer',
          followUps ? `${e.message} (after ${followUps} follow-up${followUps > 1 ? 's' : ''} stating the reason)` : e.message,
        );
        error.paidUsd = paidUsd;
        throw error;
      }
      corrections.push({ role: 'assistant', content: answers[0].content }, { role: 'user', content: followUpMessage(e.message) });
    }
  }
}

/** The user turn after a rejected answer: what was wrong, and what to do instead. */
export function followUpMessage(reason: string): string {
  return `Your answer was rejected: ${reason.replace(/; nothing was written$/, '')}. Answer again, in full, in exactly the form the instructions above ask for (the fenced blocks, labels or JSON they name), with nothing left out.`;
}
