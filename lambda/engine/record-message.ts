import { actionMessageId } from '../compose/own-message-id.js';
import type { Log } from '../log.js';
import type { MessageMeta } from '../mail/message-meta.js';
import type { MessagePlan } from '../rules/plan.js';
import type { ActionState, PendingMessage, SeenEntry } from './ledger-types.js';
import type { MessageRecord } from './message-record.js';
import { planMessage } from './plan-message.js';
import type { RunContext } from './run-context.js';
import type { ServerMessage } from './selection.js';

/**
 * A message's record and sends, once its bytes are archived and known to be new (recordNew) or
 * known to be archived already (resume). The caller notes the returned seen entry.
 */

const initialActions = (
  mailbox: string,
  id: string,
  plan: MessagePlan,
): Record<string, ActionState> =>
  Object.fromEntries(
    plan.actions.map((action) => [
      action.id,
      {
        action,
        status: 'pending',
        attempts: 0,
        messageId: actionMessageId(mailbox, id, action.id),
      } satisfies ActionState,
    ]),
  );

const seenEntry = (
  ctx: RunContext,
  uidl: string,
  id: string,
  archivedAt: string,
  plan: MessagePlan | null,
): SeenEntry => ({
  t: Math.floor(Date.parse(archivedAt) / 1000),
  ...(id === ctx.layout.idFor(uidl) ? {} : { id }),
  ...(plan?.server === 'keep'
    ? { s: 'k' as const }
    : plan?.server === 'delete'
      ? { s: 'd' as const }
      : {}),
});

/** Puts a message's sends in the ledger and hands it to the sender, in its place. */
const track = (
  ctx: RunContext,
  message: ServerMessage,
  id: string,
  pending: PendingMessage,
  record: MessageRecord,
): void => {
  ctx.ledger.updateState((state) => ({ ...state, pending: { ...state.pending, [id]: pending } }));
  ctx.sends.push({ id, uidl: pending.uidl, record, place: message.n });
};

/** Plans a message archived under `id` and records it; then the ledger may point to it. */
export const recordNew = async (
  ctx: RunContext,
  message: ServerMessage,
  id: string,
  meta: MessageMeta,
  log: Log,
): Promise<SeenEntry> => {
  const rules = await planMessage(ctx, meta);
  const plan = rules.status === 'evaluated' ? rules.plan : null;
  const actions = plan ? initialActions(ctx.config.mailbox.address, id, plan) : {};
  const record: MessageRecord = {
    v: 1,
    id,
    meta,
    rules,
    tags: plan?.tags ?? [],
    actions,
    updatedAt: new Date(ctx.clock.now()).toISOString(),
  };
  // Buffered: the ledger's next save writes it to the catalog first (run-catalog.ts).
  ctx.catalog.put(record);
  if (Object.keys(actions).length > 0)
    track(ctx, message, id, { uidl: message.uidl, since: meta.archivedAt, actions }, record);
  if (plan?.loop) {
    // A loop the marker did not stop is the forwarding setup's fault: the owner has to know.
    ctx.counters.alerts.push({ code: 'ELOOP', message: `${meta.uidl}: ${plan.loop}` });
    log.warn('mail loop: nothing sent for this message', { reason: plan.loop });
  }
  if (rules.status === 'failed') {
    ctx.counters.failed += 1;
    log.warn('rules failed; the message is archived and recorded as failed', {
      error: rules.error,
    });
  } else {
    ctx.counters.skipped += plan?.notes.filter((note) => note.action).length ?? 0;
    log.info('archived', {
      subject: meta.subject,
      size: meta.size,
      actions: plan?.actions.map((action) => action.id) ?? [],
      ...(plan?.tags.length ? { tags: plan.tags } : {}),
    });
  }
  return seenEntry(ctx, message.uidl, id, meta.archivedAt, plan);
};

/**
 * A message whose record exists: its record tells what was decided. Sends that were planned but
 * never started (not in the ledger) are tracked again; sends the ledger knows about are left to it.
 */
export const resume = (
  ctx: RunContext,
  message: ServerMessage,
  id: string,
  record: MessageRecord,
): SeenEntry => {
  const plan = record.rules.status === 'evaluated' ? record.rules.plan : null;
  const open = Object.values(record.actions).filter((state) => state.status === 'pending');
  if (open.length > 0 && !ctx.ledger.state.pending[id]) {
    track(
      ctx,
      message,
      id,
      { uidl: message.uidl, since: record.meta.archivedAt, actions: record.actions },
      record,
    );
  }
  return seenEntry(ctx, message.uidl, id, record.meta.archivedAt, plan);
};
