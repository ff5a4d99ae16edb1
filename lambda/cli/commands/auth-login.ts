import {
  createOAuth2Client,
  type OAuth2AuthConfig,
  type OAuth2Client,
} from '../../auth/oauth2-client.js';
import { openCredentials } from '../../auth/open-credentials.js';
import type { MailboxConfig, SecretRef } from '../../config/config-schema.js';
import type { LoadedConfig } from '../../config/parse.js';
import { ERROR_CODES, errorMessage, isPopfwdError, PopfwdError } from '../../errors.js';
import { describeSecretRef, type SecretStore } from '../../secrets/secret-store.js';
import { cliAdapters } from '../adapters.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { EXIT } from '../exit-codes.js';
import type { CliIO, Command } from '../io.js';
import type { LoginCheck, VerifyLogin } from '../verify-login.js';

export interface AuthLoginDeps {
  /** Tries POP3 and SMTP with the new login; without it the login is stored but not tried. */
  readonly verifyLogin?: VerifyLogin;
  /** @default the CLI's secret store (cli/adapters.ts) */
  readonly openSecrets?: (io: CliIO) => SecretStore;
  /** @default the Microsoft identity platform client */
  readonly createClient?: (auth: OAuth2AuthConfig) => OAuth2Client;
}

const oauth2Auth = (loaded: LoadedConfig): OAuth2AuthConfig => {
  const { auth } = loaded.config.mailbox;
  if (auth.method !== 'oauth2') {
    throw new PopfwdError(
      'ECONFIG',
      `${loaded.source}: auth login signs in with OAuth2, but mailbox.auth.method is ${auth.method}; set mailbox.auth.method: oauth2 (or mailbox.preset: outlook) with clientId and refreshToken`,
      { context: { source: loaded.source, path: 'mailbox.auth.method' } },
    );
  }
  if ('env' in auth.refreshToken) {
    throw new PopfwdError(
      'ECONFIG',
      `${loaded.source}: mailbox.auth.refreshToken is an environment variable, which popfwd cannot update; point it at { file: PATH } or { ssm: NAME }`,
      { context: { source: loaded.source, path: 'mailbox.auth.refreshToken' } },
    );
  }
  return auth;
};

const instructions = (address: string, uri: string, code: string, expiresIn: number): string =>
  [
    '',
    `To sign in as ${address}, open`,
    '',
    `    ${uri}`,
    '',
    'and enter the code',
    '',
    `    ${code}`,
    '',
    `Sign in with ${address} and accept the permissions popfwd asks for.`,
    `The code expires in ${Math.max(1, Math.round(expiresIn / 60))} minutes. Press Ctrl-C to cancel.`,
    '',
    'Waiting for you to sign in…',
    '',
  ].join('\n');

const storedAt = (ref: SecretRef): string =>
  'file' in ref
    ? `${describeSecretRef(ref)} (readable only by you, mode 0600)`
    : `${describeSecretRef(ref)} (SecureString, replaced on every run)`;

const describeFailure = (error: unknown): string =>
  isPopfwdError(error)
    ? `${error.message} [${error.code}: ${ERROR_CODES[error.code].summary}]`
    : errorMessage(error);

const checkLine = (label: string, server: string, check: LoginCheck): string => {
  const head = `  ${label.padEnd(5)} ${server.padEnd(32)}`;
  if (check.status === 'ok') return `${head} ok${check.detail ? ` (${check.detail})` : ''}`;
  if (check.status === 'skipped') return `${head} skipped: ${check.reason}`;
  return `${head} FAILED: ${describeFailure(check.error)}`;
};

const POP_HINT =
  'If POP3 fails, check that POP is switched on: Outlook.com → Settings → Mail → Forwarding and IMAP → POP.';
const SMTP_HINT =
  'If SMTP fails, check that the app registration has the delegated permission SMTP.Send and that you accepted it when signing in. Without SMTP popfwd still archives, but cannot forward or reply.';

/** Tries the stored login through the normal token path, which also proves refresh and write-back. */
const verify = async (
  mailbox: MailboxConfig,
  secrets: SecretStore,
  client: OAuth2Client,
  verifyLogin: VerifyLogin,
  io: CliIO,
): Promise<number> => {
  io.stdout.write('Checking the login:\n');
  const credentials = await openCredentials(mailbox, secrets, { createClient: () => client });
  const result = await verifyLogin(mailbox, credentials, io.signal);
  const smtpServer = mailbox.smtp ? `${mailbox.smtp.host}:${mailbox.smtp.port}` : '(none)';
  io.stdout.write(
    `${checkLine('POP3', `${mailbox.pop3.host}:${mailbox.pop3.port}`, result.pop3)}\n${checkLine('SMTP', smtpServer, result.smtp)}\n`,
  );
  if (result.pop3.status === 'failed') io.stdout.write(`\n${POP_HINT}\n`);
  if (result.smtp.status === 'failed') io.stdout.write(`\n${SMTP_HINT}\n`);
  const failed = result.pop3.status === 'failed' || result.smtp.status === 'failed';
  return failed ? EXIT.failed : EXIT.ok;
};

/** `popfwd auth login`: device-code sign-in, refresh token stored where the config points. */
export const createAuthLoginCommand = (deps: AuthLoginDeps = {}): Command => ({
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.authLogin, args);
    const loaded = await loadCommandConfig(values.config, io);
    const auth = oauth2Auth(loaded);
    const { mailbox } = loaded.config;
    const client = deps.createClient?.(auth) ?? createOAuth2Client({ auth });
    const secrets = deps.openSecrets?.(io) ?? cliAdapters(loaded.config, io).secrets;

    const device = await client.startDeviceCode({ signal: io.signal });
    io.stdout.write(
      instructions(mailbox.address, device.verificationUri, device.userCode, device.expiresIn),
    );
    const tokens = await client.pollDeviceCode(device, { signal: io.signal });
    await secrets.write(auth.refreshToken, tokens.refreshToken);
    io.stdout.write(`Signed in. Refresh token saved to ${storedAt(auth.refreshToken)}.\n\n`);

    if (!deps.verifyLogin) {
      io.stdout.write(
        `The POP3 and SMTP logins were not tried; \`popfwd run${values.config ? ` --config ${values.config}` : ''}\` will use them.\n`,
      );
      return EXIT.ok;
    }
    return verify(mailbox, secrets, client, deps.verifyLogin, io);
  },
});
