/**
 * Reading a config file (the CLI, the CDK app at synth): YAML or JSON text, paths relative to the
 * file. Validation itself is parse.ts, which the Lambda uses alone.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { PopfwdError } from '../errors.js';
import type { Config, SecretRef } from './config-schema.js';
import { configError, type LoadedConfig, parseConfig } from './parse.js';

/** Parses YAML or JSON text (JSON is YAML); syntax errors name the line. */
export const parseConfigText = (text: string, source: string): unknown => {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const line = error.linePos?.[0];
    throw configError(source, [
      {
        path: line ? `line ${line.line}, column ${line.col}` : '(syntax)',
        message: error.message.split('\n')[0] ?? 'syntax error',
      },
    ]);
  }
  return document.toJS();
};

const resolveRef = (ref: SecretRef, base: string): SecretRef =>
  'file' in ref && !isAbsolute(ref.file) ? { file: resolve(base, ref.file) } : ref;

/** Relative paths in a config file are relative to the file, not to the working directory. */
export const resolveConfigPaths = (config: Config, base: string): Config => {
  const { auth } = config.mailbox;
  return {
    ...config,
    mailbox: {
      ...config.mailbox,
      ...(config.mailbox.caFile ? { caFile: resolve(base, config.mailbox.caFile) } : {}),
      auth:
        auth.method === 'password'
          ? { ...auth, password: resolveRef(auth.password, base) }
          : { ...auth, refreshToken: resolveRef(auth.refreshToken, base) },
    },
    store: 'dir' in config.store ? { dir: resolve(base, config.store.dir) } : config.store,
  };
};

/** ECONFIG for a config file that cannot be read, saying whether it is missing. */
const configFileError = (path: string, cause: unknown): PopfwdError => {
  const reason =
    (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
  return new PopfwdError('ECONFIG', `config ${path}: ${reason}`, {
    cause,
    context: { source: path },
  });
};

/**
 * A config file's document, parsed but not validated: the one way a file is read, by the CLI
 * (loadConfig) and by the CDK app at synth (infra/deploy-config.ts), which validates the same
 * document for the Lambda and embeds it. Synchronous because the CDK app builds its stacks
 * synchronously; a config file is small and read once per run.
 */
export const readConfigDocument = (path: string): unknown => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw configFileError(path, cause);
  }
  return parseConfigText(text, path);
};

/** A config file, validated, its relative paths made absolute; rejects with ECONFIG. */
export const loadConfig = async (path: string): Promise<LoadedConfig> => {
  const loaded = parseConfig(readConfigDocument(path), path);
  return { ...loaded, config: resolveConfigPaths(loaded.config, dirname(resolve(path))) };
};
