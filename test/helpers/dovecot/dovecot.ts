/**
 * Throwaway Dovecot POP3 servers for integration tests (Debian dovecot-pop3d 2.3). Each instance has
 * its own temp root, base_dir and instance_name, and ports picked at runtime, so several can run at
 * once on a machine shared with other engineers. Works as root (CI: mail files owned by `mail`)
 * and as an ordinary user (every Dovecot process runs as that user).
 *
 * What Dovecot 2.3.19 sends on RETR, observed on the wire (stored maildir file → the bytes between
 * `+OK <n> octets\r\n` and the terminator `.\r\n`, after dot-unstuffing):
 * - LF line endings `a\nb\n`                  → `a\r\nb\r\n` (every LF not preceded by CR gets one).
 * - bare LF inside CRLF text `a\r\nb\nc\r\n`   → `a\r\nb\r\nc\r\n`.
 * - bare CR `a\rb\r\n`, `\r.x\r\n`, `x\r\r\n` → unchanged; a CR alone ends no line, so `\r.x` is
 *                                              not stuffed.
 * - NUL bytes                                 → unchanged (sent raw).
 * - lines `.` / `..` / `.x` (LF or CRLF)       → stuffed as `..\r\n` / `...\r\n` / `..x\r\n`,
 *                                              EXCEPT on the first line of the message: a file
 *                                              that starts with "." is sent unstuffed (`.\r\n`
 *                                              → `+OK 3 octets\r\n.\r\n.\r\n`: the reply ends
 *                                              early and a stray `.\r\n` follows; `.From: x` →
 *                                              un-stuffs to `From: x`). Real mail starts with a
 *                                              header, so only hostile or odd stored mail hits it;
 *                                              a client must then fail with a protocol error on
 *                                              the stray line, never misattribute it.
 * - no final newline `a\nlast`, `last\r`      → a CRLF is appended: `a\r\nlast\r\n`, `last\r\r\n`.
 * - an empty (0-byte) file                    → `+OK 0 octets\r\n\r\n.\r\n`: the body is one CRLF.
 * - `+OK <n> octets` and LIST count LF as CRLF but not the appended final CRLF, so n can be 2 less
 *   than the bytes received: a size hint, never a length.
 * So from Dovecot a client sees lines that all end in CRLF (bare CR and NUL survive inside lines),
 * correctly stuffed after the first line, and always a CRLF right before the terminator: strict
 * CRLF `.` CRLF framing is right for it. `dovecotWireBody()` below computes the expected bytes for
 * a stored file; test/integration/dovecot-harness.test.ts checks it byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port.js';
import {
  type DovecotIdentity,
  type DovecotLayout,
  type DovecotOAuth2Settings,
  type DovecotUser,
  renderDovecotConfig,
} from './dovecot-config.js';
import { layoutFor, prepareFiles, resolveIdentity, validateUser } from './dovecot-files.js';
import {
  readLog,
  readMasterPid,
  running,
  startMaster,
  stopPid,
  waitForGreeting,
} from './dovecot-process.js';

export type { DovecotOAuth2Settings, DovecotUser } from './dovecot-config.js';

const DEFAULT_USERS: readonly DovecotUser[] = [{ user: 'alice@example.test', password: 'secret' }];
const READY_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;

export interface StartDovecotOptions {
  /** @default [{ user: 'alice@example.test', password: 'secret' }] */
  readonly users?: readonly DovecotUser[];
  /** Adds an oauth2 passdb (XOAUTH2, OAUTHBEARER) that introspects tokens at this URL. */
  readonly oauth2?: DovecotOAuth2Settings;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /**
   * `pop3_lock_session`: a second session for the same user gets `-ERR [IN-USE]`. Dovecot 2.3
   * first waits for the lock for a fixed 10 s (not configurable), so it is off by default, as in
   * Dovecot itself; the sandbox server covers [IN-USE] without the wait. @default false
   */
  readonly lockSession?: boolean;
}

export interface DovecotInstance {
  readonly host: string;
  /** Implicit TLS (pop3s) with test/fixtures/tls/server.pem; trust TLS_PATHS.ca. */
  readonly tlsPort: number;
  /** Plain POP3 offering STLS; plaintext login is allowed too. */
  readonly plainPort: number;
  readonly users: readonly DovecotUser[];
  readonly logPath: string;
  /** Maildir of `user` (with cur/, new/, tmp/). */
  maildir(user: string): string;
  /**
   * Delivers messages, in order, to `user`'s maildir exactly as given (no line-ending conversion).
   * Dovecot numbers them in this order when the mailbox is next opened.
   */
  addMessages(user: string, messages: readonly Buffer[]): Promise<void>;
  /** The Dovecot log so far (for failure messages). */
  log(): Promise<string>;
  /** Stops Dovecot and removes every file of this instance. */
  stop(): Promise<void>;
}

let dovecotProbe: boolean | undefined;

