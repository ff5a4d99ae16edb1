/**
 * The peers on the same mailbox: mpop (pipelining, the fastest POP3 fetcher) and fetchmail
 * (sequential). Each repetition starts from fresh state (no UIDL file), so every peer fetches the
 * whole mailbox, as popfwd does with a fresh archive.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maildirContents } from './mailbox.js';
import { type Measured, measure } from './processes.js';

export interface PeerTarget {
  /** Port of the implicit-TLS POP3 listener (Dovecot, or the latency proxy in front of it). */
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** CA that signed the server certificate (issued for localhost and 127.0.0.1). */
  readonly caFile: string;
}

export interface PeerRun extends Measured {
  /** Messages the peer reports (or left) as delivered. */
  readonly messages: number;
}

/**
 * Where mpop delivers. `maildir` stores every message durably (mpop fsyncs each file), like
 * popfwd's archive; `discard` appends to /dev/null, for the POP3-client-only comparison.
 */
export type MpopSink = 'maildir' | 'discard';

const mpopConfig = (target: PeerTarget, uidls: string, delivery: string): string =>
  [
    'defaults',
    'account bench',
    'host 127.0.0.1',
    `port ${target.port}`,
    'tls on',
    'tls_starttls off',
    `tls_trust_file ${target.caFile}`,
    'auth user',
    `user ${target.user}`,
    `password ${target.password}`,
    // Leave the mailbox as it is, so every repetition reads the same messages.
    'keep on',
    'only_new on',
    // The archive holds the bytes as received; mpop's own Received: line would add to them.
    'received_header off',
    `uidls_file ${uidls}`,
    `delivery ${delivery}`,
    '',
  ].join('\n');

/** One mpop run from fresh state in `dir`. */
export const runMpop = async (
  target: PeerTarget,
  dir: string,
  sink: MpopSink,
): Promise<PeerRun> => {
  await rm(dir, { recursive: true, force: true });
  const maildir = join(dir, 'maildir');
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
  const config = join(dir, 'mpoprc');
  const delivery = sink === 'maildir' ? `maildir ${maildir}` : 'mbox /dev/null';
  await writeFile(config, mpopConfig(target, join(dir, 'uidls'), delivery), { mode: 0o600 });
  const run = await measure('mpop', ['--file', config, '--quiet', 'bench']);
  if (run.code !== 0) throw new Error(`mpop failed (${run.code}): ${run.stderr.trim()}`);
  const messages =
    sink === 'maildir' ? (await maildirContents(maildir)).files : await uidlCount(dir);
  return { ...run, messages };
};

/** mpop records what it fetched in its UIDL file: " <count> <host> <user>" heads the list. */
const uidlCount = async (dir: string): Promise<number> => {
  const text = await readFile(join(dir, 'uidls'), 'utf8');
  return Number(/^ (\d+) /m.exec(text)?.[1] ?? 0);
};

const fetchmailConfig = (target: PeerTarget): string =>
  [
    'set no syslog',
    `poll 127.0.0.1 port ${target.port} protocol POP3 uidl`,
    `  user "${target.user}" there with password "${target.password}" is "root" here`,
    // fetchmail checks the certificate's CN and DNS names only, so name the host it was issued to.
    `  options keep fetchall ssl sslcertck sslcommonname "localhost" sslcertfile "${target.caFile}"`,
    // Batch SMTP to /dev/null: fetchmail's cheapest sink, no MDA process per message.
    '  bsmtp "/dev/null"',
    '',
  ].join('\n');

/** One fetchmail run from fresh state in `dir`. */
export const runFetchmail = async (target: PeerTarget, dir: string): Promise<PeerRun> => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'fetchmailrc');
  await writeFile(config, fetchmailConfig(target));
  // fetchmail refuses an rc file others can read.
  await chmod(config, 0o600);
  const run = await measure('fetchmail', [
    '--fetchmailrc',
    config,
    '--idfile',
    join(dir, 'ids'),
    '--pidfile',
    join(dir, 'pid'),
  ]);
  // 0: mail was retrieved. Anything else (1 = no mail) means this run measured nothing useful.
  if (run.code !== 0) throw new Error(`fetchmail failed (${run.code}): ${run.stdout}${run.stderr}`);
  const messages = Number(/(\d+) messages? for /.exec(run.stdout)?.[1] ?? 0);
  return { ...run, stdout: '', messages };
};
