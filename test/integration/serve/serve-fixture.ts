/**
 * An archive made the way users get one: the engine fetches the corpus from the sandbox POP3
 * server into a store (`runMailbox`, as `popfwd run` does), and the viewer reads it back through
 * the catalog seam. Nothing here knows how records are stored, so the tests hold whatever the
 * catalog's storage becomes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { readCatalog } from '../../../lambda/archive/catalog.js';
import { type ArchiveServer, startArchiveServer } from '../../../lambda/archive/serve/server.js';
import { type Pop3Message, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import { silentLog } from '../../../lambda/log.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { runMailbox } from '../../helpers/engine-run.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { readAll } from '../../helpers/pop3/streams.js';
import { memorySecrets } from '../../helpers/secrets/memory-secrets.js';
import { OWNER } from './serve-corpus.js';

const PASSWORD = 'serve-test-password';
export const T0 = Date.parse('2026-11-26T08:00:00.000Z');
export const layout = mailboxLayout(OWNER);

/** A rule that tags, so the list has tags to show and filter on. */
const RULES = parse(
  '- { name: invoices, when: { subject: { contains: invoice } }, then: [ { tag: invoice } ] }',
) as unknown[];

export interface Archive {
  readonly dir: string;
  readonly store: BlobStore;
  /** The catalog's record of a message. */
  record(uidl: string): Promise<MessageRecord>;
  /** The archived bytes of a message. */
  raw(uidl: string): Promise<Buffer>;
  /** Fetches more mail into the same archive (a later `popfwd run`). */
  add(messages: readonly Pop3Message[]): Promise<void>;
  remove(): Promise<void>;
}

/** Archives `messages` into `store` (default: a new local directory) through a real run. */
export const archiveMail = async (
  messages: readonly Pop3Message[],
  options: { readonly store?: BlobStore } = {},
): Promise<Archive> => {
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-serve-'));
  const store = options.store ?? createLocalStore(dir);
  const clock = fixedClock(T0);
  const fetchAll = async (mail: readonly Pop3Message[]) => {
    const server = await startPop3Server({
      users: [{ user: OWNER, password: PASSWORD }],
      mailbox: [...mail],
    });
    try {
      const { config } = parseConfig(
        {
          mailbox: {
            address: OWNER,
            pop3: { host: server.host, port: server.port, security: 'plain' },
            auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
            retention: 'keep',
          },
          store: { dir },
          rules: RULES,
        },
        'serve-test.yaml',
      );
      const summary = await runMailbox({
        config,
        store,
        secrets: memorySecrets({ 'env:POPFWD_PASSWORD': PASSWORD }).store,
        log: silentLog,
        clock,
        deadline: clock.now() + 10 * 60_000,
      });
      expect(summary.failed, 'every message archived').toBe(0);
      clock.advance(60_000);
    } finally {
      await server.close();
    }
  };
  await fetchAll(messages);
  const record = async (uidl: string) => {
    const found = (await readCatalog(store, layout)).records.find((r) => r.meta.uidl === uidl);
    if (!found) throw new Error(`${uidl} is not in the catalog`);
    return found;
  };
  return {
    dir,
    store,
    record,
    raw: async (uidl) => {
      const stream = await store.read((await record(uidl)).meta.key);
      if (!stream) throw new Error(`${uidl} has no raw object`);
      return readAll(stream);
    },
    add: fetchAll,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
};

/** The viewer over `archive`, as `popfwd archive serve` starts it. */
export const serveArchive = async (
  archive: Archive,
  options: { readonly host?: string } = {},
): Promise<ArchiveServer> =>
  startArchiveServer({
    store: archive.store,
    layout,
    mailbox: OWNER,
    catalog: await readCatalog(archive.store, layout),
    ...options,
  });
