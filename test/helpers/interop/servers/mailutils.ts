/**
 * GNU Mailutils pop3d (Debian mailutils-pop3d) in daemon mode. It installs beside dovecot-pop3d,
 * and authenticates through a virtual-domain password file of its own: no system account. The
 * mailbox is an mbox file (Mailutils' default format). pop3d switches to the `mail` group at
 * start, so it runs as root: directly, or through passwordless sudo for other users (CI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveIdentity } from '../../dovecot/dovecot-files.js';
import { freePort } from '../../free-port.js';
import { type Daemon, startDaemon, waitForGreeting } from '../daemon.js';
import { libraryPath, type PackageRoot } from '../debian.js';
import { writeMbox } from '../mailbox-files.js';
import { type InteropServer, PASSWORD, PASSWORD_HASH, type ServerDefinition } from '../types.js';

const USER = 'alice';
const DOMAIN = 'example.test';
const ATTEMPTS = 3;

/** As root the mail belongs to `mail` (as in Debian's spool), otherwise to the caller. */
const owner = (): { uid: number; gid: number } => {
  const { mailUid, mailGid } = resolveIdentity();
  return { uid: mailUid, gid: mailGid };
};

const config = (dir: string, port: number): string =>
  [
    'logging { syslog false; };',
    // generic: compare the crypt(3) hash from the virtual domain file.
    'auth { authentication generic; authorization virtdomain; };',
    `virtdomain { passwd-dir "${join(dir, 'domains')}"; };`,
    `pidfile "${join(dir, 'pop3d.pid')}";`,
    `server 127.0.0.1:${port} { };`,
    '',
  ].join('\n');

/** The pop3d binary of a package root, else an installed one. */
export const mailutilsBinary = (root: PackageRoot | undefined): string | undefined => {
  const extracted = root && join(root.dir, 'usr/sbin/pop3d');
  if (extracted && existsSync(extracted)) return extracted;
  // /usr/sbin/pop3d may belong to another server; the package's doc folder says whose it is.
  return existsSync('/usr/share/doc/mailutils-pop3d') && existsSync('/usr/sbin/pop3d')
    ? '/usr/sbin/pop3d'
    : undefined;
};

let sudoProbe: boolean | undefined;

/** How to start pop3d as root from here: [] when root, sudo when allowed, else null. */
const asRoot = (): string[] | null => {
  if (process.getuid?.() === 0) return [];
  sudoProbe ??= spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  return sudoProbe ? ['sudo', '-n'] : null;
};

export const mailutils: ServerDefinition = {
  id: 'mailutils',
  name: 'GNU Mailutils pop3d',
  package: 'mailutils-pop3d',
  setup:
    'extracted package, `pop3d --daemon`; a virtual-domain password file of its own (no system account), mbox',
  install: 'extract',
  unavailable: () =>
    asRoot() ? null : 'pop3d needs root (it switches to the mail group) or passwordless sudo',
  async start(messages, root): Promise<InteropServer> {
    const binary = mailutilsBinary(root);
    if (!binary) throw new Error('mailutils pop3d is neither extracted nor installed');
    const elevate = asRoot();
    if (!elevate) throw new Error(mailutils.unavailable() ?? 'pop3d needs root');
    // `env` after sudo: sudo drops LD_* variables from the environment it passes on.
    const libraries = root ? [`LD_LIBRARY_PATH=${await libraryPath(root.dir)}`] : [];
    const dir = await mkdtemp(join(tmpdir(), 'popfwd-interop-mailutils-'));
    await chmod(dir, 0o755);
    const { uid, gid } = owner();
    const home = join(dir, 'mail', USER);
    await mkdir(home, { recursive: true });
    await mkdir(join(dir, 'domains'));
    await chown(home, uid, gid);
    // Mailutils opens <home>/INBOX for a virtual user.
    await writeMbox(join(home, 'INBOX'), messages, { uid, gid });
    await writeFile(
      join(dir, 'domains', DOMAIN),
      `${USER}:${PASSWORD_HASH}:${uid}:${gid}:Alice:${home}:/bin/false\n`,
    );
    let daemon: Daemon | undefined;
    let port = 0;
    try {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
        port = await freePort();
        await writeFile(join(dir, 'pop3d.conf'), config(dir, port));
        const [command = 'env', ...prefix] = [...elevate, 'env'];
        daemon = startDaemon(command, [
          ...prefix,
          ...libraries,
          binary,
          '--daemon',
          '--foreground',
          `--config-file=${join(dir, 'pop3d.conf')}`,
        ]);
        try {
          await waitForGreeting('127.0.0.1', port, daemon);
          break;
        } catch (error) {
          await daemon.stop();
          // Another process took the port between freePort() and the bind: try another.
          if (attempt === ATTEMPTS || !/in use/i.test(daemon.log())) throw error;
        }
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const running = daemon as Daemon;
    return {
      host: '127.0.0.1',
      port,
      login: { user: `${USER}@${DOMAIN}`, password: PASSWORD },
      storage: 'mbox',
      log: async () => running.log(),
      stop: async () => {
        await running.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};
