import { describe, expect, it } from 'vitest';
import { ArchiveIndex, listRow } from '../../../../lambda/archive/serve/archive-index.js';
import type { MessageRecord } from '../../../../lambda/engine/message-record.js';
import { metaOf } from '../../../helpers/mail/mail.js';

const record = (
  uidl: string,
  headers: readonly string[],
  options: { archivedAt?: string; tags?: string[]; size?: number } = {},
): MessageRecord => ({
  v: 1,
  id: uidl.padEnd(32, '0'),
  meta: {
    ...metaOf([...headers], options.size ?? 1000),
    uidl,
    archivedAt: options.archivedAt ?? '2026-11-26T12:00:00.000Z',
  },
  rules: { status: 'failed', error: 'not evaluated in this test' },
  tags: options.tags ?? [],
  actions: {},
  updatedAt: '2026-11-26T12:00:00.000Z',
});

const catalog = (records: MessageRecord[]) => ({
  records,
  byId: (id: string) => records.find((r) => r.id === id),
});

const old = record('a', [
  'From: Ann <ann@example.test>',
  'Subject: Old',
  'Date: Tue, 12 Mar 2019 10:00:00 +0000',
]);
const undated = record('b', ['From: <bob@example.test>', 'Subject: No date'], {
  archivedAt: '2026-11-20T00:00:00.000Z',
  tags: ['news'],
});
const recent = record(
  'c',
  [
    'From: Cy <cy@example.test>',
    'Subject: Recent',
    'Date: Wed, 25 Nov 2026 10:00:00 +0000',
    'Content-Type: multipart/mixed; boundary=x',
  ],
  { tags: ['news', 'bills'], size: 5_000_000 },
);

describe('ArchiveIndex', () => {
  it('orders newest first by the Date header, else by when the message was archived', () => {
    // Act
    const index = new ArchiveIndex(catalog([old, recent, undated]));
    // Assess
    expect(index.select({}).map((r) => r.meta.uidl)).toEqual(['c', 'b', 'a']);
    expect(index.size).toBe(3);
  });

  it('finds a message by id and by UIDL', () => {
    // Act
    const index = new ArchiveIndex(catalog([old, recent]));
    // Assess
    expect(index.find(recent.id)?.meta.uidl).toBe('c');
    expect(index.find('c')?.id).toBe(recent.id);
    expect(index.find('nope')).toBeUndefined();
  });

  it('filters with the filters of archive list and keeps the selection for the next page', () => {
    // Prepare
    const index = new ArchiveIndex(catalog([old, recent, undated]));
    // Act
    const first = index.select({ tag: 'news', larger: 1000 });
    const again = index.select({ larger: 1000, tag: 'news' });
    // Assess
    expect(first.map((r) => r.meta.uidl)).toEqual(['c']);
    expect(again).toBe(first);
  });

  it('counts tags, the most used first', () => {
    expect(new ArchiveIndex(catalog([old, recent, undated])).tags()).toEqual([
      { tag: 'news', count: 2 },
      { tag: 'bills', count: 1 },
    ]);
  });

  it('keeps records without their header fields and send states, which nothing shown needs', () => {
    // Act
    const [kept] = new ArchiveIndex(catalog([recent])).select({});
    // Assess
    expect(recent.meta.headers.length).toBeGreaterThan(0);
    expect(kept?.meta.headers).toEqual([]);
    expect(kept?.actions).toEqual({});
    expect({ ...kept?.meta, headers: recent.meta.headers }).toEqual(recent.meta);
  });
});

describe('listRow', () => {
  it('shows the display name, else the address, and marks multipart/mixed as having files', () => {
    expect(listRow(recent)).toEqual({
      id: recent.id,
      uidl: 'c',
      from: 'Cy',
      fromAddress: 'cy@example.test',
      subject: 'Recent',
      date: '2026-11-25T10:00:00.000Z',
      size: 5_000_000,
      tags: ['news', 'bills'],
      attachment: true,
    });
    expect(listRow(undated)).toMatchObject({
      from: 'bob@example.test',
      attachment: false,
      date: '2026-11-20T00:00:00.000Z',
    });
  });
});
