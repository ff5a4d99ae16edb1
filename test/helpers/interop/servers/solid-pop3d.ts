/**
 * Solid POP3 (Debian solid-pop3d): inetd-style, PAM login of system accounts; the mailbox is the
 * Debian default, mbox in /var/mail/USER.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InteropServer, ServerDefinition } from '../types.js';
import {
  packageRootOf,
  prepareSystemAccount,
  serveMboxPerConnection,
  systemAccountUnavailable,
} from './system-account.js';

const CONFIG = [
  '<Global>',
  '\tMailDropName\t"/var/mail/%s"',
  '\tMailDropType\tmailbox',
  '\tLogStatistics\tno',
  '</Global>',
  '',
].join('\n');

export const solidPop3d: ServerDefinition = {
  id: 'solid-pop3d',
  name: 'Solid POP3',
  package: 'solid-pop3d',
  setup:
    'extracted package in a private root, started per connection (inetd style); PAM on the private passwd/shadow; mbox in /var/mail (the Debian default)',
  install: 'extract',
  unavailable: systemAccountUnavailable,
  async start(messages, root): Promise<InteropServer> {
    const packageRoot = packageRootOf(root, 'solid-pop3d');
    // It switches to its own `spop3d` account before login.
    const layout = await prepareSystemAccount(
      'solid-pop3d',
      ['solid-pop3d'],
      [{ name: 'spop3d', uid: 64_113, gid: 64_113, home: '/nonexistent' }],
    );
    await writeFile(join(layout.etc, 'spop3d.conf'), CONFIG);
    // It reads bulletins from there after login and fails the login without the folder.
    const varLib = join(layout.dir, 'var-lib');
    await mkdir(join(varLib, 'solid-pop3d', 'bulletins'), { recursive: true });
    return serveMboxPerConnection(packageRoot, layout, varLib, '/usr/sbin/solid-pop3d', messages);
  },
};
