import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PopfwdError } from '../errors.js';
import { type ConfigLocation, locateConfig } from './config-location.js';
import type { CliIO } from './io.js';

/** What a directory of configs holds: the files popfwd reads as configs. */
const CONFIG_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

const isDirectory = (path: string): Promise<boolean> =>
  stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );

const isFile = (path: string): Promise<boolean> =>
  stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );

/**
 * The configs in a directory, sorted by name (byte order, not the locale's), so the mailboxes run
 * in the same order on every machine. Hidden files (editor swap files, `.x.yaml~`) are skipped.
 */
const configsIn = async (dir: string, from: ConfigLocation['from']): Promise<ConfigLocation[]> => {
  const candidates = (await readdir(dir))
    .filter((name) => !name.startsWith('.') && CONFIG_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const names: string[] = [];
  for (const name of candidates) {
    // Regular files only (a link to one included): reading a FIFO or a device named x.yaml
    // would block the run forever.
    if (await isFile(join(dir, name))) names.push(name);
  }
  if (names.length === 0) {
    throw new PopfwdError(
      'ECONFIG',
      `${dir} (from ${from}) is a directory without a config: popfwd reads the *.yaml, *.yml and *.json files in it`,
      { context: { source: dir } },
    );
  }
  return names.map((name) => ({ path: join(dir, name), from }));
};

export interface ConfigSet {
  readonly locations: readonly ConfigLocation[];
  /**
   * Several configs were asked for (two or more --config, or a directory, even of one file): the
   * output then has a header (a JSON field) per mailbox. One file keeps the one-mailbox output.
   */
  readonly several: boolean;
}

/**
 * The configs of `popfwd run` and `watch`: each `--config` (a file, or a directory of them), else
 * `$POPFWD_CONFIG` (the same), else the default file. A config named twice runs once, where it
 * was first named. A file that does not exist is not an error here: its mailbox fails on its own
 * and the others still run.
 */
export const locateConfigs = async (flags: readonly string[], io: CliIO): Promise<ConfigSet> => {
  const named =
    flags.length > 0
      ? flags.map((flag): ConfigLocation => ({ path: resolve(io.cwd, flag), from: '--config' }))
      : [await locateConfig(undefined, io)];
  const found: ConfigLocation[] = [];
  let directory = false;
  for (const location of named) {
    if (await isDirectory(location.path)) {
      directory = true;
      found.push(...(await configsIn(location.path, location.from)));
    } else found.push(location);
  }
  const unique = new Map<string, ConfigLocation>();
  for (const location of found) {
    if (!unique.has(location.path)) unique.set(location.path, location);
  }
  return { locations: [...unique.values()], several: named.length > 1 || directory };
};

/**
 * A config as a header and a line name it: relative to the working directory when inside it, its
 * control characters shown as `?` (a file name with a newline must not forge a header or a line).
 */
export const configLabel = (path: string, cwd: string): string => {
  const inside = relative(cwd, path);
  const outside = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
  return (inside && !outside ? inside : path).replace(/[\x00-\x1f\x7f]/g, '?');
};
