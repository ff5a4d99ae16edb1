import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { sourceOf } from '../../helpers/pop3/streams.js';
import { bundlePopfwd, type PopfwdBundle } from '../../helpers/proof/popfwd-bundle.js';
import { spawnPopfwd } from '../../helpers/proof/spawn-popfwd.js';
import { createS3Fake } from '../../helpers/stores/s3-fake.js';
import { layout, mail, PASSWORD, useEngine } from '../engine/engine-fixture.js';

/**
 * Issue 11, item 10: a killed run leaves `.popfwd.tmp.*` files (and lock files) in the store's
 * directories. The next run that writes to a directory removes those no live run can own: written
 * by a process of this host that is gone, or older than the age limit. A live run's files stay.
 */

const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const tempName = (pid: number, host = HOST_TAG) => `.popfwd.tmp.${host}.${pid}.0123456789abcdef`;

/** The pid of a process that has exited. */
const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
};

const leftovers = async (dir: string): Promise<string[]> =>
  (await readdir(dir).catch(() => [] as string[]))
    .filter((name) => name.startsWith('.popfwd.'))
    .sort();

const makeOld = async (path: string) => {
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  await utimes(path, twoHoursAgo, twoHoursAgo);
};

const live: ChildProcess[] = [];
afterEach(() => {
  for (const child of live.splice(0)) child.kill('SIGKILL');
});
const livePid = (): number => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  live.push(child);
  return child.pid ?? 0;
};

describe('temp files of killed runs', () => {
  const engine = useEngine();
  let popfwd: PopfwdBundle;

  beforeAll(async () => {
    popfwd = await bundlePopfwd();
  });
  afterAll(async () => {
    await popfwd?.dispose();
  });

  it('a run killed in the middle of writing a message leaves a temp file; the next run removes it', async () => {
    // Prepare: three messages large enough to arrive in several chunks
    const body = `${'x'.repeat(998)}\r\n`.repeat(300);
    const mailbox = await engine({ mailbox: ['a', 'b', 'c'].map((uidl) => mail(uidl, { body })) });
    const config = join(mailbox.dir, 'popfwd.json');
    await writeFile(config, JSON.stringify(mailbox.document()));
    const raw = join(mailbox.dir, layout.rawPrefix);

    // Act: SIGKILL inside the second message's archive write, then a normal run
    const killed = await spawnPopfwd(popfwd.path, ['run', '--config', config], {
      env: { POPFWD_CRASH_AT: 'mid-archive:2', POPFWD_PASSWORD: PASSWORD },
    });
    const stray = await leftovers(raw);
    const summary = await mailbox.run();

    // Assess
    expect(killed.signal).toBe('SIGKILL');
    expect(stray).toEqual([
      expect.stringMatching(new RegExp(`^\\.popfwd\\.tmp\\.${HOST_TAG}\\.\\d+\\.`)),
    ]);
    expect(summary).toMatchObject({ archived: 3, remaining: 0 });
    expect(await leftovers(raw)).toEqual([]);
  });

  it('removes what dead writers left in every directory a run writes, and keeps what live ones hold', async () => {
    // Prepare: one archived message; then leftovers of every kind in raw/, catalog/ and the
    // mailbox folder (state, uidls, the content index)
    const mailbox = await engine({ mailbox: [mail('first')] });
    await mailbox.run();
    const [dead, alive] = [await deadPid(), livePid()];
    const dirs = [layout.rawPrefix, layout.catalogPrefix, layout.prefix, layout.digestPrefix].map(
      (prefix) => join(mailbox.dir, prefix),
    );
    for (const dir of dirs) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, tempName(dead)), 'partial');
      await writeFile(join(dir, tempName(alive)), 'being written');
      await writeFile(join(dir, tempName(4242, 'otherhst')), 'another host, young');
      await writeFile(join(dir, tempName(4343, 'otherhst')), 'another host, old');
      await makeOld(join(dir, tempName(4343, 'otherhst')));
      await writeFile(join(dir, '.popfwd.lock.gone.json'), `${dead} ${hostname()} abcdef\n`);
    }
    mailbox.server.mailbox.add(mail('second'));

    // Act: a new run, with its own store (as every `popfwd run` has)
    const summary = await mailbox.run({}, { store: createLocalStore(mailbox.dir) });

    // Assess
    expect(summary).toMatchObject({ archived: 1 });
    for (const dir of dirs) {
      expect(await leftovers(dir)).toEqual([tempName(alive), tempName(4242, 'otherhst')].sort());
    }
  });
});

describe('spool files of the S3 store', () => {
  let spoolDir: string;
  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'popfwd-spool-'));
  });
  afterAll(async () => {
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('are swept from the spool directory by the first upload: dead ones go, live ones stay', async () => {
    // Prepare: what a Lambda invocation killed at its timeout leaves in /tmp
    const fake = createS3Fake();
    const store = createS3Store({ client: fake.client, bucket: fake.bucket, spoolDir });
    const [dead, alive] = [await deadPid(), livePid()];
    for (const name of [tempName(dead), tempName(alive), 'unrelated.txt']) {
      await writeFile(join(spoolDir, name), 'spooled part');
    }

    // Act
    const outcome = await store.create('raw/a.eml', sourceOf('message'));

    // Assess
    expect(outcome).toBe('created');
    expect((await readdir(spoolDir)).sort()).toEqual([tempName(alive), 'unrelated.txt'].sort());
    fake.restore();
  });
});
