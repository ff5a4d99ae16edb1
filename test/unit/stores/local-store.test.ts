import { execFile, spawn } from 'node:child_process';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCode } from '../../../lambda/errors.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { retainedBytes } from '../../helpers/memory.js';
import {
  binaryBytes,
  collectKeys,
  failingSource,
  largeSource,
  sourceOf,
} from '../../helpers/pop3/streams.js';
import { describeBlobStoreContract, HOSTILE_KEYS, readBytes } from './blob-store-contract.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const casWorker = join(repoRoot, 'test/helpers/stores/local-cas-worker.ts');
const tempRoot = () => mkdtemp(join(tmpdir(), 'popfwd-local-store-'));

describeBlobStoreContract('local store', async () => {
  const root = await tempRoot();
  return {
    store: createLocalStore(join(root, 'data')),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

/** Adds one to a counter document, retrying on ECONFLICT. */
const increment = async (store: BlobStore, key: string): Promise<void> => {
  for (;;) {
    const document = await store.getDocument(key);
    const next = Number(document?.body.toString() ?? '0') + 1;
    try {
      await store.putDocument(key, Buffer.from(String(next)), {
        ifVersion: document?.version ?? null,
      });
      return;
    } catch (error) {
      if (!hasCode(error, 'ECONFLICT')) throw error;
    }
  }
};

/** The pid of a process that has exited. */
const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
};

describe('createLocalStore', () => {
  let root: string;
  let data: string;
  let store: BlobStore;

  beforeEach(async () => {
    root = await tempRoot();
    data = join(root, 'data');
    store = createLocalStore(data);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps memory flat while a 30 MB message streams to disk', async () => {
    const size = 30 * 1024 * 1024;
    await store.create('raw/warm-up.eml', largeSource(256 * 1024));
    const baseline = retainedBytes();
    let peak = 0;
    const source = largeSource(size, (produced) => {
      if (produced % (2 * 1024 * 1024) === 0) peak = Math.max(peak, retainedBytes() - baseline);
    });

    const outcome = await store.create('raw/big.eml', source);

    expect(outcome).toBe('created');
    expect((await stat(join(data, 'raw/big.eml'))).size).toBe(size);
    expect(peak).toBeLessThan(10 * 1024 * 1024);
  });

  it('leaves no temp file behind when the source fails mid-way', async () => {
    await store.create('raw/ok.eml', sourceOf('ok'));

    await expect(
      store.create('raw/cut.eml', failingSource(binaryBytes(200_000), new Error('reset'))),
    ).rejects.toThrow('reset');

    expect(await readdir(join(data, 'raw'))).toEqual(['ok.eml']);
  });

  it('writes messages readable by the owner only', async () => {
    await store.create('raw/a.eml', sourceOf('private'));

    const mode = (await stat(join(data, 'raw/a.eml'))).mode & 0o777;

    expect(mode).toBe(0o600);
  });

  it('never lists or reads a temp file left by a crash, and sweeps it once it is old', async () => {
    await store.create('raw/a.eml', sourceOf('a'));
    const young = join(data, 'raw/.popfwd.tmp.young');
    const old = join(data, 'raw/.popfwd.tmp.old');
    await writeFile(young, 'partial');
    await writeFile(old, 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);

    const keys = await collectKeys(store.list(''));

    expect(keys).toEqual(['raw/a.eml']);
    expect((await readdir(join(data, 'raw'))).sort()).toEqual(['.popfwd.tmp.young', 'a.eml']);
  });

  it('does not report "exists" when a directory is in the way of a key', async () => {
    await store.create('raw/x/inner.eml', sourceOf('inner'));

    const outcome = store.create('raw/x', sourceOf('outer'));

    await expect(outcome).rejects.toSatisfy((error) => hasCode(error, 'ESTORE'));
    expect(await store.read('raw/x')).toBeNull();
  });

  it.each(HOSTILE_KEYS)('creates nothing outside the root for the hostile key %j', async (key) => {
    await store.create(key, sourceOf('x')).catch(() => {});
    await store.putDocument(key, Buffer.from('x')).catch(() => {});

    expect(await readdir(root)).toEqual([]);
  });

  it('changes the version on every write, even of identical bytes', async () => {
    const first = await store.putDocument('state/m.json', Buffer.from('same'));

    const second = await store.putDocument('state/m.json', Buffer.from('same'), {
      ifVersion: first,
    });

    expect(second).not.toBe(first);
    await expect(
      store.putDocument('state/m.json', Buffer.from('other'), { ifVersion: first }),
    ).rejects.toSatisfy((error) => hasCode(error, 'ECONFLICT'));
  });

  it('serialises concurrent compare-and-swap writers in one process', async () => {
    const writers = Array.from({ length: 8 }, async () => {
      for (let round = 0; round < 10; round++) await increment(store, 'state/counter');
    });

    await Promise.all(writers);

    expect((await store.getDocument('state/counter'))?.body.toString()).toBe('80');
  });

  it('serialises compare-and-swap writers in separate processes', async () => {
    const run = promisify(execFile);
    const workers = Array.from({ length: 3 }, () =>
      run(process.execPath, ['--import', 'tsx', casWorker, data, 'state/counter', '15'], {
        cwd: repoRoot,
      }),
    );

    await Promise.all(workers);

    expect((await store.getDocument('state/counter'))?.body.toString()).toBe('45');
  });

  it('breaks a lock left by a process that died', async () => {
    await store.putDocument('state/m.json', Buffer.from('1'));
    const lock = join(data, 'state/.popfwd.lock.m.json');
    await writeFile(lock, `${await deadPid()} ${hostname()} crashed\n`);

    const version = await store.putDocument('state/m.json', Buffer.from('2'));

    expect((await store.getDocument('state/m.json'))?.version).toBe(version);
    expect(await readdir(join(data, 'state'))).toEqual(['m.json']);
  });

  it('waits for a live lock, then gives up with ECONFLICT without touching the document', async () => {
    const patient = createLocalStore(data, { lockTimeoutMs: 150 });
    await patient.putDocument('state/m.json', Buffer.from('1'));
    const lock = join(data, 'state/.popfwd.lock.m.json');
    await writeFile(lock, `${process.pid} ${hostname()} held\n`);

    const write = patient.putDocument('state/m.json', Buffer.from('2'));

    await expect(write).rejects.toSatisfy((error) => hasCode(error, 'ECONFLICT'));
    expect(await readFile(join(data, 'state/m.json'), 'utf8')).toBe('1');
    expect(await readFile(lock, 'utf8')).toContain('held');
  });

  it('breaks a lock older than lockStaleMs even if its pid is alive', async () => {
    const impatient = createLocalStore(data, { lockStaleMs: 1_000 });
    await mkdir(join(data, 'state'), { recursive: true });
    const lock = join(data, 'state/.popfwd.lock.m.json');
    await writeFile(lock, `${process.pid} ${hostname()} old\n`);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(lock, aMinuteAgo, aMinuteAgo);

    await impatient.putDocument('state/m.json', Buffer.from('fresh'));

    expect(await readBytes(impatient, 'state/m.json')).toEqual(Buffer.from('fresh'));
  });

  it('reports a lock file that is a symbolic link at once, without waiting or removing it', async () => {
    await store.putDocument('state/m.json', Buffer.from('1'));
    const lock = join(data, 'state/.popfwd.lock.m.json');
    await symlink('/nonexistent/lock', lock);

    const write = createLocalStore(data).putDocument('state/m.json', Buffer.from('2'));

    await expect(write).rejects.toThrow(
      `the lock file ${lock} (for state/m.json) is a symbolic link; if no popfwd run is working on this store, remove it`,
    );
    expect((await lstat(lock)).isSymbolicLink()).toBe(true);
    expect(await readFile(join(data, 'state/m.json'), 'utf8')).toBe('1');
  });

  it('reads no key through a symbolic link, whether a folder or the file itself', async () => {
    const outside = join(root, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.eml'), "not popfwd's");
    await mkdir(join(data, 'm'), { recursive: true });
    await symlink(outside, join(data, 'm/raw'));
    await mkdir(join(data, 'n'));
    await symlink(join(outside, 'secret.eml'), join(data, 'n/a.eml'));

    for (const key of ['m/raw/secret.eml', 'n/a.eml']) {
      await expect(store.read(key)).rejects.toSatisfy(
        (error) => hasCode(error, 'ESTORE') && String(error).includes('is a symbolic link'),
      );
    }
    await expect(store.create('m/raw/new.eml', sourceOf('x'))).rejects.toSatisfy((error) =>
      hasCode(error, 'ESTORE'),
    );
    expect(await readdir(outside)).toEqual(['secret.eml']);
  });
});
