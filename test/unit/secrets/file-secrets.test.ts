import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCode } from '../../../lambda/errors.js';
import { createFileSecrets } from '../../../lambda/secrets/file-secrets.js';

describe('createFileSecrets', () => {
  let dir: string;
  const secrets = createFileSecrets();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'popfwd-file-secrets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file without its one trailing newline', async () => {
    // Prepare
    const file = join(dir, 'password');
    await writeFile(file, 'hunter2\n');

    // Act
    const value = await secrets.read({ file });

    // Assess
    expect(value).toBe('hunter2');
  });

  it('trims only one trailing newline (CRLF counts as one) and nothing else', async () => {
    await writeFile(join(dir, 'crlf'), ' pass word \r\n');
    await writeFile(join(dir, 'two'), 'pass\n\n');

    expect(await secrets.read({ file: join(dir, 'crlf') })).toBe(' pass word ');
    expect(await secrets.read({ file: join(dir, 'two') })).toBe('pass\n');
  });

  it('rejects a missing file with ESECRET naming the reference', async () => {
    const file = join(dir, 'missing');

    const error = await secrets.read({ file }).catch((e: unknown) => e);

    expect(hasCode(error, 'ESECRET')).toBe(true);
    expect((error as Error).message).toBe(`cannot read file:${file}: the file does not exist`);
  });

  it('rejects a file holding only a newline as empty', async () => {
    const file = join(dir, 'empty');
    await writeFile(file, '\n');

    const error = await secrets.read({ file }).catch((e: unknown) => e);

    expect(hasCode(error, 'ESECRET')).toBe(true);
    expect((error as Error).message).toContain('the file is empty');
  });

  it('writes a new file with mode 0600 that reads back the same value', async () => {
    const file = join(dir, 'refresh-token');

    await secrets.write({ file }, 'M.C5-rotated');

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await secrets.read({ file })).toBe('M.C5-rotated');
  });

  it('replaces an existing group-readable file with a 0600 one and leaves no temp file', async () => {
    const file = join(dir, 'refresh-token');
    await writeFile(file, 'old-token\n', { mode: 0o644 });

    await secrets.write({ file }, 'new-token');

    expect(await readFile(file, 'utf8')).toBe('new-token\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['refresh-token']);
  });

  it('creates a missing parent directory, readable only by the owner', async () => {
    const file = join(dir, 'secrets', 'refresh-token');

    await secrets.write({ file }, 'token');

    expect((await stat(join(dir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(await secrets.read({ file })).toBe('token');
  });

  it('leaves the old secret intact and no temp file behind when the write fails', async () => {
    // Prepare: a directory where the file should be makes the final rename fail.
    const file = join(dir, 'refresh-token');
    await mkdir(file);

    // Act
    const error = await secrets.write({ file }, 'never-stored').catch((e: unknown) => e);

    // Assess
    expect(hasCode(error, 'ESECRET')).toBe(true);
    expect((error as Error).message).toContain(`cannot write file:${file}`);
    expect((error as Error).message).not.toContain('never-stored');
    expect(await readdir(dir)).toEqual(['refresh-token']);
  });

  it('refuses to store an empty value', async () => {
    const file = join(dir, 'refresh-token');
    await writeFile(file, 'keep-me\n');

    const error = await secrets.write({ file }, '').catch((e: unknown) => e);

    expect(hasCode(error, 'ESECRET')).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('keep-me\n');
  });
});
