/**
 * Debian packages as private folders: `apt-get download` a server package and what it needs that
 * this machine lacks, `dpkg-deb` them into one folder (a "package root") and run the server from
 * there. Nothing is installed, so packages that conflict with dovecot-pop3d can be used beside it.
 * Roots live under .interop/ in the repository (POPFWD_INTEROP_DIR overrides), one per package.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const STAMP = '.popfwd-root.json';
const MAX_BUFFER = 16 * 1024 * 1024;

export interface PackageRoot {
  readonly package: string;
  /** Debian version of the package, e.g. 1:3.15-4. */
  readonly version: string;
  readonly dir: string;
}

export const interopHome = (): string =>
  process.env.POPFWD_INTEROP_DIR ?? fileURLToPath(new URL('../../../.interop', import.meta.url));

const rootDir = (pkg: string): string => join(interopHome(), 'root', pkg);

/** The package root if it was prepared before (no apt access needed). */
export const existingRoot = async (pkg: string): Promise<PackageRoot | undefined> => {
  const dir = rootDir(pkg);
  const stamp = await readFile(join(dir, STAMP), 'utf8').catch(() => undefined);
  if (stamp === undefined) return undefined;
  const { version } = JSON.parse(stamp) as { version: string };
  return { package: pkg, version, dir };
};

/** Version of an installed package, or undefined. */
export const installedVersion = async (pkg: string): Promise<string | undefined> => {
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    const { stdout } = await run('dpkg-query', ['-W', '-f=${Status}|${Version}', pkg]);
    const [status, version] = stdout.split('|');
    return status?.endsWith(' installed') ? version : undefined;
  } catch {
    return undefined;
  }
};

/** The packages and everything apt would add to this machine to install them. */
const packagesFor = async (packages: readonly string[]): Promise<string[]> => {
  const { stdout } = await run(
    'apt-get',
    ['install', '--simulate', '--no-install-recommends', '-qq', ...packages],
    { maxBuffer: MAX_BUFFER, env: { ...process.env, LC_ALL: 'C' } },
  );
  const added = stdout
    .split('\n')
    .filter((line) => line.startsWith('Inst '))
    .map((line) => line.split(' ')[1] ?? '');
  return [...new Set([...packages, ...added.filter(Boolean)])];
};

/** The .deb file of each package in `debs`, downloading those that are missing. */
const download = async (packages: readonly string[], debs: string): Promise<string[]> => {
  await mkdir(debs, { recursive: true });
  // From a folder without .deb files: apt leaves out the files present in its working folder.
  const { stdout } = await run('apt-get', ['download', '--print-uris', ...packages], {
    cwd: '/',
    maxBuffer: MAX_BUFFER,
  });
  const files = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[1] ?? '');
  const fileOf = (pkg: string): string => {
    const file = files.find((name) => name.startsWith(`${pkg}_`));
    if (!file) throw new Error(`apt-get download --print-uris names no file for ${pkg}`);
    return file;
  };
  const missing = packages.filter((pkg) => !existsSync(join(debs, fileOf(pkg))));
  if (missing.length) {
    // As root, apt's sandbox user could not write here; the download needs no sandbox.
    const sandbox = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
    await run('apt-get', [...sandbox, '-qq', 'download', ...missing], { cwd: debs });
  }
  return packages.map((pkg) => join(debs, fileOf(pkg)));
};

const extract = async (debs: readonly string[], dir: string): Promise<void> => {
  await rm(dir, { recursive: true, force: true });
  // Merged /usr, as on the host: files a package puts in /lib land in usr/lib.
  for (const sub of ['usr/lib', 'usr/bin', 'usr/sbin', 'usr/lib64']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  for (const link of ['lib', 'bin', 'sbin', 'lib64']) await symlink(`usr/${link}`, join(dir, link));
  for (const deb of debs) {
    await run('sh', [
      '-c',
      'dpkg-deb --fsys-tarfile "$1" | tar -x --keep-directory-symlink -C "$2"',
      'sh',
      deb,
      dir,
    ]);
  }
};

/**
 * Downloads and extracts `pkg` (and `extra` packages) with what this machine lacks for them (apt's
 * own resolver decides, conflicts with installed packages ignored). Reuses an up-to-date root.
 * Needs `apt-get update`.
 */
export const preparePackageRoot = async (
  pkg: string,
  extra: readonly string[] = [],
): Promise<PackageRoot> => {
  const packages = await packagesFor([pkg, ...extra]);
  const debs = await download(packages, join(interopHome(), 'debs'));
  const dir = rootDir(pkg);
  const names = debs.map((deb) => deb.split('/').pop());
  const previous = await readFile(join(dir, STAMP), 'utf8').catch(() => '');
  const { stdout } = await run('dpkg-deb', ['-f', debs[0] ?? '', 'Version']);
  const version = stdout.trim();
  const stamp = JSON.stringify({ package: pkg, version, debs: names });
  if (previous !== stamp) {
    await extract(debs, dir);
    await writeFile(join(dir, STAMP), stamp);
  }
  return { package: pkg, version, dir };
};

/** Every folder of the root that holds shared libraries, for LD_LIBRARY_PATH. */
export const libraryPath = async (root: string): Promise<string> => {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((entry) => /\.so(\.|$)/.test(entry.name))) found.push(dir);
    if (depth === 0) return;
    for (const entry of entries) {
      if (entry.isDirectory()) await walk(join(dir, entry.name), depth - 1);
    }
  };
  await walk(join(root, 'usr', 'lib'), 2);
  return found.join(':');
};
