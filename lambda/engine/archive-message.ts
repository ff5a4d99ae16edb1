import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import type { MessageMeta } from '../mail/message-meta.js';
import { parseHeaderBlock } from '../mail/parse-headers.js';
import type { BlobStore } from '../stores/blob-store.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import type { MailboxLayout } from './layout.js';
import type { MessageRecord } from './message-record.js';
import { MessageTap } from './message-tap.js';

export type ArchiveOutcome =
  /** Newly stored. */
  | { readonly kind: 'created'; readonly id: string; readonly meta: MessageMeta }
  /** The same bytes were stored before (a re-fetch after a crash); `record` if it was written. */
  | {
      readonly kind: 'exists';
      readonly id: string;
      readonly meta: MessageMeta;
      readonly record: MessageRecord | null;
    }
  /**
   * The key holds different bytes: the server reused a UIDL for a new message. Nothing was
   * stored; the caller fetches it again under `alternateId`.
   */
  | {
      readonly kind: 'conflict';
      readonly id: string;
      readonly alternateId: string;
      readonly sha256: string;
    };

export interface ArchiveInput {
  readonly store: BlobStore;
  readonly layout: MailboxLayout;
  readonly uidl: string;
  /** Defaults to the id derived from the UIDL. */
  readonly id?: string;
  readonly stream: Readable;
  readonly sizeHint?: number;
  readonly now: number;
  /** The message's record, if it has one (the run's catalog). */
  readonly readRecord: (id: string) => Promise<MessageRecord | null>;
}

const sha256Of = async (stream: Readable): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

/** The id for a message whose UIDL was already used for other bytes. */
export const alternateIdFor = (layout: MailboxLayout, uidl: string, sha256: string): string =>
  layout.idFor(`${uidl}\n${sha256}`);

/**
 * Streams one message into the archive under its UIDL's key, never overwriting: the store's
 * create-once rule turns a second fetch of the same message into 'exists'.
 */
export const archiveMessage = async (input: ArchiveInput): Promise<ArchiveOutcome> => {
  const { store, layout, uidl } = input;
  const id = input.id ?? layout.idFor(uidl);
  const key = layout.rawKey(id);
  const tap = new MessageTap();
  const body = pipeline(input.stream, tap, () => {});
  const result = await store.create(key, body, {
    contentType: 'message/rfc822',
    ...(input.sizeHint === undefined ? {} : { sizeHint: input.sizeHint }),
  });
  crashPoint('after-archive');
  const sha256 = tap.digest();
  const meta: MessageMeta = {
    uidl,
    key,
    size: tap.size,
    sha256,
    archivedAt: new Date(input.now).toISOString(),
    ...parseHeaderBlock(tap.header),
  };
  if (result === 'created') return { kind: 'created', id, meta };

  // A damaged record throws: taking it for a missing one would plan the message again.
  const record = await input.readRecord(id);
  const storedSha = record?.meta.sha256 ?? (await storedRawSha(store, key));
  if (storedSha !== sha256)
    return { kind: 'conflict', id, alternateId: alternateIdFor(layout, uidl, sha256), sha256 };
  return { kind: 'exists', id, meta: record ? record.meta : meta, record };
};

const storedRawSha = async (store: BlobStore, key: string): Promise<string | null> => {
  const raw = await store.read(key);
  return raw ? sha256Of(raw) : null;
};
