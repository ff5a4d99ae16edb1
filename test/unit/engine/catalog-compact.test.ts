import { describe, expect, it } from 'vitest';
import {
  COMPACT_AT,
  compactCatalog,
  GROUP_ENTRIES,
} from '../../../lambda/engine/catalog-compact.js';
import { headersKeyOf } from '../../../lambda/engine/catalog-format.js';
import { listSegments, scanCatalog } from '../../../lambda/engine/catalog-read.js';
import { writeSegment } from '../../../lambda/engine/catalog-write.js';
import { RunCatalog } from '../../../lambda/engine/run-catalog.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { catalogLayout as layout, sampleRecord } from '../../helpers/catalog-fixtures.js';
import { memoryStore } from '../../helpers/stores/memory-store.js';

const view = async (store: BlobStore) => {
  const { folded } = await scanCatalog(store, layout, { headers: true });
  return new Map([...folded].map(([id, entry]) => [id, entry.record]));
};

/** `segments` flushes of `perSegment` new messages each; message 0 is finalized in the last. */
const smallSegments = async (segments: number, perSegment: number) => {
  const store = memoryStore();
  let n = 0;
  for (let index = 0; index < segments; index += 1) {
    const catalog = new RunCatalog(store, layout, { next: index });
    for (let each = 0; each < perSegment; each += 1) catalog.put(sampleRecord(n++));
    if (index === segments - 1) catalog.put(sampleRecord(0, { tags: ['finalized'] }));
    await catalog.flush();
  }
  return store;
};

describe('catalog compaction', () => {
  it(`merges ${COMPACT_AT} small segments into one and the catalog reads the same`, async () => {
    // Prepare
    const store = await smallSegments(COMPACT_AT, 3);
    const before = await view(store);
    const catalog = new RunCatalog(store, layout, { next: COMPACT_AT });

    // Act
    const result = await compactCatalog(store, layout, catalog);

    // Assess: one segment, each message once, its newest entry (message 0 finalized), headers
    expect(result).toEqual({ merged: COMPACT_AT, written: 1 });
    const segments = await listSegments(store, layout);
    expect(segments).toMatchObject([{ kind: 'compacted', entries: COMPACT_AT * 3, seq: 7 }]);
    expect(await view(store)).toEqual(before);
    expect(before.get(sampleRecord(0).id)?.tags).toEqual(['finalized']);
    expect([...store.entries.keys()].filter((key) => key.startsWith(layout.catalogPrefix))).toEqual(
      [segments[0]?.key, headersKeyOf(segments[0]?.key ?? '')].sort(),
    );
  });

  it('leaves fewer small segments alone', async () => {
    // Prepare
    const store = await smallSegments(COMPACT_AT - 1, 2);

    // Act
    const result = await compactCatalog(store, layout, new RunCatalog(store, layout));

    // Assess
    expect(result).toEqual({ merged: 0, written: 0 });
    expect(await listSegments(store, layout)).toHaveLength(COMPACT_AT - 1);
  });

  it(`keeps merged segments to ${GROUP_ENTRIES} entries`, async () => {
    // Prepare: 8 small segments of 550 entries = 4,400 messages
    const store = await smallSegments(COMPACT_AT, 550);
    const before = await view(store);

    // Act
    await compactCatalog(store, layout, new RunCatalog(store, layout, { next: COMPACT_AT }));

    // Assess
    const segments = await listSegments(store, layout);
    expect(segments.every((segment) => segment.entries <= GROUP_ENTRIES)).toBe(true);
    expect(segments.length).toBe(2);
    expect(await view(store)).toEqual(before);
  });

  it('reads the same after a crash between writing the merged segment and deleting its inputs', async () => {
    // Prepare: what a kill at mid-compaction leaves — the merged segment beside all its inputs
    const store = await smallSegments(COMPACT_AT, 2);
    const before = await view(store);
    const { folded } = await scanCatalog(store, layout, { headers: true });
    const entries = [...folded.values()].map(({ seq, record }) => ({ seq, record }));
    await writeSegment(store, layout, 'compacted', COMPACT_AT - 1, 'crashed', entries);

    // Act: the view now, and after the next run's compaction
    const duplicated = await view(store);
    await compactCatalog(store, layout, new RunCatalog(store, layout, { next: COMPACT_AT }));

    // Assess
    expect(duplicated).toEqual(before);
    expect(await view(store)).toEqual(before);
  });

  it('never lets a merge change which entry of a message wins', async () => {
    // Prepare: message 1 recorded in segment 0, finalized in a big segment (seq 20) that is
    // not merged, then 8 small segments with other messages
    const store = memoryStore();
    const first = new RunCatalog(store, layout, { next: 0 });
    first.put(sampleRecord(1));
    await first.flush();
    const big = Array.from({ length: 1_000 }, (_, index) => ({
      seq: 20,
      record: sampleRecord(1_000 + index),
    }));
    big.push({ seq: 20, record: sampleRecord(1, { tags: ['final'] }) });
    await writeSegment(store, layout, 'compacted', 20, 'big', big);
    for (let index = 1; index < COMPACT_AT; index += 1) {
      const catalog = new RunCatalog(store, layout, { next: index });
      catalog.put(sampleRecord(100 + index));
      await catalog.flush();
    }

    // Act
    await compactCatalog(store, layout, new RunCatalog(store, layout, { next: 21 }));

    // Assess
    expect((await view(store)).get(sampleRecord(1).id)?.tags).toEqual(['final']);
  });

  it('still finds a message the run looked up before it compacted, in the merged segment', async () => {
    // Prepare
    const store = await smallSegments(COMPACT_AT, 2);
    const catalog = new RunCatalog(store, layout, { next: COMPACT_AT });
    const before = await catalog.get(sampleRecord(3).id);

    // Act
    await compactCatalog(store, layout, catalog);
    const after = await catalog.get(sampleRecord(3).id);

    // Assess
    expect(after).toEqual(before);
    expect(after).toEqual(sampleRecord(3));
  });

  it('lets a listing that runs while a run compacts see every message once', async () => {
    // Prepare: the listing gets the keys from before the compaction, which then completes before
    // the listing reads any segment
    const inner = await smallSegments(COMPACT_AT, 2);
    const before = await view(inner);
    let compacted = false;
    const racing: BlobStore = {
      ...inner,
      async *list(prefix) {
        const keys: string[] = [];
        for await (const key of inner.list(prefix)) keys.push(key);
        if (!compacted && prefix === layout.catalogPrefix) {
          compacted = true;
          await compactCatalog(inner, layout, new RunCatalog(inner, layout, { next: COMPACT_AT }));
        }
        yield* keys;
      },
    };

    // Act
    const { folded } = await scanCatalog(racing, layout, { headers: true });

    // Assess
    expect(compacted).toBe(true);
    expect(new Map([...folded].map(([id, entry]) => [id, entry.record]))).toEqual(before);
  });
});
