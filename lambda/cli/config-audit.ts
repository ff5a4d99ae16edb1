import type { Config, SecretRef } from '../config/config-schema.js';
import { errorMessage, isPopfwdError } from '../errors.js';
import { describeSecretRef, type SecretStore } from '../secrets/secret-store.js';
import { EXIT, type ExitCode, exitCodeFor } from './exit-codes.js';

/** One secret reference of the config and whether it can be read now (never its value). */
export interface SecretCheck {
  readonly path: string;
  readonly ref: string;
  /** null: readable (or not read); otherwise why not. */
  readonly problem: string | null;
  /** false with --offline. */
  readonly read: boolean;
  readonly exitCode: ExitCode;
}

export interface ConfigAudit {
  readonly secrets: readonly SecretCheck[];
  /** Things that make runs fail: the config is not usable as it is. */
  readonly problems: readonly string[];
  /** Valid, but probably not meant. */
  readonly warnings: readonly string[];
  /** The worst exit code among the problems; 0 when there are none. */
  readonly exitCode: ExitCode;
}

/** An SSM call with no answer must not hang `config check`. */
const READ_TIMEOUT_MS = 10_000;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

const secretRefs = (config: Config): Array<{ path: string; ref: SecretRef }> => {
  const { auth } = config.mailbox;
  return auth.method === 'password'
    ? [{ path: 'mailbox.auth.password', ref: auth.password }]
    : [{ path: 'mailbox.auth.refreshToken', ref: auth.refreshToken }];
};

const readWithin = async (secrets: SecretStore, ref: SecretRef, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    // The value is dropped here: only whether it can be read is reported.
    await Promise.race([secrets.read(ref), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const checkSecret = async (
  secrets: SecretStore,
  path: string,
  ref: SecretRef,
  readTimeoutMs: number,
): Promise<SecretCheck> => {
  const shown = describeSecretRef(ref);
  try {
    await readWithin(secrets, ref, readTimeoutMs);
    return { path, ref: shown, problem: null, read: true, exitCode: EXIT.ok };
  } catch (error) {
    // ESECRET messages name the reference, never a value.
    const code = isPopfwdError(error) ? exitCodeFor({ error }) : EXIT.unavailable;
    return { path, ref: shown, problem: errorMessage(error), read: true, exitCode: code };
  }
};

const isPlainHttp = (url: string): boolean => {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname);
};

/**
 * What `config check` learns beyond the schema: every secret reference read (its value
 * discarded), a refresh token `auth login` could not store, a token endpoint over plain http.
 * Plain POP3/SMTP to another machine is already a load warning (config/parse.ts).
 */
export const auditConfig = async (
  config: Config,
  /** null: --offline, the references are listed but not read. */
  secrets: SecretStore | null,
  readTimeoutMs = READ_TIMEOUT_MS,
): Promise<ConfigAudit> => {
  const checks = await Promise.all(
    secretRefs(config).map(({ path, ref }) =>
      secrets
        ? checkSecret(secrets, path, ref, readTimeoutMs)
        : { path, ref: describeSecretRef(ref), problem: null, read: false, exitCode: EXIT.ok },
    ),
  );
  const problems = checks
    .filter((check) => check.problem !== null)
    .map((check) => `${check.path} (${check.ref}) cannot be read: ${check.problem}`);
  const codes = checks.map((check) => check.exitCode);
  const warnings: string[] = [];
  const { auth } = config.mailbox;
  if (auth.method === 'oauth2') {
    if ('env' in auth.refreshToken) {
      problems.push(
        `mailbox.auth.refreshToken is an environment variable (env:${auth.refreshToken.env}): Microsoft rotates refresh tokens and \`popfwd auth login\` must store them; use { file: PATH } or { ssm: NAME }`,
      );
      codes.push(EXIT.usage);
    }
    if (isPlainHttp(auth.authority)) {
      warnings.push(
        `mailbox.auth.authority ${auth.authority} is plain http: the refresh token would cross the network unencrypted; use https`,
      );
    }
  }
  // A config fix first: trying later would not help.
  const exitCode = codes.includes(EXIT.usage)
    ? EXIT.usage
    : (Math.max(EXIT.ok, ...codes) as ExitCode);
  return { secrets: checks, problems, warnings, exitCode };
};
