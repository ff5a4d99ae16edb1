import * as z from 'zod';
import type { MessageMeta } from '../mail/message-meta.js';
import type { MessagePlan } from '../rules/plan.js';
import type { BlobStore } from '../stores/blob-store.js';
import type { MailboxLayout } from './layout.js';
import { actionsSchema, sendActionSchema } from './ledger-schema.js';
import type { ActionState } from './ledger-types.js';
import {
  damaged,
  describeIssues,
  isoTimeSchema,
  messageIdSchema,
  parseStored,
  sha256Schema,
} from './stored-document.js';

/**
 * The per-message document beside the raw `.eml`: what `popfwd archive list` shows without
 * re-parsing, and the rule outcome. Written when the message is archived and again when its
 * sends are final.
 */
export interface MessageRecord {
  readonly v: 1;
  readonly id: string;
  readonly meta: MessageMeta;
  readonly rules:
    | { readonly status: 'evaluated'; readonly plan: MessagePlan }
    | { readonly status: 'failed'; readonly error: string };
  readonly tags: readonly string[];
  /** Final outcome of each send, copied from the ledger once nothing is pending. */
  readonly actions: Readonly<Record<string, ActionState>>;
  readonly updatedAt: string;
}

const address = z.looseObject({ name: z.string(), address: z.string() });
const addresses = z.array(address);

const metaSchema = z.looseObject({
  uidl: z.string(),
  key: z.string(),
  size: z.number().int().min(0),
  sha256: sha256Schema,
  archivedAt: isoTimeSchema,
  from: addresses,
  sender: address.nullable(),
  replyTo: addresses,
  to: addresses,
  cc: addresses,
  bcc: addresses,
  resent: addresses,
  returnPath: z.string().nullable(),
  subject: z.string(),
  date: z.string().nullable(),
  messageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  contentType: z.string(),
  headers: z.array(z.looseObject({ name: z.string(), value: z.string() })),
  parseError: z.string().optional(),
});

const planSchema = z.looseObject({
  matched: z.array(z.looseObject({ index: z.number().int(), name: z.string() })),
  actions: z.array(sendActionSchema),
  tags: z.array(z.string()),
  server: z.enum(['default', 'keep', 'delete']),
  discarded: z.boolean(),
  notes: z.array(z.looseObject({ action: z.string().optional(), reason: z.string() })),
});

const recordSchema: z.ZodType<MessageRecord> = z.looseObject({
  v: z.literal(1),
  id: messageIdSchema,
  meta: metaSchema,
  rules: z.discriminatedUnion('status', [
    z.looseObject({ status: z.literal('evaluated'), plan: planSchema }),
    z.looseObject({ status: z.literal('failed'), error: z.string() }),
  ]),
  tags: z.array(z.string()),
  actions: actionsSchema,
  updatedAt: isoTimeSchema,
});

/**
 * What to do about a damaged record. Without it popfwd cannot know which sends were made, so it
 * stops rather than plan the message again.
 */
const RECORD_REMEDY =
  'restore it from a backup; if there is none, delete it and popfwd plans the message again on its next read (its forwards and replies may then go out a second time)';

export const encodeRecord = (record: MessageRecord): Buffer =>
  Buffer.from(JSON.stringify(record), 'utf8');

/** The record in `body`; throws ESTORE naming `key` when it is damaged. */
export const parseRecord = (body: Buffer, key: string): MessageRecord =>
  parseStored(recordSchema, body, key, RECORD_REMEDY);

/**
 * A record already parsed from JSON (a catalog segment line); throws ESTORE naming `where` when it
 * does not match the schema.
 */
export const checkRecord = (value: unknown, where: string): MessageRecord => {
  const result = recordSchema.safeParse(value);
  if (!result.success) throw damaged(where, describeIssues(result.error.issues), RECORD_REMEDY);
  // As JSON.parse made it: see parseStored.
  return value as MessageRecord;
};

/** For listings that show what they can: a damaged record reads as null. */
export const decodeRecord = (body: Buffer): MessageRecord | null => {
  try {
    return parseRecord(body, 'record');
  } catch {
    return null;
  }
};

/** The record of message `id`: null only when there is none; a damaged one throws ESTORE. */
export const readRecord = async (
  store: BlobStore,
  layout: MailboxLayout,
  id: string,
): Promise<MessageRecord | null> => {
  const key = layout.recordKey(id);
  const stored = await store.getDocument(key);
  return stored ? parseRecord(stored.body, key) : null;
};
