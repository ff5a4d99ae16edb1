import * as z from 'zod';
import { hasCode, PopfwdError } from '../errors.js';
import type { Log } from '../log.js';
import type { BlobStore } from '../stores/blob-store.js';
import { listLegacyRecords, listSegments, readSegment } from './catalog-read.js';
import type { MailboxLayout } from './layout.js';
import { type MessageRecord, parseRecord } from './message-record.js';
import { damaged, messageIdSchema, parseStored, sha256Schema } from './stored-document.js';

/**
 * The content index: one small document per archived SHA-256, naming the message id that holds
 * those bytes. A server that hands out a new UIDL for a message it already delivered (or lists one
 * UIDL for two messages) is recognised by content, so identical bytes are archived, forwarded and
 * answered once. One conditional write per new message and one read per conflict: the cost
 * follows new mail, never the size of the archive.
 */
export interface DigestEntry {
  readonly v: 1;
  readonly sha256: string;
  /** The message id whose raw bytes have this digest. */
  readonly id: string;
  /** The UIDL it was first archived under. */
  readonly uidl: string;
}

const entrySchema: z.ZodType<DigestEntry> = z.looseObject({
  v: z.literal(1),
  sha256: sha256Schema,
  id: messageIdSchema,
  uidl: z.string(),
});

export interface DigestOwner {
  readonly entry: DigestEntry;
  readonly version: string;
}

const encode = (entry: DigestEntry): Buffer => Buffer.from(JSON.stringify(entry), 'utf8');

/**
 * The entry for these bytes, or null. A damaged entry is rebuilt from the records, the durable
 * evidence of what was planned: a catalog record with these bytes, or none (then nothing was planned
 * for them, and the entry is removed).
 */
export const readDigest = async (
  store: BlobStore,
  layout: MailboxLayout,
  sha256: string,
  log?: Log,
): Promise<DigestOwner | null> => {
  const key = layout.digestKey(sha256);
  const stored = await store.getDocument(key);
  if (!stored) return null;
  try {
    const entry = parseStored(entrySchema, stored.body, key, 'it is rebuilt');
    if (entry.sha256 !== sha256) throw damaged(key, 'it names another SHA-256', 'it is rebuilt');
    return { entry, version: stored.version };
  } catch (error) {
    if (!hasCode(error, 'ESTORE')) throw error;
    log?.warn(`${error.message} from the message records`);
  }
  const holder = await findRecord(store, layout, sha256);
  if (!holder) {
    await store.delete(key);
    return null;
  }
  const entry: DigestEntry = { v: 1, sha256, id: holder.id, uidl: holder.meta.uidl };
  const version = await store.putDocument(key, encode(entry), {
    ifVersion: stored.version,
    contentType: 'application/json',
  });
  return { entry, version };
};

/**
 * A record of the message with these bytes: a scan of the catalog (then of legacy record objects),
 * only to repair a damaged entry. Every entry of one message names the same bytes, so the first
 * found will do; one segment is held at a time.
 */
const findRecord = async (
  store: BlobStore,
  layout: MailboxLayout,
  sha256: string,
): Promise<MessageRecord | null> => {
  for (const segment of await listSegments(store, layout)) {
    const found = (await readSegment(store, segment.key)).find(
      (entry) => entry.record.meta.sha256 === sha256,
    );
    if (found) return found.record;
  }
  for (const key of await listLegacyRecords(store, layout)) {
    const stored = await store.getDocument(key);
    const record = stored ? parseRecord(stored.body, key) : null;
    if (record?.meta.sha256 === sha256) return record;
  }
  return null;
};

/**
 * Names `id` as the holder of these bytes unless another id already is: resolves the holder the
 * index names after the call (ours when the claim succeeded).
 */
export const claimDigest = async (
  store: BlobStore,
  layout: MailboxLayout,
  claim: Omit<DigestEntry, 'v'>,
  log?: Log,
): Promise<DigestOwner> => {
  const entry: DigestEntry = { v: 1, ...claim };
  const key = layout.digestKey(claim.sha256);
  for (let attempt = 1; ; attempt++) {
    try {
      const version = await store.putDocument(key, encode(entry), {
        ifVersion: null,
        contentType: 'application/json',
      });
      return { entry, version };
    } catch (error) {
      if (!hasCode(error, 'ECONFLICT')) throw error;
    }
    const owner = await readDigest(store, layout, claim.sha256, log);
    if (owner) return owner;
    // Claimed and gone again in between: only a person deleting files does that.
    if (attempt >= 2) throw new PopfwdError('ESTORE', `${key} disappeared while it was read`);
  }
};

/** Points the entry at `id` instead: the id it named holds nothing (see message-identity.ts). */
export const moveDigest = async (
  store: BlobStore,
  layout: MailboxLayout,
  owner: DigestOwner,
  id: string,
  uidl: string,
): Promise<void> => {
  await store.putDocument(
    layout.digestKey(owner.entry.sha256),
    encode({ ...owner.entry, id, uidl }),
    { ifVersion: owner.version, contentType: 'application/json' },
  );
};
