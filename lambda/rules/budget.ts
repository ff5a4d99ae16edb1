import { hasCode, PopfwdError } from '../errors.js';
import { RULE_LIMITS } from './limits.js';

/**
 * The time one message's rule evaluation may take. Evaluation is synchronous (nothing else runs,
 * not even a SIGTERM handler, while it does), so it checks this budget itself: between matchers,
 * inside the glob loop and while the regex engine reads the text. Running out is an error that
 * fails the whole message: a rule that could not be evaluated must not count as "did not match",
 * or a hostile message would slip past a `discard` rule by being slow to test.
 */
export interface EvaluationBudget {
  /** Throws an ETIMEDOUT PopfwdError (see isBudgetError) once the time is spent. */
  check(): void;
}

const BUDGET_CONTEXT = 'rule-budget';

export const evaluationBudget = (
  limitMs: number = RULE_LIMITS.maxEvaluationMs,
  now: () => number = () => performance.now(),
): EvaluationBudget => {
  const until = now() + limitMs;
  return {
    check: () => {
      if (now() <= until) return;
      throw new PopfwdError(
        'ETIMEDOUT',
        `rule evaluation took longer than ${limitMs} ms on this message and was stopped`,
        { retryable: false, context: { reason: BUDGET_CONTEXT } },
      );
    },
  };
};

/** Whether `error` is a spent budget (and must fail the message, not just one rule). */
export const isBudgetError = (error: unknown): error is PopfwdError =>
  hasCode(error, 'ETIMEDOUT') && error.context.reason === BUDGET_CONTEXT;
