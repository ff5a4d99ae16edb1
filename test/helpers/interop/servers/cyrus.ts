/**
 * Cyrus IMAP's POP3 server (Debian cyrus-pop3d with cyrus-common): the Cyrus master process with a
 * pop3 and an LMTP service, mail delivered through LMTP with Cyrus' own `deliver`, the login
 * checked against a SASL database of its own (sasl2-bin's saslpasswd2). Its configuration sits at
 * the compiled-in paths /etc/imapd.conf and /etc/cyrus.conf of a private root.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../free-port.js';
import { type Daemon, startDaemon, waitForGreeting } from '../daemon.js';
import {
  type PrivateRoot,
  privateRootCommand,
  privateRootUnavailable,
  writeAccounts,
} from '../private-root.js';
import { type InteropServer, PASSWORD, type ServerDefinition, SYSTEM_USER } from '../types.js';
import { packageRootOf } from './system-account.js';

const CYRUS = { name: 'cyrus', uid: 64_114, gid: 64_114, home: '/nonexistent' } as const;
const REALM = 'interop.test';
const BIN = '/usr/lib/cyrus/bin';

const imapdConf = (dir: string): string =>
  [
    `configdirectory: ${dir}/lib`,
    `partition-default: ${dir}/spool`,
    `sievedir: ${dir}/sieve`,
    `servername: ${REALM}`,
    'admins: cyrus',
    'allowplaintext: yes',
    'sasl_pwcheck_method: auxprop',
    'sasl_auxprop_plugin: sasldb',
    `sasl_sasldb_path: ${dir}/sasldb2`,
    'sasl_mech_list: PLAIN LOGIN',
    `lmtpsocket: ${dir}/run/lmtp`,
    `idlesocket: ${dir}/run/idle`,
    `notifysocket: ${dir}/run/notify`,
    // LMTP delivery creates the user's INBOX.
    'autocreate_post: yes',
    'autocreate_quota: 0',
    'unixhierarchysep: yes',
    'syslog_prefix: popfwd-interop',
    '',
  ].join('\n');

const cyrusConf = (dir: string, port: number): string =>
  [
    'START {',
    '  recover cmd="ctl_cyrusdb -r"',
    '}',
    'SERVICES {',
    `  pop3 cmd="pop3d" listen="127.0.0.1:${port}" prefork=0`,
    `  lmtpunix cmd="lmtpd" listen="${dir}/run/lmtp" prefork=0`,
    '}',
    'EVENTS {',
    '}',
    '',
  ].join('\n');

/** Runs `argv` in the private root; resolves with its exit code and output. */
const runIn = (
  root: PrivateRoot,
  argv: readonly string[],
  input?: Buffer,
): Promise<{ code: number; output: string }> =>
  new Promise((resolve) => {
    const { command, args } = privateRootCommand(root, argv);
    const child = execFile(command, args, { encoding: 'latin1' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
    // A refusal may come before the whole message is written.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });

export const cyrus: ServerDefinition = {
  id: 'cyrus',
  name: 'Cyrus',
  package: 'cyrus-pop3d',
  extraPackages: ['sasl2-bin'],
  setup:
    'extracted package in a private root; the Cyrus master with pop3 and LMTP services, a SASL database of its own (saslpasswd2), mail delivered over LMTP with `deliver`',
  install: 'extract',
  unavailable: privateRootUnavailable,
  async start(messages, root): Promise<InteropServer> {
    const packageRoot = packageRootOf(root, 'cyrus-pop3d');
    const dir = await mkdtemp(join(tmpdir(), 'popfwd-interop-cyrus-'));
    await chmod(dir, 0o755);
    const etc = join(dir, 'etc');
    // makedirs gives the spool to the group `mail`.
    await writeAccounts(etc, [CYRUS, { name: 'mail', uid: 8, gid: 8, home: '/var/mail' }]);
    for (const sub of ['lib', 'spool', 'sieve', 'run']) {
      await mkdir(join(dir, sub));
      await chown(join(dir, sub), CYRUS.uid, CYRUS.gid);
    }
    await writeFile(join(etc, 'imapd.conf'), imapdConf(dir));
    const privateRoot: PrivateRoot = { packageRoot: packageRoot.dir, etc };
    let master: Daemon | undefined;
    try {
      const setup = await runIn(privateRoot, [
        'sh',
        '-c',
        `printf %s "$1" | saslpasswd2 -p -c -f ${dir}/sasldb2 -u ${REALM} ${SYSTEM_USER}` +
          ` && ${BIN}/makedirs && chown -R cyrus ${dir}/sasldb2 ${dir}/lib ${dir}/spool ${dir}/run`,
        'sh',
        PASSWORD,
      ]);
      if (setup.code !== 0) throw new Error(`cyrus setup failed:\n${setup.output}`);
      const port = await freePort();
      await writeFile(join(etc, 'cyrus.conf'), cyrusConf(dir, port));
      const { command, args } = privateRootCommand(privateRoot, [`${BIN}/master`, '-D']);
      master = startDaemon(command, args);
      await waitForGreeting('127.0.0.1', port, master);
      const refused: { index: number; reason: string }[] = [];
      for (const [index, data] of messages.entries()) {
        const delivery = await runIn(
          privateRoot,
          [`${BIN}/deliver`, '-a', SYSTEM_USER, SYSTEM_USER],
          data,
        );
        if (delivery.code !== 0) refused.push({ index, reason: delivery.output.trim() });
      }
      const running = master;
      return {
        host: '127.0.0.1',
        port,
        login: { user: SYSTEM_USER, password: PASSWORD },
        storage: 'Cyrus mailbox (delivered over LMTP)',
        refused,
        log: async () => running.log(),
        stop: async () => {
          await running.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await master?.stop();
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  },
};
