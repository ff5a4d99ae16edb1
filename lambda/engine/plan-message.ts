import { errorMessage } from '../errors.js';
import type { MessageMeta } from '../mail/message-meta.js';
import { evaluateRules, needsBody } from '../rules/evaluate.js';
import { ownerFromConfig } from '../rules/owner.js';
import { emptyPlan } from '../rules/plan.js';
import type { MessageRecord } from './message-record.js';
import type { RunContext } from './run-context.js';

/**
 * The "after archive" step: rules and vacation decide what happens to a message. Runs on the
 * archived copy, so a message the rules cannot handle is still safely stored; a failure here is
 * recorded on the message and never stops the run.
 */
export const planMessage = async (
  ctx: RunContext,
  meta: MessageMeta,
): Promise<MessageRecord['rules']> => {
  const { config } = ctx;
  if (config.rules.length === 0 && !config.vacation?.enabled)
    return { status: 'evaluated', plan: emptyPlan };
  // Rules on a message without usable headers would act on nothing (or on garbage): record it.
  if (meta.parseError)
    return { status: 'failed', error: `rules were not applied: ${meta.parseError}` };
  try {
    const body = needsBody(config.rules) ? await loadBody(ctx, meta) : undefined;
    const plan = evaluateRules(config.rules, {
      meta,
      owner: ownerFromConfig(config),
      now: ctx.clock.now(),
      ...(body ? { body } : {}),
      ...(config.vacation ? { vacation: config.vacation } : {}),
    });
    return { status: 'evaluated', plan };
  } catch (error) {
    return { status: 'failed', error: `rules could not be evaluated: ${errorMessage(error)}` };
  }
};

const loadBody = async (ctx: RunContext, meta: MessageMeta) => {
  // mailparser loads only for configs whose rules read bodies.
  const [{ readBodyFacts }, stream] = await Promise.all([
    import('../mail/body-facts.js'),
    ctx.store.read(meta.key),
  ]);
  if (!stream) throw new Error(`the archived message ${meta.key} is missing`);
  return readBodyFacts(stream, { limit: ctx.config.limits.bodyScanLimit });
};
