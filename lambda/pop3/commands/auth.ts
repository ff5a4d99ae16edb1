import type { Credentials } from '../../auth/credentials.js';
import { hasCode, PopfwdError } from '../../errors.js';
import type { Log } from '../../log.js';
import type { Capabilities } from '../capabilities.js';
import { buildCommand, buildSaslResponse, type WireCommand } from '../command.js';
import { errorForReply } from '../errors.js';
import { POP3_LIMITS } from '../limits.js';
import type { SaslReply } from '../requests.js';
import { decodeXoauth2Challenge, plainPayload, xoauth2Payload } from '../sasl.js';
import { printable } from '../server-text.js';

/**
 * Logging in, in AUTHORIZATION: USER/PASS (RFC 1939) and SASL (RFC 5034) PLAIN for a password,
 * SASL XOAUTH2 for an OAuth2 access token. What follows a login (CAPA, UTF8, STAT) is login.ts.
 */

/** What the login code needs from a session: one SASL step at a time. */
export interface SaslChannel {
  readonly capabilities: Capabilities;
  exchange(command: WireCommand): Promise<SaslReply>;
  readonly log: Log;
}

/**
 * One SASL exchange (RFC 5034). `payload` goes on the AUTH line when `inline`, else after the
 * server's first "+". A challenge after our credentials is a failure report (XOAUTH2 sends
 * `+ <base64 json>`): we answer with an empty line to receive the final -ERR, as Microsoft expects.
 */
const sasl = async (
  channel: SaslChannel,
  mechanism: string,
  payload: string,
  inline: boolean,
): Promise<void> => {
  const verb = `AUTH ${mechanism}`;
  let reply = await channel.exchange(
    inline
      ? buildCommand('AUTH', [mechanism, payload], { secretFrom: 1 })
      : buildCommand('AUTH', [mechanism]),
  );
  let sent = inline;
  let detail = '';
  for (let round = 0; reply.type === 'continue'; round += 1) {
    if (round > 2)
      throw new PopfwdError('EPROTOCOL', `${verb}: the server keeps sending challenges`);
    if (!sent) {
      sent = true;
      reply = await channel.exchange(buildSaslResponse(payload));
      continue;
    }
    const challenge = decodeXoauth2Challenge(reply.text);
    if (challenge) {
      detail = ` (${printable(
        Object.entries(challenge)
          .map(([key, value]) => `${key}: ${String(value)}`)
          .join(', '),
      )})`;
      channel.log.debug(`${verb} failure details`, { challenge: detail.trim() });
    }
    reply = await channel.exchange(buildSaslResponse(mechanism === 'XOAUTH2' ? '' : '*'));
  }
  if (reply.type === 'err') throw errorForReply(verb, `${reply.text}${detail}`, 'ELOGIN');
};

const fitsOnOneLine = (mechanism: string, payload: string) =>
  `AUTH ${mechanism} ${payload}\r\n`.length <= POP3_LIMITS.maxCommandBytes;

const loginWithPassword = async (
  channel: SaslChannel,
  user: string,
  password: string,
): Promise<void> => {
  const { capabilities } = channel;
  if (capabilities.sasl.includes('PLAIN')) {
    const payload = plainPayload(user, password);
    await sasl(channel, 'PLAIN', payload, fitsOnOneLine('PLAIN', payload));
    return;
  }
  if (capabilities.user || !capabilities.known) {
    const userReply = await channel.exchange(buildCommand('USER', [user]));
    if (userReply.type !== 'ok') throw errorForReply('USER', userReply.text, 'ELOGIN');
    // PASS takes the rest of the line, spaces included (RFC 1939 §7).
    const passReply = await channel.exchange(buildCommand('PASS', [password], { secret: true }));
    if (passReply.type !== 'ok') throw errorForReply('PASS', passReply.text, 'ELOGIN');
    return;
  }
  throw new PopfwdError(
    'ECAPABILITY',
    `the server offers no password login popfwd supports (USER or SASL PLAIN; it offers: ${capabilities.sasl.join(' ') || 'none'})`,
  );
};

/**
 * XOAUTH2 always in two steps: Outlook's POP3 rejects the initial response on the AUTH line
 * (tokens are far longer than a 255-octet command). A rejected token is renewed once; Outlook
 * sends no response codes, so a refusal without [AUTH] counts as a rejected token too.
 */
const loginWithOAuth2 = async (
  channel: SaslChannel,
  credentials: Extract<Credentials, { kind: 'oauth2' }>,
): Promise<void> => {
  const { capabilities } = channel;
  if (capabilities.known && !capabilities.sasl.includes('XOAUTH2')) {
    throw new PopfwdError(
      'ECAPABILITY',
      `the server does not offer SASL XOAUTH2 (it offers: ${capabilities.sasl.join(' ') || 'none'}); OAuth2 login is impossible here`,
    );
  }
  const attempt = async (renew: boolean) => {
    const { token } = await credentials.tokens.getAccessToken({ renew });
    await sasl(channel, 'XOAUTH2', xoauth2Payload(credentials.user, token), false);
  };
  try {
    await attempt(false);
  } catch (error) {
    if (!hasCode(error, 'EAUTH', 'ELOGIN')) throw error;
    channel.log.debug('XOAUTH2 rejected; renewing the access token once');
    await attempt(true);
  }
};

export const authenticate = (channel: SaslChannel, credentials: Credentials): Promise<void> =>
  credentials.kind === 'password'
    ? loginWithPassword(channel, credentials.user, credentials.password)
    : loginWithOAuth2(channel, credentials);
