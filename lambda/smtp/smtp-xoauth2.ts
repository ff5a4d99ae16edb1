import type { SMTPConnectionCustomAuthContext } from 'nodemailer/lib/smtp-connection';
import type { AccessTokenProvider } from '../auth/credentials.js';

/**
 * SASL XOAUTH2 for nodemailer's `customAuth`, renewing a rejected token once.
 *
 * nodemailer's own XOAUTH2 (provisionCallback) renews only when the server answers the AUTH
 * command with a 334 error challenge (Google's style). Microsoft answers a bad or expired token
 * with a plain `535 5.7.3 Authentication unsuccessful` (Outlook.com, docs/ARCHITECTURE.md §5), which nodemailer treats
 * as final. This handler renews after either answer, then fails for good.
 *
 * nodemailer logs a custom AUTH command with its payload replaced by a placeholder; the token never
 * reaches a log line or an error message.
 */

/**
 * The name the handler is registered under. Not "XOAUTH2": nodemailer runs a custom handler of
 * that name only alongside its own token generator, and otherwise logs in with the first
 * mechanism the server lists (PLAIN or LOGIN, without credentials). The handler still speaks
 * AUTH XOAUTH2 on the wire.
 */
export const XOAUTH2_HANDLER_NAME = 'POPFWD-XOAUTH2';

const AUTH_OK = 235;
const CHALLENGE = 334;

/** RFC 7628-style initial response: base64("user=" u ^A "auth=Bearer " t ^A ^A). */
export const xoauth2InitialResponse = (user: string, token: string): string =>
  Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`, 'utf8').toString('base64');

/** Account-level refusals where a fresh token cannot help (Outlook.com, docs/ARCHITECTURE.md §5). */
const NOT_A_TOKEN_PROBLEM = /5\.7\.139|SmtpClientAuthentication is disabled/i;

/** A token provider failure, kept as `cause` so classifySendError returns it unchanged. */
class TokenUnavailable extends Error {
  constructor(cause: unknown) {
    super('no OAuth2 access token for SMTP', { cause });
  }
}

const attempt = async (
  context: SMTPConnectionCustomAuthContext,
  user: string,
  tokens: AccessTokenProvider,
  renew: boolean,
) => {
  const token = await tokens.getAccessToken({ renew }).catch((error: unknown) => {
    throw new TokenUnavailable(error);
  });
  const reply = await context.sendCommand(
    `AUTH XOAUTH2 ${xoauth2InitialResponse(user, token.token)}`,
  );
  // an error challenge (base64 JSON) is answered with an empty line to get the final reply
  return reply.status === CHALLENGE ? context.sendCommand('') : reply;
};

export const xoauth2Handler =
  (user: string, tokens: AccessTokenProvider) =>
  async (context: SMTPConnectionCustomAuthContext): Promise<void> => {
    const first = await attempt(context, user, tokens, false);
    if (first.status === AUTH_OK) return;
    if (NOT_A_TOKEN_PROBLEM.test(first.response)) throw new Error('XOAUTH2 login refused');
    const second = await attempt(context, user, tokens, true);
    if (second.status !== AUTH_OK)
      throw new Error('XOAUTH2 login refused after renewing the token');
  };
