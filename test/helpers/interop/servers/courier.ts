/**
 * Courier (Debian courier-pop): pop3login started per connection (as couriertcpd would), PAM
 * login of system accounts through authdaemond, Maildir in the account's home. Its settings are
 * the package's /etc/courier/pop3d, as its init script reads them.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Daemon, startDaemon } from '../daemon.js';
import { writeMaildir } from '../mailbox-files.js';
import { type PrivateRoot, privateRootCommand } from '../private-root.js';
import type { InteropServer, ServerDefinition } from '../types.js';
import {
  login,
  packageRootOf,
  prepareSystemAccount,
  removeLayout,
  startInPrivateRoot,
  systemAccountUnavailable,
} from './system-account.js';

const LIB = '/usr/lib/courier/courier';
const LOGIN = [
  '. /etc/courier/pop3d',
  'export POP3AUTH POP3AUTH_TLS POP3_PROXY MAILDIRPATH MIME_UNICODE_MESSAGE_TYPE',
  `exec ${LIB}/courierpop3login ${LIB}/courierpop3d "$MAILDIRPATH"`,
].join('\n');
const SOCKET_TIMEOUT_MS = 10_000;

/** Resolves once authdaemond's socket exists. */
const waitForSocket = async (path: string, daemon: Daemon): Promise<void> => {
  const deadline = Date.now() + SOCKET_TIMEOUT_MS;
  while (!existsSync(path)) {
    const exit = daemon.exited();
    if (exit) throw new Error(`authdaemond ${exit}:\n${daemon.log()}`);
    if (Date.now() > deadline) throw new Error(`authdaemond made no socket:\n${daemon.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

export const courier: ServerDefinition = {
  id: 'courier',
  name: 'Courier',
  package: 'courier-pop',
  setup:
    "extracted package in a private root; authdaemond with PAM on the private passwd/shadow; pop3login started per connection (as couriertcpd would) with the settings of the package's /etc/courier/pop3d; Maildir",
  install: 'extract',
  unavailable: systemAccountUnavailable,
  async start(messages, root): Promise<InteropServer> {
    const packageRoot = packageRootOf(root, 'courier-pop');
    const layout = await prepareSystemAccount(
      'courier',
      ['pop3'],
      [{ name: 'courier', uid: 64_112, gid: 64_112, home: '/nonexistent' }],
    );
    const run = join(layout.dir, 'run');
    await mkdir(join(run, 'courier', 'authdaemon'), { recursive: true });
    await writeMaildir(join(layout.home, 'Maildir'), messages, layout.user);
    const privateRoot: PrivateRoot = {
      packageRoot: packageRoot.dir,
      etc: layout.etc,
      binds: [{ from: run, to: '/run' }],
    };
    const auth = privateRootCommand(privateRoot, ['/usr/lib/courier/courier-authlib/authdaemond']);
    const authdaemond = startDaemon(auth.command, auth.args);
    try {
      await waitForSocket(join(run, 'courier', 'authdaemon', 'socket'), authdaemond);
      const inetd = await startInPrivateRoot(privateRoot, ['sh', '-c', LOGIN], {
        // What couriertcpd tells pop3login about the connection.
        TCPREMOTEIP: '127.0.0.1',
        TCPREMOTEPORT: '0',
        TCPLOCALIP: '127.0.0.1',
        TCPLOCALPORT: '110',
      });
      return {
        host: inetd.host,
        port: inetd.port,
        login,
        storage: 'Maildir',
        log: async () => `${authdaemond.log()}${inetd.log()}`,
        stop: async () => {
          await inetd.stop();
          await authdaemond.stop();
          await removeLayout(layout);
        },
      };
    } catch (error) {
      await authdaemond.stop();
      await removeLayout(layout);
      throw error;
    }
  },
};
