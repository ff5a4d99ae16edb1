import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCode } from '../../../lambda/errors.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { collectKeys, sourceOf } from '../../helpers/pop3/streams.js';
import { layout, mail, useEngine } from '../engine/engine-fixture.js';

/**
 * Issue 11, item 16: the local store never follows a symbolic link inside its directory. A linked
 * `raw/` (or any folder, or file) is refused with an error that names it, so nothing lands
 * outside the store; a lock file popfwd did not write is reported as such, not as "busy".
 */

const refusal = (error: unknown, path: string, kind: string) => {
  expect(hasCode(error, 'ESTORE')).toBe(true);
  expect((error as Error).message).toContain(`${path} in the store `);
  expect((error as Error).message).toContain(
    `is a symbolic link; popfwd does not follow links inside its store (writes would land outside it): replace it with a real ${kind}`,
  );
};

describe('symbolic links inside the store', () => {
  const engine = useEngine();
  let outside: string;

  beforeEach(async () => {
    outside = await mkdtemp(join(tmpdir(), 'popfwd-outside-'));
  });
  afterEach(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  it.each([
    ['raw/', layout.rawPrefix],
    ['records/', layout.recordsPrefix],
    ['the mailbox folder', layout.prefix],
  ])('refuses a linked %s, writes nothing outside, deletes nothing', async (_name, prefix) => {
    // Prepare: the folder is a link to a directory outside the store
    const mailbox = await engine({ mailbox: [mail('a'), mail('b')] });
    const link = join(mailbox.dir, prefix);
    await mkdir(join(link, '..'), { recursive: true });
    await symlink(outside, link.replace(/\/$/, ''));

    // Act
    const error = await mailbox.run({ retention: 'delete' }).catch((caught: unknown) => caught);

    // Assess
    refusal(error, prefix.replace(/\/$/, ''), 'directory');
    expect(await readdir(outside)).toEqual([]);
    expect(mailbox.server.mailbox.messages).toHaveLength(2);
    expect(mailbox.server.commands().filter((line) => line.startsWith('DELE'))).toEqual([]);
  });

  it('refuses to read a state.json that is a link', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: [mail('a')] });
    await mailbox.run();
    const target = join(outside, 'state.json');
    await writeFile(target, '{}');
    const state = join(mailbox.dir, layout.stateKey);
    await rm(state);
    await symlink(target, state);

    // Act
    const error = await mailbox.run().catch((caught: unknown) => caught);

    // Assess
    refusal(error, layout.stateKey, 'file');
  });

  it('refuses to list through a linked folder instead of skipping it', async () => {
    // Prepare: what `popfwd archive list` walks
    const store = createLocalStore(join(outside, 'store'));
    await store.create('m/records/a.json', sourceOf('{}'));
    await mkdir(join(outside, 'elsewhere'));
    await symlink(join(outside, 'elsewhere'), join(outside, 'store/m/raw'));

    // Act
    const all = await collectKeys(store.list('m/')).catch((caught: unknown) => caught);
    const records = await collectKeys(store.list('m/records/'));

    // Assess
    refusal(all, 'm/raw', 'file or directory');
    expect(records).toEqual(['m/records/a.json']);
  });
});

describe('a lock file popfwd did not write', () => {
  const engine = useEngine();

  it.each([
    ['a symbolic link', async (path: string) => symlink('/nonexistent/popfwd-lock', path)],
    ['a symbolic link to a file', async (path: string) => symlink('/etc/hostname', path)],
    ['a directory', async (path: string) => mkdir(path)],
    ['a file popfwd did not write', async (path: string) => writeFile(path, 'held by me\n')],
  ])('is reported as %s, naming it, instead of "busy"', async (what, plant) => {
    // Prepare: one run; then a lock planted on state.json, and new mail to work on
    const mailbox = await engine({ mailbox: [mail('a')] });
    await mailbox.run();
    const lock = join(mailbox.dir, layout.prefix, '.popfwd.lock.state.json');
    await plant(lock);
    mailbox.server.mailbox.add(mail('b'));

    // Act
    const outcome = await mailbox.run().catch((caught: unknown) => caught);

    // Assess
    expect(hasCode(outcome, 'ESTORE')).toBe(true);
    const label = what === 'a symbolic link to a file' ? 'a symbolic link' : what;
    expect((outcome as Error).message).toBe(
      `the lock file ${lock} (for ${layout.stateKey}) is ${label}; if no popfwd run is working on this store, remove it`,
    );
    expect(mailbox.retrs()).toHaveLength(1);
  });
});
