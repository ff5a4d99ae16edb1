/**
 * Shared setup of servers that log in only system accounts through PAM (popa3d, solid-pop3d,
 * Courier): a private /etc with the test account, its PAM service and the server's own files, a
 * mail folder, and an inetd that starts the server in the private root per connection.
 */
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackageRoot } from '../debian.js';
import { startInetd } from '../inetd.js';
import { writeMbox } from '../mailbox-files.js';
import {
  type Account,
  type PrivateRoot,
  privateRootCommand,
  privateRootUnavailable,
  writeAccounts,
  writePamService,
} from '../private-root.js';
import { type InteropServer, PASSWORD, PASSWORD_HASH, SYSTEM_UID, SYSTEM_USER } from '../types.js';

export interface SystemAccountLayout {
  readonly dir: string;
  /** The private /etc (overlaid on the host's). */
  readonly etc: string;
  /** Bound over /var/mail: the spool, world-writable with the sticky bit as on Debian. */
  readonly spool: string;
  /** The test account's home. */
  readonly home: string;
  readonly user: Account;
}

export const systemAccountUnavailable = (): string | null => privateRootUnavailable();

/** Creates the private folders, the test account and the PAM services. */
export const prepareSystemAccount = async (
  id: string,
  pamServices: readonly string[],
  extraAccounts: readonly Account[] = [],
): Promise<SystemAccountLayout> => {
  const dir = await mkdtemp(join(tmpdir(), `popfwd-interop-${id}-`));
  await chmod(dir, 0o755);
  const etc = join(dir, 'etc');
  const spool = join(dir, 'spool');
  const home = join(dir, 'home');
  const user: Account = {
    name: SYSTEM_USER,
    uid: SYSTEM_UID,
    gid: SYSTEM_UID,
    home,
    hash: PASSWORD_HASH,
  };
  await writeAccounts(etc, [user, ...extraAccounts]);
  for (const service of pamServices) await writePamService(etc, service);
  await mkdir(spool);
  await chmod(spool, 0o1777);
  await mkdir(home);
  await chown(home, user.uid, user.gid);
  return { dir, etc, spool, home, user };
};

export const login = { user: SYSTEM_USER, password: PASSWORD } as const;

/** An inetd whose connections each run `argv` in the private root. */
export const startInPrivateRoot = async (
  root: PrivateRoot,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
) => {
  const { command, args } = privateRootCommand(root, argv);
  return startInetd({ command, args, env });
};

export const packageRootOf = (root: PackageRoot | undefined, pkg: string): PackageRoot => {
  if (!root) throw new Error(`${pkg} runs from an extracted package root; none was prepared`);
  return root;
};

export const removeLayout = (layout: SystemAccountLayout): Promise<void> =>
  rm(layout.dir, { recursive: true, force: true });

/**
 * An mbox server started per connection in the private root (popa3d, solid-pop3d): the test
 * account's mbox in /var/mail, `varLib` over /var/lib, and everything removed by stop().
 */
export const serveMboxPerConnection = async (
  packageRoot: PackageRoot,
  layout: SystemAccountLayout,
  varLib: string,
  binary: string,
  messages: readonly Buffer[],
): Promise<InteropServer> => {
  await writeMbox(join(layout.spool, layout.user.name), messages, layout.user);
  const inetd = await startInPrivateRoot(
    {
      packageRoot: packageRoot.dir,
      etc: layout.etc,
      binds: [{ from: layout.spool, to: '/var/mail' }],
      overlays: [{ target: '/var/lib', layers: [varLib] }],
    },
    [binary],
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
};
