/** Dovecot (Debian dovecot-pop3d, installed): Maildir, its own passwd-file, the test harness. */
import { execFileSync } from 'node:child_process';
import { dovecotAvailable, startDovecot } from '../../dovecot/dovecot.js';
import { toStored } from '../mailbox-files.js';
import { type InteropServer, PASSWORD, type ServerDefinition } from '../types.js';

const USER = 'alice@example.test';

/** `dovecot --version`, e.g. "2.3.19.1 (9b53102964)". */
export const dovecotVersion = (): string =>
  execFileSync('dovecot', ['--version'], { encoding: 'utf8' }).trim();

export const dovecot: ServerDefinition = {
  id: 'dovecot',
  name: 'Dovecot',
  package: 'dovecot-pop3d',
  setup:
    'installed package; its own passwd-file user, Maildir (the Dovecot test harness of this repo)',
  install: 'system',
  unavailable: () => (dovecotAvailable() ? null : 'dovecot-pop3d is not installed'),
  async start(messages): Promise<InteropServer> {
    const instance = await startDovecot({ users: [{ user: USER, password: PASSWORD }] });
    await instance.addMessages(USER, messages.map(toStored));
    return {
      host: instance.host,
      port: instance.plainPort,
      login: { user: USER, password: PASSWORD },
      storage: 'Maildir',
      log: () => instance.log(),
      stop: () => instance.stop(),
    };
  },
};
