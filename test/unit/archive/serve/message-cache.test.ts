import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MessageCache } from '../../../../lambda/archive/serve/message-cache.js';
import type { MessageRecord } from '../../../../lambda/engine/message-record.js';
import { countingStore } from '../../../helpers/stores/counting-store.js';
import { memoryStore } from '../../../helpers/stores/memory-store.js';

const html = (id: string, body: string) =>
  Buffer.from(`Subject: ${id}\r\nContent-Type: text/html\r\n\r\n${body}\r\n`);

const recordFor = (id: string): MessageRecord =>
  ({
    id: id.padEnd(32, '0'),
    meta: { key: `raw/${id}.eml`, uidl: id },
  }) as unknown as MessageRecord;

const storeWith = async (messages: Record<string, Buffer>) => {
  const inner = memoryStore();
  for (const [id, bytes] of Object.entries(messages)) {
    await inner.create(`raw/${id}.eml`, Readable.from([bytes]));
  }
  return countingStore(inner);
};

describe('MessageCache', () => {
  it('reads a message once for its JSON, its frame and its images, even when asked at once', async () => {
    // Prepare
    const store = await storeWith({ a: html('a', '<p>hello</p>') });
    const cache = new MessageCache(store);
    // Act
    const [first, second] = await Promise.all([
      cache.open(recordFor('a')),
      cache.open(recordFor('a')),
    ]);
    const third = await cache.open(recordFor('a'));
    // Assess
    expect(store.counts.read).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(first.blocked?.html).toContain('<p>hello</p>');
  });

  it('forgets the least recently opened message when over its budget', async () => {
    // Prepare: each message takes ~300 KB parsed (text, HTML, the frame's HTML); the budget holds two
    const body = `<p>${'x'.repeat(50_000)}</p>`;
    const store = await storeWith({ a: html('a', body), b: html('b', body), c: html('c', body) });
    const cache = new MessageCache(store, { maxBytes: 700_000 });
    // Act
    await cache.open(recordFor('a'));
    await cache.open(recordFor('b'));
    await cache.open(recordFor('a'));
    await cache.open(recordFor('c'));
    store.reset();
    await cache.open(recordFor('a'));
    await cache.open(recordFor('b'));
    // Assess: a was used last before c came, so b went
    expect(store.counts.read).toBe(1);
  });

  it('answers 404 for a record whose raw message is gone', async () => {
    // Prepare
    const cache = new MessageCache(await storeWith({}));
    // Act, Assess
    await expect(cache.open(recordFor('gone'))).rejects.toMatchObject({ status: 404 });
  });

  it('abandons a parse that takes longer than its limit', async () => {
    // Prepare: a store whose message never ends
    const store = await storeWith({});
    const never = { ...store, read: async () => new Readable({ read() {} }) };
    const cache = new MessageCache(never, { parseTimeoutMs: 50 });
    // Act, Assess
    await expect(cache.open(recordFor('slow'))).rejects.toThrow('parsing took over 50 ms');
  });
});