/** Whether `dovecot` and its POP3 service are installed. */
export const dovecotAvailable = (): boolean => {
  dovecotProbe ??=
    spawnSync('dovecot', ['--version'], { stdio: 'ignore' }).status === 0 &&
    ['/usr/lib/dovecot/pop3', '/usr/libexec/dovecot/pop3'].some((path) => existsSync(path));
  return dovecotProbe;
};

const launch = async (
  layout: DovecotLayout,
  identity: DovecotIdentity,
  host: string,
  options: StartDovecotOptions,
): Promise<{ pid: number; plainPort: number; tlsPort: number }> => {
  const confPath = join(layout.confDir, 'dovecot.conf');
  let lastError = '';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    const plainPort = await freePort(host);
    const tlsPort = await freePort(host);
    const config = renderDovecotConfig({
      layout,
      identity,
      instanceName: `popfwd-${layout.root.split('-').pop()}`,
      host,
      plainPort,
      tlsPort,
      lockSession: options.lockSession ?? false,
      ...(options.oauth2 ? { oauth2: options.oauth2 } : {}),
    });
    await writeFile(confPath, config);
    const stderrPath = join(layout.root, 'dovecot.stderr');
    try {
      await startMaster(confPath, stderrPath);
    } catch (error) {
      lastError = `${(error as Error).message}\n${await readLog(stderrPath)}${await readLog(layout.logPath)}`;
      // Another process took a port between freePort() and Dovecot's bind: pick new ones.
      if (/address already in use/i.test(lastError)) continue;
      break;
    }
    const pid = await readMasterPid(layout.runDir, Date.now() + READY_TIMEOUT_MS);
    running.add(pid);
    return { pid, plainPort, tlsPort };
  }
  throw new Error(`dovecot did not start:\n${lastError}`);
};

/** Starts a Dovecot POP3 server; resolves when it has sent a greeting. */
export const startDovecot = async (options: StartDovecotOptions = {}): Promise<DovecotInstance> => {
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? DEFAULT_USERS;
  users.forEach(validateUser);
  const identity = resolveIdentity();
  const layout = layoutFor(await mkdtemp(join(tmpdir(), 'popfwd-dovecot-')));
  let pid: number | undefined;
  try {
    await prepareFiles(layout, identity, users, options.oauth2);
    const started = await launch(layout, identity, host, options);
    pid = started.pid;
    await waitForGreeting(host, started.plainPort, Date.now() + READY_TIMEOUT_MS);
    return instance(layout, identity, host, users, { ...started, pid: started.pid });
  } catch (error) {
    const log = await readLog(layout.logPath);
    if (pid !== undefined) await stopPid(pid);
    await rm(layout.root, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${log}`, { cause: error });
  }
};

const instance = (
  layout: DovecotLayout,
  identity: DovecotIdentity,
  host: string,
  users: readonly DovecotUser[],
  process_: { pid: number; plainPort: number; tlsPort: number },
): DovecotInstance => {
  let delivered = 0;
  const maildir = (user: string): string => {
    if (!users.some((known) => known.user === user)) {
      throw new Error(`dovecot helper: unknown user "${user}"`);
    }
    return join(layout.mailDir, user);
  };
  return {
    host,
    tlsPort: process_.tlsPort,
    plainPort: process_.plainPort,
    users,
    logPath: layout.logPath,
    maildir,
    async addMessages(user, messages) {
      const dir = maildir(user);
      const stamp = Math.floor(Date.now() / 1000);
      for (const message of messages) {
        delivered += 1;
        // Zero-padded sequence first: Dovecot assigns UIDs to new/ files in name order.
        const name = `${stamp}.M${String(delivered).padStart(8, '0')}R${randomBytes(4).toString('hex')}.popfwd`;
        const staged = join(dir, 'tmp', name);
        await writeFile(staged, message);
        await chown(staged, identity.mailUid, identity.mailGid);
        await rename(staged, join(dir, 'new', name));
      }
    },
    log: () => readLog(layout.logPath),
    async stop() {
      await stopPid(process_.pid);
      running.delete(process_.pid);
      await rm(layout.root, { recursive: true, force: true });
    },
  };
};

/**
 * The bytes Dovecot 2.3 delivers for a stored maildir file, after dot-unstuffing (see the top of
 * this file): an LF without CR before it becomes CRLF, and a CRLF is appended unless the file
 * ends with LF (so an empty file yields `\r\n`).
 */
export const dovecotWireBody = (stored: Buffer): Buffer => {
  const parts: Buffer[] = [];
  let start = 0;
  for (let index = stored.indexOf(0x0a); index !== -1; index = stored.indexOf(0x0a, index + 1)) {
    if (index === 0 || stored[index - 1] !== 0x0d) {
      parts.push(stored.subarray(start, index), CRLF);
      start = index + 1;
    }
  }
  parts.push(stored.subarray(start));
  if (stored.at(-1) !== 0x0a) parts.push(CRLF);
  return Buffer.concat(parts);
};

const CRLF = Buffer.from('\r\n');
