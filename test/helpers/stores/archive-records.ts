import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';
import { memoryStore } from './memory-store.js';

/**
 * Catalog entries built in memory for unit tests of the archive modules (the integration tests
 * archive through the engine instead): the record the engine would write for `data`.
 */
export const OWNER = 'alice@example.test';
export const layout = mailboxLayout(OWNER);

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export interface RecordFields {
  readonly archivedAt?: string;
  readonly tags?: readonly string[];
}

export const recordFor = (uidl: string, data: Buffer, fields: RecordFields = {}): MessageRecord => {
  const id = layout.idFor(uidl);
  return {
    v: 1,
    id,
    meta: {
      ...parseHeaderBlock(data),
      uidl,
      key: layout.rawKey(id),
      size: data.length,
      sha256: sha256(data),
      archivedAt: fields.archivedAt ?? '2026-11-26T12:00:00.000Z',
    },
    rules: {
      status: 'evaluated',
      plan: { matched: [], actions: [], tags: [], server: 'default', discarded: false, notes: [] },
    },
    tags: fields.tags ?? [],
    actions: {},
    updatedAt: fields.archivedAt ?? '2026-11-26T12:00:00.000Z',
  };
};

/** A memory store holding each message's raw bytes under its key, and their records in order. */
export const archiveOf = async (messages: ReadonlyArray<readonly [string, Buffer]>) => {
  const store = memoryStore();
  const records = messages.map(([uidl, data], index) =>
    recordFor(uidl, data, {
      archivedAt: new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString(),
    }),
  );
  for (const [index, record] of records.entries()) {
    await store.create(record.meta.key, Readable.from([messages[index]?.[1] as Buffer]));
  }
  return { store, records };
};
