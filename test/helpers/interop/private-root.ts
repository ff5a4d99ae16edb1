/**
 * Runs a server as if its package were installed, without installing it: in a private mount
 * namespace (`unshare --mount`), /usr and /etc become read-only overlays of the package root and
 * a private /etc on top of the host's, and writable private folders are bound over /var/mail or
 * /run. The host sees none of it. Needs root (CAP_SYS_ADMIN) and overlayfs.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PrivateRoot {
  /** Extracted packages (see debian.ts). */
  readonly packageRoot: string;
  /** Files that shadow the host's /etc (passwd, shadow, pam.d/…, the server's config). */
  readonly etc: string;
  /** Writable folders bound over host folders that exist on any Debian (/var/mail, /run). */
  readonly binds?: readonly { readonly from: string; readonly to: string }[];
  /** Read-only folders laid over a host folder, first wins (e.g. a /var/lib/popa3d). */
  readonly overlays?: readonly { readonly target: string; readonly layers: readonly string[] }[];
}

const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

const overlay = (target: string, layers: readonly string[]): string => {
  for (const layer of layers) {
    if (/[:,\s]/.test(layer)) throw new Error(`overlay layer with ':' ',' or space: ${layer}`);
  }
  return `mount -t overlay overlay -o lowerdir=${[...layers, target].join(':')} ${target}`;
};

/** `unshare …` command and arguments that run `argv` inside the private root. */
export const privateRootCommand = (
  root: PrivateRoot,
  argv: readonly string[],
): { command: string; args: string[] } => {
  const mounts = [
    overlay('/usr', [join(root.packageRoot, 'usr')]),
    overlay('/etc', [root.etc, join(root.packageRoot, 'etc')]),
    ...(root.overlays ?? []).map(({ target, layers }) => overlay(target, layers)),
    ...(root.binds ?? []).map(({ from, to }) => `mount --bind ${quote(from)} ${quote(to)}`),
  ];
  const script = `set -e\n${mounts.join('\n')}\nexec "$@"`;
  return {
    command: 'unshare',
    args: ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', ...argv],
  };
};

let probe: string | null | undefined;

/** Why private roots cannot run here, or null when they can. */
export const privateRootUnavailable = (): string | null => {
  if (probe !== undefined) return probe;
  if (process.getuid?.() !== 0) {
    probe = 'needs root (a private mount namespace)';
    return probe;
  }
  const result = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount -t tmpfs none /mnt'],
    { stdio: 'ignore' },
  );
  probe = result.status === 0 ? null : 'unshare --mount / mount are not permitted here';
  return probe;
};

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  /** crypt(3) hash; accounts without one cannot log in. */
  readonly hash?: string;
}

/**
 * Minimal passwd, group and shadow files for the private /etc: only these accounts (and root),
 * so no host account or hash is copied anywhere.
 */
export const writeAccounts = async (etc: string, accounts: readonly Account[]): Promise<void> => {
  await mkdir(etc, { recursive: true });
  const all: Account[] = [{ name: 'root', uid: 0, gid: 0, home: '/root' }, ...accounts];
  await writeFile(
    join(etc, 'passwd'),
    all.map((a) => `${a.name}:x:${a.uid}:${a.gid}:${a.name}:${a.home}:/bin/sh\n`).join(''),
  );
  await writeFile(join(etc, 'group'), all.map((a) => `${a.name}:x:${a.gid}:\n`).join(''));
  await writeFile(
    join(etc, 'shadow'),
    all.map((a) => `${a.name}:${a.hash ?? '*'}:20000:0:99999:7:::\n`).join(''),
    { mode: 0o640 },
  );
};

/** A PAM service that checks the private passwd/shadow only. */
export const writePamService = async (etc: string, service: string): Promise<void> => {
  await mkdir(join(etc, 'pam.d'), { recursive: true });
  await writeFile(
    join(etc, 'pam.d', service),
    'auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_permit.so\n',
  );
};
