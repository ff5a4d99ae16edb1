import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pop3Server, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { bundlePopfwd, type PopfwdBundle } from '../../helpers/proof/popfwd-bundle.js';
import { scratchDir } from '../../helpers/proof/scratch-dir.js';
import { spawnPopfwd } from '../../helpers/proof/spawn-popfwd.js';
import { catalogRecords } from '../../helpers/stores/catalog-records.js';

/**
 * Issue 11 item 2: `(a|a)*b` on a body of 40 × "a" kept `popfwd run --deadline 20s` busy past
 * 200 s, and every later run hung on the same message. Here the exact case runs in a child
 * process with a deadline, beside a message whose evaluation would take seconds even in linear
 * time (a large program on a long single line): the run must end well within its deadline,
 * record the slow message as failed with the reason, and record every message after it.
 */

const ADDRESS = 'alice@example.test';
const PASSWORD = 'regex-stall-secret';
const DEADLINE_S = 20;

/** A random a/b line ending in "c": no literal lets the engine skip any of it. */
const randomAbLine = (length: number): string => {
  let seed = 11;
  let text = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += seed % 2 === 0 ? 'a' : 'b';
  }
  return `${text}c`;
};

const message = (uidl: string, body: string) => ({
  uidl,
  data: Buffer.from(
    [
      'From: Mallory <mallory@evil.example>',
      `To: ${ADDRESS}`,
      `Subject: ${uidl}`,
      `Message-ID: <${uidl}@evil.example>`,
      '',
      body,
      '',
    ].join('\r\n'),
  ),
});

const rules = [
  {
    name: 'the issue case',
    when: { body: { regex: '(a|a)*b' } },
    // biome-ignore lint/suspicious/noThenProperty: the config file's field is called `then`
    then: [{ tag: 'hit' }],
  },
  {
    name: 'a big program',
    when: { body: { regex: '[ab]*a[ab]{999}c', flags: '' } },
    // biome-ignore lint/suspicious/noThenProperty: the config file's field is called `then`
    then: [{ tag: 'slow' }],
  },
];

describe('a hostile body regex cannot stall a run', () => {
  let server: Pop3Server;
  let popfwd: PopfwdBundle;
  let dir: string;

  beforeAll(async () => {
    [server, popfwd, dir] = await Promise.all([
      startPop3Server({
        users: [{ user: ADDRESS, password: PASSWORD }],
        mailbox: [
          message('m1-issue', 'a'.repeat(40)),
          message('m2-slow', randomAbLine(400_000)),
          message('m3-hit', 'aaab'),
          message('m4-after', 'nothing to see'),
        ],
      }),
      bundlePopfwd(),
      scratchDir('popfwd-regex-stall-'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([server?.close(), popfwd?.dispose()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const records = async (): Promise<Map<string, MessageRecord>> => {
    const store = createLocalStore(join(dir, 'store'));
    const found = new Map<string, MessageRecord>();
    for (const record of await catalogRecords(store, ADDRESS)) found.set(record.meta.uidl, record);
    return found;
  };

  const run = async () => {
    const config = join(dir, 'popfwd.json');
    await writeFile(
      config,
      JSON.stringify({
        mailbox: {
          address: ADDRESS,
          pop3: { host: server.host, port: server.port, security: 'plain' },
          auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
          retention: 'keep',
        },
        store: { dir: join(dir, 'store') },
        rules,
      }),
    );
    const started = performance.now();
    const child = await spawnPopfwd(
      popfwd.path,
      ['run', '--config', config, '--json', '--deadline', `${DEADLINE_S}s`],
      { env: { POPFWD_PASSWORD: PASSWORD }, timeoutMs: (DEADLINE_S + 30) * 1000 },
    );
    return { child, seconds: (performance.now() - started) / 1000 };
  };

  it('ends within its deadline, records the slow message as failed and every other one', async () => {
    // Act
    const { child, seconds } = await run();

    // Assess: the process ended on its own, in time
    expect(child.signal, child.stderr).toBeNull();
    expect(seconds).toBeLessThan(DEADLINE_S + 2);
    expect(child.summary, child.stderr).toMatchObject({ fetched: 4, archived: 4, failed: 1 });
    const byUidl = await records();
    expect([...byUidl.keys()].sort()).toEqual(['m1-issue', 'm2-slow', 'm3-hit', 'm4-after']);
    expect(byUidl.get('m1-issue')?.rules).toMatchObject({ status: 'evaluated' });
    expect(byUidl.get('m1-issue')?.tags).toEqual([]);
    expect(byUidl.get('m2-slow')?.rules).toEqual({
      status: 'failed',
      error: expect.stringMatching(
        /^rules could not be evaluated: rule evaluation took longer than 2000 ms/,
      ),
    });
    expect(byUidl.get('m3-hit')?.tags).toEqual(['hit']);
    expect(byUidl.get('m4-after')?.rules).toMatchObject({ status: 'evaluated' });
    expect(child.stderr).toMatch(/rules failed; the message is archived and recorded as failed/);
  });

  it('does not evaluate the failed message again on the next run', async () => {
    // Act
    const { child, seconds } = await run();

    // Assess
    expect(seconds).toBeLessThan(DEADLINE_S + 2);
    expect(child.summary, child.stderr).toMatchObject({ fetched: 0, archived: 0, failed: 0 });
  });
});
