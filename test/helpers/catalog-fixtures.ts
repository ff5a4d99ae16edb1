import { gzipSync } from 'node:zlib';
import { mailboxLayout } from '../../lambda/engine/layout.js';
import type { MessageRecord } from '../../lambda/engine/message-record.js';
import { emptyPlan } from '../../lambda/rules/plan.js';

export const CATALOG_MAILBOX = 'alice@example.test';
export const catalogLayout = mailboxLayout(CATALOG_MAILBOX);

/**
 * A message record as recordNew writes it, with header fields, a tag and an unknown field (a
 * newer version's) so round trips can show that nothing is dropped.
 */
export const sampleRecord = (n: number, overrides: Partial<MessageRecord> = {}): MessageRecord => {
  const uidl = `uidl-${n}`;
  const id = catalogLayout.idFor(uidl);
  return {
    v: 1,
    id,
    meta: {
      uidl,
      key: catalogLayout.rawKey(id),
      size: 100 + n,
      sha256: n.toString(16).padStart(64, '0'),
      archivedAt: new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString(),
      from: [{ name: 'Bob', address: 'bob@example.org' }],
      sender: null,
      replyTo: [],
      to: [{ name: '', address: CATALOG_MAILBOX }],
      cc: [],
      bcc: [],
      resent: [],
      returnPath: 'bob@example.org',
      subject: `message ${n} — grüße`,
      date: new Date(Date.UTC(2026, 10, 1) + n * 60_000 - 5_000).toISOString(),
      messageId: `<${n}@example.org>`,
      inReplyTo: null,
      references: [],
      contentType: 'text/plain',
      headers: [
        { name: 'received', value: `from mx${n}.example.org by mx.example.test` },
        { name: 'subject', value: `message ${n} — grüße` },
        { name: 'x-popfwd-loop', value: 'other@example.test' },
      ],
    },
    rules: { status: 'evaluated', plan: { ...emptyPlan, tags: ['lists'] } },
    tags: ['lists'],
    actions: {},
    updatedAt: new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString(),
    ...overrides,
    ...({ futureField: { kept: n } } as object),
  };
};

/** A gzip of `text`, for hand-made damaged segments. */
export const gzipText = (text: string): Buffer => gzipSync(Buffer.from(text, 'utf8'));
