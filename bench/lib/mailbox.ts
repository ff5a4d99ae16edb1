/** The benchmark mailbox: a throwaway Dovecot holding the mixed corpus plus one 30 MB message. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DovecotInstance,
  type DovecotOAuth2Settings,
  startDovecot,
} from '../../test/helpers/dovecot/dovecot.js';
import { resolveIdentity } from '../../test/helpers/dovecot/dovecot-files.js';
import { writeMaildir } from '../../test/helpers/mail/corpus.js';

export const BENCH_USER = { user: 'alice@example.test', password: 'bench-secret' } as const;

export interface BenchMailbox {
  readonly dovecot: DovecotInstance;
  /** Messages in the mailbox, the big one included. */
  readonly count: number;
  /** Sum of the stored files (LF endings); the wire carries a little more (CRLF). */
  readonly storedBytes: number;
  readonly stop: () => Promise<void>;
}

export interface MailboxOptions {
  /** Ordinary messages. @default 1000 */
  readonly count?: number;
  /** Adds the 30 MB message. @default true */
  readonly big?: boolean;
  /** Also accept XOAUTH2 logins, checked against this introspection endpoint. */
  readonly oauth2?: DovecotOAuth2Settings;
}

/** Starts Dovecot and fills alice's maildir with the deterministic corpus. */
export const startBenchMailbox = async (options: MailboxOptions = {}): Promise<BenchMailbox> => {
  const count = options.count ?? 1000;
  const big = options.big ?? true;
  const dovecot = await startDovecot({
    users: [BENCH_USER],
    ...(options.oauth2 ? { oauth2: options.oauth2 } : {}),
  });
  try {
    const identity = resolveIdentity();
    const { files, totalBytes } = await writeMaildir(dovecot.maildir(BENCH_USER.user), count, {
      // Seed 6 makes the 1,000 messages 156 MB, the size of the reference peers' test mailbox.
      seed: 6,
      big,
      owner: { uid: identity.mailUid, gid: identity.mailGid },
    });
    return { dovecot, count: files.length, storedBytes: totalBytes, stop: () => dovecot.stop() };
  } catch (error) {
    await dovecot.stop();
    throw error;
  }
};

/** Files and bytes in a maildir's new/ and cur/ (to check a peer delivered everything). */
export const maildirContents = async (dir: string): Promise<{ files: number; bytes: number }> => {
  let files = 0;
  let bytes = 0;
  for (const sub of ['new', 'cur']) {
    const names = await readdir(join(dir, sub)).catch(() => [] as string[]);
    for (const name of names) {
      files += 1;
      bytes += (await stat(join(dir, sub, name))).size;
    }
  }
  return { files, bytes };
};
