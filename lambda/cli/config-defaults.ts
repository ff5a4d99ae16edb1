import { dirname } from 'node:path';
import type { Config } from '../config/config-schema.js';
import { resolveConfigPaths } from '../config/load.js';
import { parseConfig } from '../config/parse.js';
import { isRecord } from '../is-record.js';

/** A setting whose value is not what popfwd would use without it. */
export interface ChangedSetting {
  readonly path: string;
  readonly value: unknown;
  readonly defaultValue: unknown;
}

/** Shown elsewhere in `config check` (mailbox, login, rules, vacation) or required anyway. */
const SKIPPED = new Set(['rules', 'vacation', 'mailbox.address', 'mailbox.preset']);

/**
 * The smallest config with the same required fields: what popfwd would run with had the owner
 * set nothing else. The security modes are kept so that a port is compared with its mode's
 * default port (110 for starttls, not 995); the modes themselves are compared on their own.
 */
const baseline = (config: Config, source: string): Config => {
  const { mailbox } = config;
  const auth =
    mailbox.auth.method === 'password'
      ? { method: 'password', password: mailbox.auth.password }
      : {
          method: 'oauth2',
          clientId: mailbox.auth.clientId,
          refreshToken: mailbox.auth.refreshToken,
        };
  const document = {
    mailbox: {
      address: mailbox.address,
      pop3: { host: mailbox.pop3.host, security: mailbox.pop3.security },
      ...(mailbox.smtp
        ? { smtp: { host: mailbox.smtp.host, security: mailbox.smtp.security } }
        : {}),
      auth,
    },
  };
  // Relative paths resolve against the config's folder, as they did for the config itself.
  return resolveConfigPaths(parseConfig(document, source).config, dirname(source));
};

const SECURITY_DEFAULTS: ReadonlyArray<readonly [path: string, value: string | undefined]> = [
  ['mailbox.pop3.security', 'tls'],
  ['mailbox.smtp.security', 'starttls'],
];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const walk = (value: unknown, defaults: unknown, path: string, found: ChangedSetting[]): void => {
  if (SKIPPED.has(path)) return;
  if (isRecord(value) && isRecord(defaults)) {
    for (const key of Object.keys(value)) {
      walk(value[key], defaults[key], path ? `${path}.${key}` : key, found);
    }
    return;
  }
  if (!same(value, defaults)) found.push({ path, value, defaultValue: defaults });
};

/** Every setting that differs from its default, in the config's order. */
export const changedSettings = (config: Config, source: string): ChangedSetting[] => {
  const found: ChangedSetting[] = [];
  walk(config, baseline(config, source), '', found);
  const security = SECURITY_DEFAULTS.flatMap(([path, defaultValue]) => {
    const [, protocol] = path.split('.') as [string, 'pop3' | 'smtp'];
    const value = config.mailbox[protocol]?.security;
    return value !== undefined && value !== defaultValue ? [{ path, value, defaultValue }] : [];
  });
  return [...security, ...found];
};
