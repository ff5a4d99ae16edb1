/** The programs the benchmarks drive, installed from Debian when missing. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';

/** A program and the Debian package that provides it. */
interface Tool {
  readonly command: string;
  readonly package: string;
  readonly present: () => boolean;
}

const onPath = (command: string) => (): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

const TOOLS = {
  dovecot: {
    command: 'dovecot',
    package: 'dovecot-pop3d',
    present: () =>
      onPath('dovecot')() &&
      ['/usr/lib/dovecot/pop3', '/usr/libexec/dovecot/pop3'].some((path) => existsSync(path)),
  },
  mpop: { command: 'mpop', package: 'mpop', present: onPath('mpop') },
  fetchmail: { command: 'fetchmail', package: 'fetchmail', present: onPath('fetchmail') },
  // GNU time reports a child's peak RSS (%M); the shell builtin cannot.
  time: { command: '/usr/bin/time', package: 'time', present: () => existsSync('/usr/bin/time') },
} as const satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

const run = (command: string, args: string[]): void => {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
};

/** Installs the packages of the missing `names` with apt-get (needs root), once. */
export const ensureTools = (names: readonly ToolName[]): void => {
  const missing = names.map((name) => TOOLS[name]).filter((tool) => !tool.present());
  if (missing.length === 0) return;
  const packages = missing.map((tool) => tool.package);
  if (userInfo().uid !== 0) {
    throw new Error(
      `missing ${packages.join(', ')}: run "apt-get install -y ${packages.join(' ')}"`,
    );
  }
  process.stderr.write(`installing ${packages.join(', ')} with apt-get …\n`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  const still = missing.filter((tool) => !tool.present());
  if (still.length > 0) throw new Error(`still missing: ${still.map((t) => t.command).join(', ')}`);
};
