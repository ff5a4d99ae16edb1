import { PopfwdError } from '../errors.js';
import { Redactor } from '../redact/redactor.js';

/** An error reply of the Microsoft identity platform (RFC 6749 §5.2 plus Entra's AADSTS codes). */
export interface TokenErrorReply {
  readonly status: number;
  readonly error: string;
  /** The first line of error_description, with any value we sent masked. */
  readonly description: string;
  /** The AADSTS number, e.g. 7000218, when Microsoft gave one. */
  readonly aadsts: number | undefined;
}

const RELOGIN = 'sign in again with `popfwd auth login --config FILE`';

/** An OAuth error code is a short ASCII token (RFC 6749 §5.2); anything else is cut to this. */
const MAX_ERROR_CODE = 100;

/**
 * Reads an error body. Microsoft's descriptions never echo tokens, but the text is foreign, so the
 * values we sent (raw, URL-encoded or in base64) are masked here, where it enters popfwd, in the
 * error code as in the description, and only the description's first line is kept.
 */
export const parseErrorReply = (
  status: number,
  body: Readonly<Record<string, unknown>>,
  sent: readonly string[],
): TokenErrorReply => {
  const redactor = Redactor.of(sent);
  const error =
    typeof body.error === 'string'
      ? redactor.redact(body.error.replace(/\s+/g, ' ')).slice(0, MAX_ERROR_CODE)
      : `http_${status}`;
  const raw = typeof body.error_description === 'string' ? body.error_description : '';
  const description = redactor.redact(raw.split(/\r?\n/)[0] ?? '').slice(0, 300);
  const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
  const fromCodes = typeof codes[0] === 'number' ? codes[0] : undefined;
  const fromText = /AADSTS(\d+)/.exec(raw)?.[1];
  return {
    status,
    error,
    description,
    aadsts: fromCodes ?? (fromText === undefined ? undefined : Number(fromText)),
  };
};

const CONSENT_MISSING =
  'the app has no consent for its permissions (never given, or revoked): accept the consent prompt when signing in, and make sure the app registration lists the delegated permissions offline_access, POP.AccessAsUser.All and SMTP.Send';

/** Why a grant stopped working, by AADSTS code; all of them are fixed by signing in again. */
const GRANT_REASONS: Readonly<Record<number, string>> = {
  70008: 'the refresh token expired because it was not used for 90 days',
  700082: 'the refresh token expired because it was not used for 90 days',
  70043: 'the refresh token expired under a sign-in frequency policy',
  50173: 'the refresh token was revoked, usually because the account password was changed or reset',
  50133: 'the session was revoked because the account password was changed or reset',
  50076: 'Microsoft asks for an interactive sign-in (multi-factor authentication)',
  50079: 'Microsoft asks for an interactive sign-in (multi-factor enrolment)',
  50158: 'Microsoft asks for an interactive sign-in (security challenge)',
  65001: CONSENT_MISSING,
};

const DEFAULT_GRANT_REASON =
  'the refresh token is no longer valid (it expired, was revoked, the password was changed, or it was unused for 90 days)';

const AUDIENCE_MISMATCH =
  'the tenant does not match the app\'s supported account types: an app registered for "Personal Microsoft accounts only" needs auth.tenant: consumers, and auth.tenant: common needs an app that accepts both work and personal accounts';

/** Fixes in words for errors of the app registration or the config, by AADSTS code. */
const SETUP_FIXES: Readonly<Record<number, string>> = {
  7000218:
    'the app registration does not allow public client flows: in the Entra admin center open App registrations → your app → Authentication and set "Allow public client flows" to Yes',
  700025:
    'Microsoft treats the app as a public client and was sent a client secret: popfwd never sends one, so check that auth.authority points at Microsoft and that no proxy adds a secret',
  50059:
    'Microsoft could not tell which directory to sign in to: set auth.tenant to consumers for a personal Outlook.com account (or your tenant ID for a work account)',
  90002:
    'the tenant was not found: set auth.tenant to consumers for a personal Outlook.com account (or your tenant ID for a work account)',
  50020:
    'this Microsoft account cannot sign in to the app: the app registration accepts only accounts of its own directory; register it for "Personal Microsoft accounts only" (auth.tenant: consumers) or for work and personal accounts (auth.tenant: common)',
  700016:
    'no app with this auth.clientId exists for that tenant: check the Application (client) ID of your app registration and auth.tenant',
  70011:
    'Microsoft rejected the scopes: use https://outlook.office.com/POP.AccessAsUser.All, https://outlook.office.com/SMTP.Send and offline_access (outlook.office.com, not outlook.office365.com)',
  65001: CONSENT_MISSING,
  9002331: AUDIENCE_MISMATCH,
  90130: AUDIENCE_MISMATCH,
  50194: AUDIENCE_MISMATCH,
};

/** Terminal answers of the device-code flow (RFC 8628 §3.5). */
const DEVICE_FLOW_ENDS: Readonly<Record<string, string>> = {
  authorization_declined: `the sign-in was declined; run popfwd auth login again to retry`,
  expired_token: `the code expired before the sign-in was completed; run popfwd auth login again`,
  bad_verification_code: `Microsoft did not recognise the device code; run popfwd auth login again`,
};

const aadstsLabel = (reply: TokenErrorReply): string =>
  reply.aadsts === undefined ? reply.error : `AADSTS${reply.aadsts}`;

/** The fix for a refused token request, as a PopfwdError that never carries a token. */
export const explainTokenError = (reply: TokenErrorReply): PopfwdError => {
  const context = { status: reply.status, oauthError: reply.error, aadsts: reply.aadsts };
  const label = aadstsLabel(reply);

  if (reply.error === 'invalid_grant' || reply.error === 'interaction_required') {
    const reason =
      (reply.aadsts === undefined ? undefined : GRANT_REASONS[reply.aadsts]) ??
      DEFAULT_GRANT_REASON;
    return new PopfwdError('EINVALIDGRANT', `${reason} (${label}): ${RELOGIN}`, { context });
  }

  const deviceEnd = DEVICE_FLOW_ENDS[reply.error];
  if (deviceEnd) return new PopfwdError('EOAUTH', deviceEnd, { retryable: false, context });

  const setupFix =
    (reply.aadsts === undefined ? undefined : SETUP_FIXES[reply.aadsts]) ??
    (/userAudience/.test(reply.description) ? AUDIENCE_MISMATCH : undefined) ??
    (reply.error === 'invalid_scope' ? SETUP_FIXES[70011] : undefined) ??
    (reply.error === 'consent_required' ? CONSENT_MISSING : undefined);
  if (setupFix) {
    return new PopfwdError('EOAUTH', `${setupFix} (${label})`, { retryable: false, context });
  }

  if (reply.error === 'temporarily_unavailable' || reply.status >= 500 || reply.status === 429) {
    return new PopfwdError('EOAUTH', `the token endpoint is temporarily unavailable (${label})`, {
      retryable: true,
      context,
    });
  }

  if (reply.error === `http_${reply.status}`) {
    return new PopfwdError(
      'EOAUTH',
      `the token endpoint answered HTTP ${reply.status} without an OAuth error: check auth.authority and auth.tenant`,
      { retryable: false, context },
    );
  }

  const detail = reply.description ? `: ${reply.description}` : '';
  return new PopfwdError(
    'EOAUTH',
    `the token endpoint refused the request (${reply.error}, HTTP ${reply.status})${detail}`,
    { retryable: false, context },
  );
};
