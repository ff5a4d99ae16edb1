/**
 * popa3d (Debian popa3d): inetd-style, PAM login of system accounts, mbox in /var/mail/USER.
 * It drops privileges to its own `popa3d` account (chroot to /var/lib/popa3d) before login.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { InteropServer, ServerDefinition } from '../types.js';
import {
  packageRootOf,
  prepareSystemAccount,
  serveMboxPerConnection,
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
    return serveMboxPerConnection(packageRoot, layout, varLib, '/usr/sbin/popa3d', messages);
  },
};
