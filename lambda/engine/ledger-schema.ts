import * as z from 'zod';
import type { SendAction } from '../rules/plan.js';
import type { ActionState, MailboxState, SeenIndex } from './ledger-types.js';
import { errorCodeSchema, isoTimeSchema, messageIdSchema } from './stored-document.js';

/** The shapes of state.json and uidls.json (ledger-types.ts), as read back from the store. */

const count = z.number().int().min(0);

export const sendActionSchema: z.ZodType<SendAction> = z.discriminatedUnion('kind', [
  z.looseObject({
    kind: z.literal('forward'),
    id: z.string(),
    rule: z.string(),
    to: z.array(z.string()),
    as: z.enum(['attachment', 'inline', 'redirect']),
  }),
  z.looseObject({
    kind: z.literal('reply'),
    id: z.string(),
    rule: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
  }),
  z.looseObject({
    kind: z.literal('vacation'),
    id: z.string(),
    rule: z.string().nullable(),
    to: z.string(),
    sender: z.string(),
    days: z.number().positive(),
    subject: z.string(),
    text: z.string(),
  }),
]);

export const actionStateSchema: z.ZodType<ActionState> = z.looseObject({
  action: sendActionSchema,
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'skipped']),
  attempts: count,
  messageId: z.string(),
  notBefore: isoTimeSchema.optional(),
  lastError: z
    .looseObject({ code: errorCodeSchema, message: z.string(), at: isoTimeSchema })
    .optional(),
  sentAt: isoTimeSchema.optional(),
  response: z.string().optional(),
  reason: z.string().optional(),
});

export const actionsSchema = z.record(z.string(), actionStateSchema);

export const stateSchema: z.ZodType<MailboxState> = z.looseObject({
  v: z.literal(1),
  mailbox: z.string(),
  lease: z.looseObject({ owner: z.string(), until: isoTimeSchema }).nullable(),
  pending: z.record(
    z.string(),
    z.looseObject({ uidl: z.string(), since: isoTimeSchema, actions: actionsSchema }),
  ),
  vacation: z.record(z.string(), isoTimeSchema),
  sends: z.looseObject({ day: z.string(), count }),
  catalogSince: isoTimeSchema.optional(),
  catalogNext: z.number().int().min(0).optional(),
  sendPause: z
    .looseObject({ until: isoTimeSchema, code: errorCodeSchema, reason: z.string() })
    .optional(),
  fetchFailures: z
    .record(
      z.string(),
      z.looseObject({
        count: z.number().int().min(1),
        code: errorCodeSchema,
        message: z.string(),
        quarantinedUntil: isoTimeSchema.optional(),
      }),
    )
    .optional(),
  runs: z
    .array(
      z.looseObject({
        at: isoTimeSchema,
        durationMs: count,
        outcome: z.enum(['ok', 'failed', 'deadline', 'limit', 'aborted']),
        fetched: count,
        archived: count,
        deleted: count,
        forwarded: count,
        replied: count,
        failed: count,
        error: errorCodeSchema.optional(),
      }),
    )
    .optional(),
  failedSends: z
    .array(
      z.looseObject({
        id: messageIdSchema,
        uidl: z.string(),
        actionId: z.string(),
        kind: z.enum(['forward', 'reply', 'vacation']),
        to: z.array(z.string()),
        reason: z.string(),
        at: isoTimeSchema,
      }),
    )
    .optional(),
  refreshTokenRotatedAt: isoTimeSchema.optional(),
});

export const seenSchema: z.ZodType<SeenIndex> = z.looseObject({
  v: z.literal(1),
  uidls: z.record(
    z.string(),
    z.looseObject({
      t: z.number().int(),
      id: messageIdSchema.optional(),
      s: z.enum(['k', 'd']).optional(),
      c: z.array(z.tuple([messageIdSchema, count])).optional(),
    }),
  ),
});
