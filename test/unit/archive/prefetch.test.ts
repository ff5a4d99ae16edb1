import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PREFETCH_MAX_BYTES, prefetchMessage } from '../../../lambda/archive/export/prefetch.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { readAll } from '../../helpers/pop3/streams.js';
import { archiveOf } from '../../helpers/stores/archive-records.js';

describe('prefetchMessage', () => {
  it('reads a small message whole before it is asked for', async () => {
    // Prepare
    const data = Buffer.from('Subject: small\r\n\r\nbody\r\n');
    const { store, records } = await archiveOf([['u1', data]]);
    let source: Readable | null = null;
    const watched: BlobStore = {
      ...store,
      read: async (key) => {
        source = await store.read(key);
        return source;
      },
    };

    // Act
    const body = await prefetchMessage(watched, records[0] as never);

    // Assess: read to its end already, bytes intact
    expect((source as Readable | null)?.readableEnded).toBe(true);
    expect(Buffer.compare(await readAll(body as Readable), data)).toBe(0);
  });

  it('hands on every byte of an object far larger than its catalog entry, without holding it', async () => {
    // Prepare: the catalog says a few bytes, the object is three times the read-ahead limit
    const { store, records } = await archiveOf([['u1', Buffer.from('tiny\r\n')]]);
    const huge = Buffer.alloc(3 * PREFETCH_MAX_BYTES, 0x61);
    const damaged: BlobStore = {
      ...store,
      read: async () =>
        Readable.from(
          (function* () {
            for (let at = 0; at < huge.length; at += 65536) yield huge.subarray(at, at + 65536);
          })(),
        ),
    };

    // Act
    const body = await prefetchMessage(damaged, records[0] as never);

    // Assess
    expect((await readAll(body as Readable)).length).toBe(huge.length);
  });

  it('answers null for an object the store does not have', async () => {
    const { store, records } = await archiveOf([['u1', Buffer.from('x\r\n')]]);
    const empty: BlobStore = { ...store, read: async () => null };
    expect(await prefetchMessage(empty, records[0] as never)).toBeNull();
  });
});
