/**
 * popa3d (Debian popa3d): inetd-style, PAM login of system accounts, mbox in /var/mail/USER.
 * It drops privileges to its own `popa3d` account (chroot to /var/lib/popa3d) before login.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeMbox } from '../mailbox-files.js';
import type { InteropServer, ServerDefinition } from '../types.js';
import {
  login,
  packageRootOf,
  prepareSystemAccount,
  removeLayout,
  startInPrivateRoot,
  systemAccountUnavailable,
} from './system-account.js';

export const popa3d: ServerDefinition = {
  id: 'popa3d',
  name: 'popa3d',
  package: 'popa3d',
  setup:
    'extracted package in a private root, started per connection (inetd style); PAM on the private passwd/shadow; mbox in /var/mail',
  install: 'extract',
  unavailable: systemAccountUnavailable,
  async start(messages, root): Promise<InteropServer> {
    const packageRoot = packageRootOf(root, 'popa3d');
    const layout = await prepareSystemAccount(
      'popa3d',
      ['popa3d'],
      [{ name: 'popa3d', uid: 64_111, gid: 64_111, home: '/var/lib/popa3d' }],
    );
    const varLib = join(layout.dir, 'var-lib');
    await mkdir(join(varLib, 'popa3d'), { recursive: true });
    await writeMbox(join(layout.spool, layout.user.name), messages, layout.user);
    const inetd = await startInPrivateRoot(
      {
        packageRoot: packageRoot.dir,
        etc: layout.etc,
        binds: [{ from: layout.spool, to: '/var/mail' }],
        overlays: [{ target: '/var/lib', layers: [varLib] }],
      },
      ['/usr/sbin/popa3d'],
    );
    return {
      host: inetd.host,
      port: inetd.port,
      login,
      storage: 'mbox',
      log: async () => inetd.log(),
      stop: async () => {
        await inetd.stop();
        await removeLayout(layout);
      },
    };
  },
};
