import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discardSpooled, spool } from '../../../lambda/stores/s3/spool.js';
import { retainedBytes } from '../../helpers/memory.js';
import { binaryBytes, failingSource, largeSource, sourceOf } from '../../helpers/pop3/streams.js';

const MiB = 1024 * 1024;

describe('spool', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'popfwd-spool-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a body up to the limit in memory and writes no file', async () => {
    const spooled = await spool(sourceOf('Subject: a\r\n', '\r\nbody'), 1024, dir, 'raw/a');

    expect(spooled).toEqual({ kind: 'memory', body: Buffer.from('Subject: a\r\n\r\nbody') });
    expect(await readdir(dir)).toEqual([]);
  });

  it('moves a body over the limit to a private file holding every byte in order', async () => {
    const body = binaryBytes(300_000);

    const spooled = await spool(
      sourceOf(body.subarray(0, 70_000), body.subarray(70_000)),
      100_000,
      dir,
      'raw/a',
    );

    expect(spooled.kind).toBe('file');
    if (spooled.kind !== 'file') return;
    expect(spooled.size).toBe(body.length);
    expect((await readFile(spooled.path)).equals(body)).toBe(true);
    expect((await stat(spooled.path)).mode & 0o777).toBe(0o600);
    await discardSpooled(spooled);
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes its file and passes the error on when the source fails', async () => {
    const dropped = new Error('connection lost');

    const spooling = spool(failingSource(binaryBytes(300_000), dropped), 100_000, dir, 'raw/a');

    await expect(spooling).rejects.toBe(dropped);
    expect(await readdir(dir)).toEqual([]);
  });

  it('holds at most about one part in memory for a 30 MB body', async () => {
    const baseline = retainedBytes();
    let peak = 0;
    const source = largeSource(30 * MiB, (produced) => {
      if (produced % (2 * MiB) === 0) peak = Math.max(peak, retainedBytes() - baseline);
    });

    const spooled = await spool(source, 5 * MiB, dir, 'raw/big');

    expect(spooled.kind === 'file' && spooled.size).toBe(30 * MiB);
    expect(peak).toBeLessThan(5 * MiB + 10 * MiB);
    await discardSpooled(spooled);
  });
});
