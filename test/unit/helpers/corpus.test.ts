import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusMessages, generateCorpus, toLf, writeMaildir } from '../../helpers/mail/corpus.js';

const digests = (buffers: readonly Buffer[]): string[] =>
  buffers.map((data) => createHash('sha256').update(data).digest('hex'));

describe('corpus', () => {
  it('is the same for the same seed and different for another', () => {
    const first = digests(corpusMessages(30, { seed: 3 }).map((m) => m.data));

    const again = digests(corpusMessages(30, { seed: 3 }).map((m) => m.data));
    const other = digests(corpusMessages(30, { seed: 4 }).map((m) => m.data));

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('mixes text, alternative and attachment messages in roughly 60/30/10 proportions', () => {
    const kinds = corpusMessages(300, { seed: 1 }).map((m) => m.kind);
    const share = (kind: string) => kinds.filter((k) => k === kind).length / kinds.length;

    expect(share('text')).toBeGreaterThan(0.5);
    expect(share('text')).toBeLessThan(0.7);
    expect(share('alternative')).toBeGreaterThan(0.2);
    expect(share('alternative')).toBeLessThan(0.4);
    expect(share('attachment')).toBeGreaterThan(0.04);
    expect(share('attachment')).toBeLessThan(0.16);
  });

  it('has CRLF lines, 8-bit UTF-8, lines starting with "." and lone "." lines', () => {
    const all = Buffer.concat(corpusMessages(100, { seed: 1 }).map((m) => m.data)).toString('utf8');

    expect(all.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(all).toContain('Grüße, Zoë — ✓');
    expect(all).toMatch(/\r\n\.[a-z]/);
    expect(all).toMatch(/\r\n\.\r\n/);
    expect(all).toMatch(/^From: .*(news@|noreply@|MAILER-DAEMON@)/m);
  });

  it('adds one 30 MB attachment message last when asked', () => {
    const messages = [...generateCorpus(2, { seed: 1, big: true })];

    expect(messages.map((m) => m.kind).at(-1)).toBe('big');
    expect(messages.at(-1)?.data.length).toBeGreaterThan(30_000_000);
  });

  it('writes a maildir with LF files in new/, in message order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'popfwd-corpus-'));
    try {
      const { files, totalBytes } = await writeMaildir(dir, 5, { seed: 2 });
      const names = await readdir(join(dir, 'new'));
      const first = await readFile(files[0] ?? '');

      expect(names.sort()).toEqual(files.map((file) => file.split('/').at(-1)).sort());
      expect(await readdir(dir)).toEqual(expect.arrayContaining(['cur', 'new', 'tmp']));
      expect(first.includes('\r')).toBe(false);
      expect(first.equals(toLf(corpusMessages(1, { seed: 2 })[0]?.data ?? Buffer.alloc(0)))).toBe(
        true,
      );
      expect(totalBytes).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
