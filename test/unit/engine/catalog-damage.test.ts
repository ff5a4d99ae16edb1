import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../../lambda/archive/catalog.js';
import { segmentKey } from '../../../lambda/engine/catalog-format.js';
import { RunCatalog } from '../../../lambda/engine/run-catalog.js';
import { hasCode } from '../../../lambda/errors.js';
import { gzipText, catalogLayout as layout, sampleRecord } from '../../helpers/catalog-fixtures.js';
import { memoryStore } from '../../helpers/stores/memory-store.js';

/** A catalog of two good segments (messages 1 and 2) and one damaged segment in between. */
const catalogWith = async (damaged: Buffer) => {
  const store = memoryStore();
  const writer = new RunCatalog(store, layout);
  writer.put(sampleRecord(1));
  await writer.flush();
  const bad = segmentKey(layout, { seq: 5, kind: 'run', entries: 1, tag: 'damaged' });
  await store.putDocument(bad, damaged);
  const later = new RunCatalog(store, layout, { next: 9 });
  later.put(sampleRecord(2));
  await later.flush();
  return { store, bad };
};

const good = JSON.stringify({ s: 5, r: sampleRecord(3) });

describe.each([
  ['a truncated gzip', () => gzipText(`${good}\n`).subarray(0, 40), 'not a complete gzip stream'],
  ['not gzip at all', () => Buffer.from(`${good}\n`), 'not a complete gzip stream'],
  ['a line that is not JSON', () => gzipText(`${good}\n{"s":5,"r":\n`), 'line 2 is damaged'],
  ['a last line cut short', () => gzipText(good), 'its last line is cut short'],
  [
    'a record off its schema',
    () => gzipText(`${JSON.stringify({ s: 5, r: { ...sampleRecord(3), tags: 'x' } })}\n`),
    'line 1 is damaged (r.tags',
  ],
  [
    'an entry without a sequence number',
    () => gzipText(`${JSON.stringify({ r: sampleRecord(3) })}\n`),
    's: expected a sequence number',
  ],
])('a catalog segment with %s', (_name, body, problem) => {
  it('stops the engine with ESTORE naming the segment, the problem and what to do', async () => {
    // Prepare
    const { store, bad } = await catalogWith(body());

    // Act: a run looks up a message older than the damaged segment
    const error = await new RunCatalog(store, layout)
      .get(sampleRecord(1).id)
      .catch((caught: unknown) => caught);

    // Assess
    expect(hasCode(error, 'ESTORE')).toBe(true);
    expect((error as Error).message).toContain(bad);
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).toContain('restore it from a backup');
  });

  it('fails a listing the same way, or lists the rest and reports it when asked to go on', async () => {
    // Prepare
    const { store, bad } = await catalogWith(body());
    const reported: unknown[] = [];

    // Act
    const refused = await readCatalog(store, layout).catch((caught: unknown) => caught);
    const partial = await readCatalog(store, layout, { onDamaged: (e) => reported.push(e) });

    // Assess: nothing of the good segments is lost
    expect(hasCode(refused, 'ESTORE')).toBe(true);
    expect(partial.records.map((record) => record.meta.uidl)).toEqual(['uidl-1', 'uidl-2']);
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toContain(bad);
  });
});

describe('a damaged segment that a lookup does not need', () => {
  it('is not read: the newest entry of a message is found in the newer segments first', async () => {
    // Prepare
    const { store } = await catalogWith(gzipText('garbage'));

    // Act
    const found = await new RunCatalog(store, layout).get(sampleRecord(2).id);

    // Assess
    expect(found).toEqual(sampleRecord(2));
  });
});
