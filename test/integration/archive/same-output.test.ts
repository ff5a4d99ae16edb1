import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sameOnEveryStore, type TestArchive, useArchive } from './archive-fixture.js';
import { LETTERS, TAGGING_RULES } from './letters.js';

const COMMANDS: readonly (readonly string[])[] = [
  ['archive', 'list'],
  ['archive', 'list', '--json', '--since', '2026-11-10'],
  ['archive', 'search', 'the'],
  ['archive', 'search', 'carol', '--json'],
  ['archive', 'show', 'u4-base64'],
  ['archive', 'show', 'u3-html', '--json'],
  ['archive', 'verify'],
  ['archive', 'verify', '--json'],
  ['archive', 'export', '--format', 'mbox', '--out', 'all.mbox'],
  ['archive', 'export', '--format', 'mbox', '--out', 'all.mbox', '--json'],
];

const outputs = async (box: TestArchive) => {
  const results = [];
  for (const args of COMMANDS) {
    const result = await box.cli(args);
    results.push({
      args: args.join(' '),
      code: result.code,
      stdout: sameOnEveryStore(result.stdout, box).replaceAll(box.mailbox.dir, '<store>'),
      stderr: sameOnEveryStore(result.stderr, box),
    });
  }
  return results;
};

describe('the archive commands on the local store and on S3', () => {
  const archive = useArchive();

  it('print the same, byte for byte, and export the same mbox', async () => {
    // Prepare: the same mailbox archived into each store by the engine
    const local = await archive('local', { messages: LETTERS, rules: TAGGING_RULES });
    const s3 = await archive('s3', { messages: LETTERS, rules: TAGGING_RULES });

    // Act
    const fromLocal = await outputs(local);
    const fromS3 = await outputs(s3);

    // Assess
    expect(fromS3).toEqual(fromLocal);
    expect(fromLocal.every((result) => result.code === 0)).toBe(true);
    const [localMbox, s3Mbox] = await Promise.all([
      readFile(join(local.mailbox.dir, 'all.mbox')),
      readFile(join(s3.mailbox.dir, 'all.mbox')),
    ]);
    expect(localMbox.length).toBeGreaterThan(0);
    expect(Buffer.compare(localMbox, s3Mbox)).toBe(0);
  });
});
