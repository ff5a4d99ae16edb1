import { describe, expect, it } from 'vitest';
import { createDirSyncer } from '../../../lambda/stores/local/local-files.js';

/** A sync whose calls finish only when released, recording when each began. */
const gatedSync = () => {
  const started: string[] = [];
  const gates: Array<() => void> = [];
  const sync = (dir: string) =>
    new Promise<void>((resolve) => {
      started.push(dir);
      gates.push(resolve);
    });
  const releaseOne = async () => {
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { sync, started, releaseOne };
};

describe('createDirSyncer', () => {
  it('makes callers that arrive during a running fsync wait for one fsync that starts after it', async () => {
    const { sync, started, releaseOne } = gatedSync();
    const syncDirEntries = createDirSyncer(sync);
    const done: string[] = [];

    const first = syncDirEntries('/a', 'k1').then(() => done.push('first'));
    const second = syncDirEntries('/a', 'k2').then(() => done.push('second'));
    const third = syncDirEntries('/a', 'k3').then(() => done.push('third'));
    expect(started).toEqual(['/a']);

    await releaseOne();
    expect(done).toEqual(['first']);
    expect(started).toEqual(['/a', '/a']);

    await releaseOne();
    await Promise.all([first, second, third]);
    expect(done).toEqual(['first', 'second', 'third']);
    expect(started).toHaveLength(2);
  });

  it('keeps directories apart', async () => {
    const { sync, started, releaseOne } = gatedSync();
    const syncDirEntries = createDirSyncer(sync);

    const both = Promise.all([syncDirEntries('/a', 'k'), syncDirEntries('/b', 'k')]);
    await releaseOne();
    await releaseOne();
    await both;

    expect(started).toEqual(['/a', '/b']);
  });

  it('passes a failed fsync to its callers and still serves later ones', async () => {
    let calls = 0;
    const syncDirEntries = createDirSyncer(async () => {
      calls += 1;
      if (calls === 1) throw new Error('EIO');
    });

    await expect(syncDirEntries('/a', 'k')).rejects.toThrow('EIO');
    await expect(syncDirEntries('/a', 'k')).resolves.toBeUndefined();
  });
});
