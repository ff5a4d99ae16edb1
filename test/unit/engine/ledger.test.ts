import { describe, expect, it } from 'vitest';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import { Ledger } from '../../../lambda/engine/ledger.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { memoryStore } from '../../helpers/stores/memory-store.js';

const layout = mailboxLayout('alice@example.test');

/** A store whose document writes wait until released, to interleave updates with a save. */
const slowStore = () => {
  const inner = memoryStore();
  const gates: Array<() => void> = [];
  const store: BlobStore = {
    ...inner,
    location: inner.location,
    putDocument: async (key, body, options) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return inner.putDocument(key, body, options);
    },
  };
  /** Lets every write through, including those queued behind the ones released. */
  const releaseAll = async () => {
    for (let tick = 0; tick < 20; tick += 1) {
      for (const open of gates.splice(0)) open();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { store, inner, releaseAll };
};

const stored = async (store: BlobStore) => {
  const document = await store.getDocument(layout.stateKey);
  return document ? JSON.parse(document.body.toString()) : null;
};

describe('Ledger', () => {
  it('keeps an update made while a save is on its way, and writes it with the next save', async () => {
    const { store, inner, releaseAll } = slowStore();
    const ledger = await Ledger.load(store, layout, 'alice@example.test');
    ledger.updateState((state) => ({
      ...state,
      vacation: { 'a@example.org': '2030-01-01T00:00:00.000Z' },
    }));

    const saving = ledger.saveState();
    await new Promise((resolve) => setImmediate(resolve)); // the write is now waiting at the store
    ledger.updateState((state) => ({
      ...state,
      vacation: { ...state.vacation, 'b@example.org': '2030-01-01T00:00:00.000Z' },
    }));
    await releaseAll();
    await saving;

    expect(ledger.dirty).toBe(true);
    expect(Object.keys((await stored(inner)).vacation)).toEqual(['a@example.org']);
    const checkpoint = ledger.checkpoint();
    await releaseAll();
    await checkpoint;
    expect(ledger.dirty).toBe(false);
    expect(Object.keys((await stored(inner)).vacation)).toEqual(['a@example.org', 'b@example.org']);
  });

  it('runs concurrent saves one after another instead of conflicting on one version', async () => {
    const { store, inner, releaseAll } = slowStore();
    const ledger = await Ledger.load(store, layout, 'alice@example.test');
    ledger.markSeen('u1', { t: 1 });
    ledger.updateState((state) => ({ ...state, sends: { day: '2026-11-26', count: 1 } }));

    const saves = Promise.all([ledger.saveState(), ledger.saveState(), ledger.checkpoint()]);
    await releaseAll();
    await saves;

    expect((await stored(inner)).sends.count).toBe(1);
    expect(ledger.dirty).toBe(false);
  });

  it('never marks a message seen before the state that holds its planned sends is saved', async () => {
    // Prepare: a message seen with a send planned; the state write fails (a full disk, a 503)
    const inner = memoryStore();
    const written: string[] = [];
    const store: BlobStore = {
      ...inner,
      location: inner.location,
      putDocument: async (key, body, options) => {
        written.push(key);
        if (key === layout.stateKey) throw new Error('disk full');
        return inner.putDocument(key, body, options);
      },
    };
    const ledger = await Ledger.load(store, layout, 'alice@example.test');
    ledger.markSeen('u1', { t: 1 });
    ledger.updateState((state) => ({
      ...state,
      pending: { m1: { uidl: 'u1', since: '2026-12-01T00:00:00.000Z', actions: {} } },
    }));

    // Act
    const checkpoint = ledger.checkpoint();

    // Assess: the seen index is not written, so the next run reads u1 again and plans its sends
    await expect(checkpoint).rejects.toThrow('disk full');
    expect(written).toEqual([layout.stateKey]);
    expect(await inner.getDocument(layout.seenKey)).toBeNull();
  });
});
