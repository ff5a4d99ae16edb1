import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { LoadedConfig } from '../config/parse.js';
import { PopfwdError } from '../errors.js';
import type { CliIO } from './io.js';
import { packageInfo } from './package-info.js';

/** Where a command's config was found, and by which rule. */
export interface ConfigLocation {
  readonly path: string;
  readonly from: '--config' | '$POPFWD_CONFIG' | 'default';
}

/**
 * `$XDG_CONFIG_HOME/popfwd/config.yaml`, else `~/.config/popfwd/config.yaml`. A relative
 * XDG_CONFIG_HOME is ignored, as the XDG Base Directory specification says.
 */
export const defaultConfigPath = (env: NodeJS.ProcessEnv): string => {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'popfwd', 'config.yaml');
};

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

const notFound = (io: CliIO, path: string): PopfwdError => {
  const examples = join(packageInfo().root, 'examples');
  const width = Math.max(path.length, '$POPFWD_CONFIG'.length);
  return new PopfwdError(
    'ECONFIG',
    [
      'no config found; popfwd looked at:',
      `  ${'--config FILE'.padEnd(width)}  not given`,
      `  ${'$POPFWD_CONFIG'.padEnd(width)}  not set`,
      `  ${path.padEnd(width)}  no such file`,
      '',
      'To start: `popfwd sandbox` shows a run against a built-in sample mailbox. Then copy',
      `${join(examples, 'outlook.yaml')} (Outlook.com / Hotmail) or ${join(examples, 'password.yaml')}`,
      `(other POP3 servers) to ${path}, edit it, and check it with \`popfwd config check\`.`,
    ].join('\n'),
    { context: { looked: ['--config', '$POPFWD_CONFIG', path], cwd: io.cwd } },
  );
};

/**
 * The config a command reads: `--config`, else `$POPFWD_CONFIG`, else the default path. A file
 * named explicitly must exist (a typo is an error, not a fall-through to another config).
 */
export const locateConfig = async (
  flag: string | undefined,
  io: CliIO,
): Promise<ConfigLocation> => {
  if (flag) return { path: resolve(io.cwd, flag), from: '--config' };
  const fromEnv = io.env.POPFWD_CONFIG;
  if (fromEnv) {
    const path = resolve(io.cwd, fromEnv);
    if (await exists(path)) return { path, from: '$POPFWD_CONFIG' };
    throw new PopfwdError('ECONFIG', `config ${path} (from $POPFWD_CONFIG): file not found`, {
      context: { source: path },
    });
  }
  const path = defaultConfigPath(io.env);
  if (await exists(path)) return { path, from: 'default' };
  throw notFound(io, path);
};

/** Finds and reads the config; its warnings go to stderr. */
export const loadCommandConfig = async (
  flag: string | undefined,
  io: CliIO,
): Promise<LoadedConfig & { readonly location: ConfigLocation }> => {
  const location = await locateConfig(flag, io);
  const directory = await stat(location.path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (directory) {
    throw new PopfwdError(
      'ECONFIG',
      `${location.path} (from ${location.from}) is a directory: only \`popfwd run\` and \`watch\` read a directory of configs; give --config FILE`,
      { context: { source: location.path } },
    );
  }
  const loaded = await loadConfig(location.path);
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
  return { ...loaded, location };
};
